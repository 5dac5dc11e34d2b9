package accrochage

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"acquis/internal/audit"
	parisloc "acquis/internal/paris"
)

// Namespace is the flow's XML namespace.
const Namespace = "urn:cdc:cpf:pc5:schema:1.0.0"

// IDs identify the certifier to the Caisse des Dépôts (from
// configuration: ACQUIS_ACCROCHAGE_ID_CLIENT, ACQUIS_ACCROCHAGE_ID_CONTRAT).
type IDs struct{ Client, Contract string }

// Check says in French what is wrong with the identifiers.
func (i IDs) Check() error {
	if len(i.Client) != 8 {
		return errors.New("identifiant client de la Caisse des Dépôts absent ou invalide : ACQUIS_ACCROCHAGE_ID_CLIENT doit faire 8 caractères")
	}
	if i.Contract == "" || len(i.Contract) > 20 {
		return errors.New("identifiant de contrat de la Caisse des Dépôts absent ou invalide : ACQUIS_ACCROCHAGE_ID_CONTRAT (1 à 20 caractères)")
	}
	return nil
}

// ErrNothing: no award in the period can be declared; the schema does not
// allow an empty flow.
var ErrNothing = errors.New("aucune certification à déclarer sur cette période (ou aucune dont l'état civil est renseigné)")

// Award is one awarded certification as the flow declares it.
type Award struct {
	Number        string     `db:"number"`
	Certification string     `db:"certification_code"`
	AwardedOn     time.Time  `db:"awarded_on"`
	UserID        int64      `db:"user_id"`
	Name          string     `db:"full_name"`
	VAE           bool       `db:"vae"`
	Formation     bool       `db:"formation"`
	EnrolledOn    *time.Time `db:"enrolled_on"`
	ExamOn        *time.Time `db:"exam_on"`
	Remote        *bool      `db:"remote"`
	Civil         *CivilStatus
}

// Skipped is an award left out of the flow, and why.
type Skipped struct {
	Number, Name, Reason string
}

// Awards lists the certifications awarded between from and to
// (inclusive), with what the flow needs; those that cannot be declared
// yet (no civil status) are returned apart.
func (s *Store) Awards(ctx context.Context, from, to time.Time) ([]Award, []Skipped, error) {
	var list []Award
	if err := s.db.SelectContext(ctx, &list, `SELECT ce.number, ce.certification_code, ce.awarded_on, ce.user_id, u.full_name,
			EXISTS (SELECT 1 FROM candidacy_blocks cb WHERE cb.candidacy_id = ce.candidacy_id AND cb.pathway = 'vae') AS vae,
			EXISTS (SELECT 1 FROM candidacy_blocks cb WHERE cb.candidacy_id = ce.candidacy_id AND cb.pathway = 'formation') AS formation,
			(c.created_at AT TIME ZONE 'Europe/Paris')::date AS enrolled_on,
			(s.starts_at AT TIME ZONE 'Europe/Paris')::date AS exam_on, s.remote
		FROM certificates ce JOIN users u ON u.id = ce.user_id
		LEFT JOIN candidacies c ON c.id = ce.candidacy_id
		LEFT JOIN LATERAL (SELECT js.starts_at, js.remote FROM results r JOIN jury_sessions js ON js.id = r.session_id
			WHERE r.candidacy_id = ce.candidacy_id ORDER BY js.starts_at DESC LIMIT 1) s ON true
		WHERE ce.awarded_on BETWEEN $1::date AND $2::date ORDER BY ce.awarded_on, ce.number`, from.Format("2006-01-02"), to.Format("2006-01-02")); err != nil {
		return nil, nil, err
	}
	var civil []CivilStatus
	if err := s.db.SelectContext(ctx, &civil, `SELECT `+civilColumns+` FROM civil_status WHERE user_id IN
		(SELECT user_id FROM certificates WHERE awarded_on BETWEEN $1::date AND $2::date)`, from.Format("2006-01-02"), to.Format("2006-01-02")); err != nil {
		return nil, nil, err
	}
	byUser := map[int64]*CivilStatus{}
	for i := range civil {
		byUser[civil[i].UserID] = &civil[i]
	}
	var ok []Award
	var skipped []Skipped
	for _, a := range list {
		a.Civil = byUser[a.UserID]
		if a.Civil == nil {
			skipped = append(skipped, Skipped{a.Number, a.Name, "état civil non renseigné (le candidat le saisit dans « Mon compte »)"})
			continue
		}
		ok = append(ok, a)
	}
	return ok, skipped, nil
}

// Export writes the flow for the awards between from and to to w, and
// records the export in the audit log. It returns what it left out.
func (s *Store) Export(ctx context.Context, actor audit.Actor, w io.Writer, ids IDs, from, to, now time.Time) ([]Skipped, int, error) {
	if err := ids.Check(); err != nil {
		return nil, 0, err
	}
	awards, skipped, err := s.Awards(ctx, from, to)
	if err != nil {
		return nil, 0, err
	}
	if len(awards) == 0 {
		// The schema wants at least one certification in a flow.
		return skipped, 0, ErrNothing
	}
	f := Build(ids, awards, from, to, now)
	if err := Write(w, f); err != nil {
		return nil, 0, err
	}
	err = audit.RecordNow(ctx, s.db, actor.Entry("accrochage.exported", "accrochage", f.IDFlux,
		map[string]any{"from": from.Format("2006-01-02"), "to": to.Format("2006-01-02"), "declared": len(awards), "skipped": len(skipped)}))
	return skipped, len(awards), err
}

// Write encodes a flow as an XML document.
func Write(w io.Writer, f *Flux) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

var paris = parisloc.Location

// Build turns awards into a flow. idTechnique is the certificate number,
// which never changes: a flow sent again updates the same records at the
// Caisse des Dépôts instead of duplicating them.
func Build(ids IDs, awards []Award, from, to, now time.Time) *Flux {
	f := &Flux{NS: Namespace, XSI: "http://www.w3.org/2001/XMLSchema-instance",
		IDFlux:     fmt.Sprintf("ACQUIS-%s-%s-%d", from.Format("20060102"), to.Format("20060102"), now.Unix()),
		Horodatage: now.In(paris).Format("2006-01-02T15:04:05-07:00")}
	f.Emetteur.IDClient = ids.Client
	f.Emetteur.Certificateurs.Certificateur.IDClient = ids.Client
	f.Emetteur.Certificateurs.Certificateur.IDContrat = ids.Contract
	byCert := map[string]*Certification{}
	var order []string
	for _, a := range awards {
		c, ok := byCert[a.Certification]
		if !ok {
			c = &Certification{Type: "RNCP", Code: a.Certification, NatureDeposant: "CERTIFICATEUR"}
			byCert[a.Certification] = c
			order = append(order, a.Certification)
		}
		c.Passages = append(c.Passages, passage(a))
	}
	for _, code := range order {
		f.Emetteur.Certificateurs.Certificateur.Certifications = append(f.Emetteur.Certificateurs.Certificateur.Certifications, *byCert[code])
	}
	return f
}

func passage(a Award) Passage {
	p := Passage{IDTechnique: a.Number, Obtention: "PAR_ADMISSION", DonneeCertifiee: true,
		DateDebutValidite: a.AwardedOn.Format("2006-01-02"), DateFinValidite: null(),
		Scoring: null(), Mention: null()}
	if a.ExamOn != nil {
		d := a.ExamOn.Format("2006-01-02")
		p.DateDebutExamen, p.DateFinExamen = d, d
		p.ModalitePassage = "EN_PRESENTIEL"
		if a.Remote != nil && *a.Remote {
			p.ModalitePassage = "A_DISTANCE"
		}
	}
	switch {
	case a.VAE:
		p.Inscription.ModaliteAcces = Nillable{Value: "VAE"}
		p.Inscription.VoieVAE = "VAE_CLASSIQUE"
	case a.Formation:
		p.Inscription.ModaliteAcces = Nillable{Value: "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"}
	default:
		p.Inscription.ModaliteAcces = null()
	}
	if a.EnrolledOn != nil {
		p.Inscription.DateInscription = a.EnrolledOn.Format("2006-01-02")
	}
	c := a.Civil
	t := &p.Identification.Titulaire
	t.NomNaissance, t.Prenom1, t.Prenom2, t.Prenom3 = c.BirthName, c.FirstName1, c.FirstName2, c.FirstName3
	t.NomUsage = Nillable{Value: c.UsageName}
	if c.UsageName == "" {
		t.NomUsage = null()
	}
	t.Annee = c.BirthDate.Year()
	t.Mois = Nillable{Value: strconv.Itoa(int(c.BirthDate.Month()))}
	t.Jour = Nillable{Value: strconv.Itoa(c.BirthDate.Day())}
	t.Sexe = c.Sex
	t.Commune.Insee.Code = c.BirthINSEE
	t.LibelleCommune = c.BirthCommune
	return p
}
