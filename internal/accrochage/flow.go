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

// awardsQuery selects the awards of a period with the civil status of
// their holder, grouped by certification: the flow nests passages under
// their certification, and this order lets it be written row by row. The
// last session of each candidacy is joined once for the period, not
// looked up per award: results' key leads with the session, and a lookup
// by candidacy scanned the whole index for each of the 31,500 awards of
// ten years at national scale (16 s).
const awardsQuery = `SELECT ce.number, ce.certification_code, ce.awarded_on, ce.user_id, u.full_name,
		EXISTS (SELECT 1 FROM candidacy_blocks cb WHERE cb.candidacy_id = ce.candidacy_id AND cb.pathway = 'vae') AS vae,
		EXISTS (SELECT 1 FROM candidacy_blocks cb WHERE cb.candidacy_id = ce.candidacy_id AND cb.pathway = 'formation') AS formation,
		(c.created_at AT TIME ZONE 'Europe/Paris')::date AS enrolled_on,
		(s.starts_at AT TIME ZONE 'Europe/Paris')::date AS exam_on, s.remote,
		cs.user_id IS NOT NULL, coalesce(cs.birth_name, ''), coalesce(cs.usage_name, ''), coalesce(cs.first_name1, ''),
		coalesce(cs.first_name2, ''), coalesce(cs.first_name3, ''), coalesce(cs.birth_date, date '0001-01-01'),
		coalesce(cs.sex, ''), coalesce(cs.birth_insee, ''), coalesce(cs.birth_commune, '')
	FROM certificates ce JOIN users u ON u.id = ce.user_id
	LEFT JOIN civil_status cs ON cs.user_id = ce.user_id
	LEFT JOIN candidacies c ON c.id = ce.candidacy_id
	LEFT JOIN (SELECT DISTINCT ON (r.candidacy_id) r.candidacy_id, js.starts_at, js.remote
		FROM results r JOIN jury_sessions js ON js.id = r.session_id
		WHERE r.candidacy_id IN (SELECT candidacy_id FROM certificates WHERE awarded_on BETWEEN $1::date AND $2::date)
		ORDER BY r.candidacy_id, js.starts_at DESC) s ON s.candidacy_id = ce.candidacy_id
	WHERE ce.awarded_on BETWEEN $1::date AND $2::date ORDER BY ce.certification_code, ce.awarded_on, ce.number`

// eachAward calls fn for every award of the period, one row at a time
// (a cursor on the result, never the whole period in memory). An award
// whose holder has no civil status has a nil Civil.
func (s *Store) eachAward(ctx context.Context, from, to time.Time, fn func(*Award) error) error {
	rows, err := s.db.QueryContext(ctx, awardsQuery, from.Format("2006-01-02"), to.Format("2006-01-02"))
	if err != nil {
		return err
	}
	defer rows.Close()
	var a Award
	var c CivilStatus
	var hasCivil bool
	for rows.Next() {
		a = Award{}
		if err := rows.Scan(&a.Number, &a.Certification, &a.AwardedOn, &a.UserID, &a.Name, &a.VAE, &a.Formation, &a.EnrolledOn, &a.ExamOn, &a.Remote,
			&hasCivil, &c.BirthName, &c.UsageName, &c.FirstName1, &c.FirstName2, &c.FirstName3, &c.BirthDate, &c.Sex, &c.BirthINSEE, &c.BirthCommune); err != nil {
			return err
		}
		if hasCivil {
			c.UserID = a.UserID
			a.Civil = &c
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	return rows.Err()
}

// noCivil is why an award without civil status is left out.
const noCivil = "état civil non renseigné (le candidat le saisit dans « Mon compte »)"

// Awards lists the certifications awarded between from and to
// (inclusive), with what the flow needs; those that cannot be declared
// yet (no civil status) are returned apart. It is the page's preview;
// the flow itself is streamed by Export.
func (s *Store) Awards(ctx context.Context, from, to time.Time) ([]Award, []Skipped, error) {
	var ok []Award
	var skipped []Skipped
	err := s.eachAward(ctx, from, to, func(a *Award) error {
		if a.Civil == nil {
			skipped = append(skipped, Skipped{a.Number, a.Name, noCivil})
			return nil
		}
		cp := *a
		civil := *a.Civil
		cp.Civil = &civil
		ok = append(ok, cp)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return ok, skipped, nil
}

// Export streams the flow for the awards between from and to to w as the
// rows come from the database (memory stays flat whatever the period),
// and records the export in the audit log once it is written. Nothing
// reaches w before the first declarable award, so that an empty period
// (ErrNothing) writes nothing. It returns what it left out.
func (s *Store) Export(ctx context.Context, actor audit.Actor, w io.Writer, ids IDs, from, to, now time.Time) ([]Skipped, int, error) {
	if err := ids.Check(); err != nil {
		return nil, 0, err
	}
	fw := newFlowWriter(w, ids, from, to, now)
	var skipped []Skipped
	err := s.eachAward(ctx, from, to, func(a *Award) error {
		if a.Civil == nil {
			skipped = append(skipped, Skipped{a.Number, a.Name, noCivil})
			return nil
		}
		return fw.add(a)
	})
	if err != nil {
		return nil, 0, err
	}
	if fw.count == 0 {
		// The schema wants at least one certification in a flow.
		return skipped, 0, ErrNothing
	}
	if err := fw.close(); err != nil {
		return nil, 0, err
	}
	err = audit.RecordNow(ctx, s.db, actor.Entry("accrochage.exported", "accrochage", fw.id,
		map[string]any{"from": from.Format("2006-01-02"), "to": to.Format("2006-01-02"), "declared": fw.count, "skipped": len(skipped)}))
	return skipped, fw.count, err
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
	f := &Flux{NS: Namespace, XSI: xsiNamespace, IDFlux: fluxID(from, to, now), Horodatage: timestamp(now)}
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

// xsiNamespace is the XML Schema instance namespace (xsi:nil).
const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

// fluxID names a flow after its period and the second it was made: the
// only per-run parts of a flow are this and its timestamp.
func fluxID(from, to, now time.Time) string {
	return fmt.Sprintf("ACQUIS-%s-%s-%d", from.Format("20060102"), to.Format("20060102"), now.Unix())
}

func timestamp(now time.Time) string { return now.In(paris).Format("2006-01-02T15:04:05-07:00") }

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
