package portfolio

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/referentiel"
)

// PrerequisiteEvidenceCode is the deliverable code under which the
// evidence of a prerequisite (employers' certificates, say) is kept among
// the candidacy's documents.
func PrerequisiteEvidenceCode(prerequisiteCode string) string { return "PREREQUIS-" + prerequisiteCode }

// PrerequisiteCheck is the certifier's verification of the evidence.
type PrerequisiteCheck struct {
	Code       string    `db:"prerequisite_code" json:"code"`
	DocumentID int64     `db:"document_id" json:"document_id"`
	Months     int       `db:"months" json:"months"`
	Accepted   bool      `db:"accepted" json:"accepted"`
	Note       string    `db:"note" json:"note"`
	CheckedAt  time.Time `db:"checked_at" json:"checked_at"`
}

// ApplicablePrerequisites are the prerequisites of the certification that
// bind this candidacy: a minimum experience applies to entry into training,
// so only when a bloc is aimed at by formation.
func ApplicablePrerequisites(cert *referentiel.Certification, c *Candidacy) []referentiel.Prerequisite {
	training := false
	for _, t := range c.Blocks {
		training = training || t.Pathway == Formation
	}
	if !training {
		return nil
	}
	var out []referentiel.Prerequisite
	for _, p := range cert.Prerequisites {
		if p.MinExperienceMonths > 0 {
			out = append(out, p)
		}
	}
	return out
}

// PrerequisiteChecks returns the certifier's verifications, by code.
func (s *Store) PrerequisiteChecks(ctx context.Context, candidacyID int64) (map[string]PrerequisiteCheck, error) {
	var rows []PrerequisiteCheck
	if err := s.db.SelectContext(ctx, &rows, `SELECT prerequisite_code, document_id, months, accepted, note, checked_at
		FROM candidacy_prerequisite_checks WHERE candidacy_id = $1`, candidacyID); err != nil {
		return nil, err
	}
	out := map[string]PrerequisiteCheck{}
	for _, r := range rows {
		out[r.Code] = r
	}
	return out, nil
}

// AddPrerequisiteEvidence records the candidate's evidence for a
// prerequisite that binds the candidacy, once the file is safely stored.
// A new file replaces the certifier's earlier verification, which must be
// made again on it.
func (s *Store) AddPrerequisiteEvidence(ctx context.Context, actor audit.Actor, candidacyID int64, code string, n NewDocument) (Document, error) {
	c, err := s.Candidacy(ctx, candidacyID)
	if err != nil {
		return Document{}, err
	}
	cert, err := s.refs.Version(ctx, c.VersionID)
	if err != nil {
		return Document{}, err
	}
	found := false
	for _, p := range ApplicablePrerequisites(cert, c) {
		found = found || p.Code == code
	}
	if !found {
		return Document{}, invalid("prerequisite", "Ce prérequis ne s'applique pas à cette candidature.")
	}
	n.CandidacyID, n.BlockCode, n.DeliverableCode = candidacyID, "", PrerequisiteEvidenceCode(code)
	var id int64
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := lockEditable(ctx, tx, candidacyID); err != nil {
			return err
		}
		var version int
		var err error
		if id, version, err = insertDocument(ctx, tx, actor, n); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM candidacy_prerequisite_checks WHERE candidacy_id = $1 AND prerequisite_code = $2`, candidacyID, code); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("candidacy.prerequisite_evidence", "candidacy", strconv.FormatInt(candidacyID, 10), map[string]any{
			"prerequisite": code, "document_id": id, "version": version, "file_name": n.FileName, "sha256": n.SHA256,
		}))
	})
	if err != nil {
		return Document{}, err
	}
	return s.Document(ctx, id)
}

// latestEvidence is the current (not deleted) evidence file of a
// prerequisite, or 0.
func latestEvidence(ctx context.Context, q sqlx.QueryerContext, candidacyID int64, code string) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `SELECT id FROM documents WHERE candidacy_id = $1 AND deliverable_code = $2 AND deleted_at IS NULL
		ORDER BY version DESC LIMIT 1`, candidacyID, PrerequisiteEvidenceCode(code))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// CheckPrerequisite records the certifier's verification of the evidence
// of one prerequisite: the months of experience it shows, and whether it
// is accepted (it cannot be when it shows fewer months than required).
func (s *Store) CheckPrerequisite(ctx context.Context, actor audit.Actor, candidacyID int64, code string, months int, accept bool, note string) error {
	c, err := s.Candidacy(ctx, candidacyID)
	if err != nil {
		return err
	}
	cert, err := s.refs.Version(ctx, c.VersionID)
	if err != nil {
		return err
	}
	var pr *referentiel.Prerequisite
	for _, p := range ApplicablePrerequisites(cert, c) {
		if p.Code == code {
			pr = &p
		}
	}
	if pr == nil {
		return invalid("prerequisite", "Ce prérequis ne s'applique pas à cette candidature.")
	}
	note = strings.TrimSpace(note)
	switch {
	case months < 0 || months > 720:
		return invalid("months", "L'expérience justifiée se compte en mois, entre 0 et 720.")
	case note == "":
		return invalid("note", "Indiquez ce que montrent les justificatifs (employeurs, périodes) : c'est transmis au candidat.")
	case len([]rune(note)) > 4000:
		return invalid("note", "Le commentaire ne peut dépasser 4 000 caractères.")
	case accept && months < pr.MinExperienceMonths:
		return invalid("months", fmt.Sprintf("Les justificatifs montrent %d mois : le prérequis en demande %d, il ne peut pas être accepté.", months, pr.MinExperienceMonths))
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var state State
		if err := tx.GetContext(ctx, &state, `SELECT state FROM candidacies WHERE id = $1 FOR UPDATE`, candidacyID); err != nil {
			return err
		}
		if state != AdmissibilitySubmitted {
			return invalid("prerequisite", "Le prérequis se vérifie pendant l'examen de la recevabilité.")
		}
		doc, err := latestEvidence(ctx, tx, candidacyID, code)
		if err != nil {
			return err
		}
		if doc == 0 {
			return invalid("prerequisite", "Le candidat n'a fourni aucun justificatif pour ce prérequis.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO candidacy_prerequisite_checks (candidacy_id, prerequisite_code, document_id, months, accepted, note, checked_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (candidacy_id, prerequisite_code) DO UPDATE SET document_id = EXCLUDED.document_id,
			months = EXCLUDED.months, accepted = EXCLUDED.accepted, note = EXCLUDED.note, checked_by = EXCLUDED.checked_by, checked_at = now()`,
			candidacyID, code, doc, months, accept, note, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("candidacy.prerequisite_check", "candidacy", strconv.FormatInt(candidacyID, 10), map[string]any{
			"prerequisite": code, "document_id": doc, "months": months, "accepted": accept, "note": note,
		}))
	})
}

// prerequisitesGate is checked inside a transition: asking admissibility
// needs the evidence of every binding prerequisite; declaring the
// candidacy admissible needs the certifier's accepted verification of the
// current evidence, showing enough months.
func (s *Store) prerequisitesGate(ctx context.Context, tx *sqlx.Tx, candidacyID int64, to State) error {
	if to != AdmissibilitySubmitted && to != Admissible {
		return nil
	}
	c, err := s.Candidacy(ctx, candidacyID)
	if err != nil {
		return err
	}
	cert, err := s.refs.Version(ctx, c.VersionID)
	if err != nil {
		return err
	}
	for _, p := range ApplicablePrerequisites(cert, c) {
		doc, err := latestEvidence(ctx, tx, candidacyID, p.Code)
		if err != nil {
			return err
		}
		if doc == 0 {
			return invalid("prerequisite", fmt.Sprintf("« %s » : joignez le justificatif de votre expérience (certificats de travail, attestations d'employeurs) avant la demande de recevabilité.", p.Label))
		}
		if to != Admissible {
			continue
		}
		var chk PrerequisiteCheck
		err = tx.GetContext(ctx, &chk, `SELECT prerequisite_code, document_id, months, accepted, note, checked_at FROM candidacy_prerequisite_checks
			WHERE candidacy_id = $1 AND prerequisite_code = $2`, candidacyID, p.Code)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && chk.DocumentID != doc) {
			return invalid("prerequisite", fmt.Sprintf("« %s » : vérifiez d'abord le justificatif fourni par le candidat.", p.Label))
		}
		if err != nil {
			return err
		}
		if !chk.Accepted || chk.Months < p.MinExperienceMonths {
			return invalid("prerequisite", fmt.Sprintf("« %s » : le justificatif vérifié montre %d mois sur les %d demandés, la candidature ne peut être déclarée recevable.", p.Label, chk.Months, p.MinExperienceMonths))
		}
	}
	return nil
}
