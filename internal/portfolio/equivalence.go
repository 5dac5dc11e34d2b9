package portfolio

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/fielderr"
	"acquis/internal/mail"
)

// EquivalenceStatus is where a bloc targeted by équivalence stands.
type EquivalenceStatus string

// The statuses of an équivalence.
const (
	AwaitingProof       EquivalenceStatus = "awaiting_proof"
	EquivalencePending  EquivalenceStatus = "pending"
	EquivalenceAccepted EquivalenceStatus = "accepted"
	EquivalenceRefused  EquivalenceStatus = "refused"
)

// Label is the status in French.
func (s EquivalenceStatus) Label() string {
	switch s {
	case AwaitingProof:
		return "Preuve à fournir"
	case EquivalencePending:
		return "Preuve fournie, en attente de la décision du certificateur"
	case EquivalenceAccepted:
		return "Équivalence acceptée : bloc acquis"
	case EquivalenceRefused:
		return "Équivalence refusée"
	}
	return string(s)
}

// EquivalenceTarget is a bloc the candidacy aims at by équivalence: it is
// not presented to a jury; the candidate proves the title or bloc they
// hold and the certifier decides.
type EquivalenceTarget struct {
	BlockCode  string            `db:"block_code" json:"block_code"`
	Status     EquivalenceStatus `db:"status" json:"status"`
	DocumentID *int64            `db:"document_id" json:"document_id,omitempty"`
	Basis      string            `db:"basis" json:"basis,omitempty"`
	Note       string            `db:"note" json:"note,omitempty"`
	DecidedAt  *time.Time        `db:"decided_at" json:"decided_at,omitempty"`
}

// EquivalenceProofCode is the deliverable code under which the proof of an
// équivalence bloc is kept among the candidacy's documents.
func EquivalenceProofCode(blockCode string) string { return blockCode + "-EQUIVALENCE" }

// Equivalences lists the blocs a candidacy aims at by équivalence.
func (s *Store) Equivalences(ctx context.Context, candidacyID int64) ([]EquivalenceTarget, error) {
	var out []EquivalenceTarget
	err := s.db.SelectContext(ctx, &out, `SELECT block_code, status, document_id, basis, note, decided_at
		FROM candidacy_equivalences WHERE candidacy_id = $1 ORDER BY position`, candidacyID)
	return out, err
}

// AddEquivalenceProof records the candidate's proof (the title or bloc
// they hold) for a bloc targeted by équivalence, once the file is safely
// stored; a new proof after a refusal asks the certifier again.
func (s *Store) AddEquivalenceProof(ctx context.Context, actor audit.Actor, candidacyID int64, blockCode string, n NewDocument) (Document, error) {
	var d Document
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := lockEditable(ctx, tx, candidacyID); err != nil {
			return err
		}
		var status EquivalenceStatus
		if err := tx.GetContext(ctx, &status, `SELECT status FROM candidacy_equivalences WHERE candidacy_id = $1 AND block_code = $2`, candidacyID, blockCode); err != nil {
			return invalid("equivalence", "Ce bloc n'est pas visé par équivalence dans cette candidature.")
		}
		if status == EquivalenceAccepted {
			return invalid("equivalence", "L'équivalence de ce bloc est déjà acceptée : le bloc est acquis.")
		}
		n.CandidacyID, n.BlockCode, n.DeliverableCode = candidacyID, blockCode, EquivalenceProofCode(blockCode)
		var version int
		var err error
		if d.ID, version, err = insertDocument(ctx, tx, actor, n); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE candidacy_equivalences SET status = 'pending', document_id = $3, basis = '', note = '', decided_by = NULL, decided_at = NULL
			WHERE candidacy_id = $1 AND block_code = $2`, candidacyID, blockCode, d.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("candidacy.equivalence_proof", "candidacy", strconv.FormatInt(candidacyID, 10), map[string]any{
			"block": blockCode, "document_id": d.ID, "version": version, "file_name": n.FileName, "sha256": n.SHA256,
		}))
	})
	if err != nil {
		return d, err
	}
	return s.Document(ctx, d.ID)
}

// EquivalenceDecision is the certifier's ruling on one proof.
type EquivalenceDecision struct {
	BlockCode string
	Accept    bool
	Basis     string // code of one of the certification's équivalences; required to accept
	Note      string // what the candidate holds and why it is (or is not) equivalent; required
}

// DecideEquivalence accepts or refuses the proof given for a bloc. An
// accepted bloc is acquired at once, dated today, without a jury (and the
// certification is awarded if it was the last bloc missing); a refusal
// says why to the candidate, who may give another proof.
func (s *Store) DecideEquivalence(ctx context.Context, actor audit.Actor, candidacyID int64, dec EquivalenceDecision) (*Certificate, error) {
	c, err := s.Candidacy(ctx, candidacyID)
	if err != nil {
		return nil, err
	}
	cert, err := s.refs.Version(ctx, c.VersionID)
	if err != nil {
		return nil, err
	}
	dec.Note = strings.TrimSpace(dec.Note)
	if dec.Note == "" {
		return nil, invalid("note", "Indiquez le titre ou le bloc détenu par le candidat et ce qui fonde votre décision : elle lui est communiquée.")
	}
	if len([]rune(dec.Note)) > 4000 {
		return nil, invalid("note", "La décision ne peut dépasser 4 000 caractères.")
	}
	basisLabel := ""
	if dec.Accept {
		for _, e := range cert.Equivalences {
			if e.Code == dec.Basis {
				basisLabel = e.Label
			}
		}
		if basisLabel == "" {
			return nil, invalid("basis", "Choisissez le fondement de l'équivalence parmi ceux que prévoit le référentiel de la certification.")
		}
	} else {
		dec.Basis = ""
	}
	var out *Certificate
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var state State
		if err := tx.GetContext(ctx, &state, `SELECT state FROM candidacies WHERE id = $1 FOR UPDATE`, candidacyID); err != nil {
			return db.NotFound(err, ErrNotFound, "portfolio")
		}
		if state.Terminal() {
			return invalid("equivalence", fmt.Sprintf("La candidature est « %s » : plus aucune décision n'y est prise.", state.Label()))
		}
		var status EquivalenceStatus
		err := tx.GetContext(ctx, &status, `SELECT status FROM candidacy_equivalences WHERE candidacy_id = $1 AND block_code = $2`, candidacyID, dec.BlockCode)
		if err != nil {
			return invalid("equivalence", "Ce bloc n'est pas visé par équivalence dans cette candidature.")
		}
		switch status {
		case AwaitingProof:
			return invalid("equivalence", "Le candidat n'a pas encore fourni de preuve pour ce bloc.")
		case EquivalenceAccepted, EquivalenceRefused:
			return invalid("equivalence", "Cette preuve a déjà été jugée ; une nouvelle preuve du candidat rouvre la décision.")
		}
		to := EquivalenceRefused
		if dec.Accept {
			to = EquivalenceAccepted
		}
		if _, err := tx.ExecContext(ctx, `UPDATE candidacy_equivalences SET status = $3, basis = $4, note = $5, decided_by = $6, decided_at = now()
			WHERE candidacy_id = $1 AND block_code = $2`, candidacyID, dec.BlockCode, to, dec.Basis, dec.Note, actor.UserID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor.Entry("candidacy.equivalence_decision", "candidacy", strconv.FormatInt(candidacyID, 10), map[string]any{
			"block": dec.BlockCode, "status": to, "basis": dec.Basis, "note": dec.Note,
		})); err != nil {
			return err
		}
		if err := mail.Notify(ctx, tx, c.CandidateID, equivalenceNotice(candidacyID, cert.Title, dec.BlockCode, dec.Accept, dec.Note)); err != nil {
			return err
		}
		if dec.Accept {
			out, err = Acquire(ctx, tx, actor, c.CandidateID, c.CertificationCode, dec.BlockCode, time.Now(), "equivalence", basisLabel+" — "+dec.Note, candidacyID)
			return err
		}
		return nil
	})
	var ve *fielderr.Error
	if err != nil && !errors.As(err, &ve) && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("portfolio: équivalence : %w", err)
	}
	return out, err
}
