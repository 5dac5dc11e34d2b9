package jury

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// CandidateFile is everything the jury file (dossier jury) of one
// candidacy in one session prints: who was evaluated, by whom, on which
// documents, each evaluator's verdict on every criterion, and what the
// jury decided. It is read in one go so the document is consistent.
type CandidateFile struct {
	Session        *Session                        `json:"session"`
	Candidacy      *portfolio.Candidacy            `json:"candidacy"`
	Certification  *referentiel.Certification      `json:"certification"`
	Members        []Member                        `json:"members"`
	Evaluators     []EvaluatorRecord               `json:"evaluators"`
	Declarations   []MemberDeclaration             `json:"declarations"`
	Recused        []Recusal                       `json:"recused,omitempty"`
	LeftOut        []LeftOutGrid                   `json:"left_out,omitempty"`
	Deposit        *portfolio.Deposit              `json:"deposit,omitempty"`
	Documents      []portfolio.Document            `json:"documents"`
	SelfAssessment map[string]portfolio.Assessment `json:"self_assessment"`
	Verdicts       []Verdict                       `json:"verdicts"`
	Tally          []BlockTally                    `json:"tally"`
	Decisions      []BlockDecision                 `json:"decisions"`
	Outcome        Outcome                         `json:"outcome,omitempty"`
	Preconisations string                          `json:"preconisations,omitempty"`
	Minutes        *Minutes                        `json:"minutes,omitempty"`
}

// EvaluatorRecord is one evaluator of the candidacy and their no-conflict
// declaration.
type EvaluatorRecord struct {
	UserID      int64      `db:"evaluator_id" json:"user_id"`
	Name        string     `db:"full_name" json:"name"`
	College     College    `db:"college" json:"college"`
	DeclaredAt  *time.Time `db:"declared_at" json:"declared_at,omitempty"`
	SubmittedAt *time.Time `db:"submitted_at" json:"submitted_at,omitempty"`
}

// MemberDeclaration is one member's declaration for the candidate: of
// no conflict, or of a conflict (with its note).
type MemberDeclaration struct {
	UserID     int64     `db:"user_id" json:"user_id"`
	Name       string    `db:"full_name" json:"name"`
	Chair      bool      `db:"is_chair" json:"chair"`
	Conflict   bool      `db:"conflict" json:"conflict"`
	Note       string    `db:"note" json:"note,omitempty"`
	DeclaredAt time.Time `db:"declared_at" json:"declared_at"`
}

// TargetedBlocks returns the certification's blocs the candidacy aims at,
// in the candidacy's order.
func (f *CandidateFile) TargetedBlocks() []referentiel.Block {
	var out []referentiel.Block
	for _, t := range f.Candidacy.Blocks {
		for _, b := range f.Certification.Blocks {
			if b.Code == t.BlockCode {
				out = append(out, b)
			}
		}
	}
	return out
}

// File gathers a candidacy's jury file for a session. Every verdict is in
// it, so the web layer only offers it once the session deliberates (the
// policy's JuryUnblinded) or to the certifier.
func (s *Store) File(ctx context.Context, sessionID, candidacyID int64) (*CandidateFile, error) {
	sess, err := s.Session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	on, err := s.Assigned(ctx, sessionID, candidacyID)
	if err != nil {
		return nil, err
	}
	if !on {
		return nil, ErrNotFound
	}
	f := &CandidateFile{Session: sess}
	if f.Candidacy, err = s.pf.Candidacy(ctx, candidacyID); err != nil {
		return nil, err
	}
	if f.Certification, err = s.refs.Version(ctx, f.Candidacy.VersionID); err != nil {
		return nil, err
	}
	if f.Members, err = s.Members(ctx, sessionID); err != nil {
		return nil, err
	}
	if err := s.db.SelectContext(ctx, &f.Evaluators, `SELECT e.evaluator_id, u.full_name, m.college, e.declared_at, e.submitted_at
		FROM jury_evaluators e JOIN users u ON u.id = e.evaluator_id
		JOIN jury_members m ON m.session_id = e.session_id AND m.user_id = e.evaluator_id
		WHERE e.session_id = $1 AND e.candidacy_id = $2 ORDER BY u.full_name, e.evaluator_id`, sessionID, candidacyID); err != nil {
		return nil, err
	}
	if err := s.db.SelectContext(ctx, &f.Declarations, `SELECT d.user_id, u.full_name, m.is_chair, d.conflict, d.note, d.declared_at
		FROM jury_declarations d JOIN users u ON u.id = d.user_id JOIN jury_members m ON m.session_id = d.session_id AND m.user_id = d.user_id
		WHERE d.session_id = $1 AND d.candidacy_id = $2 ORDER BY m.is_chair DESC, u.full_name, d.user_id`, sessionID, candidacyID); err != nil {
		return nil, err
	}
	if f.Recused, f.LeftOut, err = recusalsAndLeftOut(ctx, s.db, sessionID, candidacyID); err != nil {
		return nil, err
	}
	// The documents assessed are those of the last deposit made before the
	// session; without one (a paper dossier), the current versions.
	deps, err := s.pf.Deposits(ctx, candidacyID)
	if err != nil {
		return nil, err
	}
	for i := range deps {
		if !deps[i].SubmittedAt.After(sess.StartsAt) || f.Deposit == nil {
			f.Deposit = &deps[i]
		}
	}
	if f.Deposit == nil {
		// The dossier's files only, each with the blocs it serves.
		if f.Documents, err = s.pf.DossierDocuments(ctx, candidacyID); err != nil {
			return nil, err
		}
	}
	if f.SelfAssessment, err = s.pf.SelfAssessment(ctx, candidacyID); err != nil {
		return nil, err
	}
	// Only the grids that count: a draft is nobody's verdict.
	if err := s.db.SelectContext(ctx, &f.Verdicts, `SELECT v.evaluator_id, u.full_name, v.block_code, v.criterion_code, v.verdict, v.comment, v.updated_at
		FROM jury_verdicts v JOIN users u ON u.id = v.evaluator_id JOIN jury_evaluators e USING (session_id, candidacy_id, evaluator_id)
		WHERE v.session_id = $1 AND v.candidacy_id = $2 AND `+countedGrid+` ORDER BY u.full_name, v.evaluator_id, v.criterion_code`, sessionID, candidacyID); err != nil {
		return nil, err
	}
	if f.Tally, err = s.Tally(ctx, s.db, sessionID, candidacyID); err != nil {
		return nil, err
	}
	if err := s.db.SelectContext(ctx, &f.Decisions, `SELECT d.candidacy_id, d.block_code, d.proposal, d.decision, d.reason,
		d.votes_valide, d.votes_non_valide, d.casting_vote
		FROM jury_block_decisions d JOIN candidacy_blocks cb ON cb.candidacy_id = d.candidacy_id AND cb.block_code = d.block_code
		WHERE d.session_id = $1 AND d.candidacy_id = $2 ORDER BY cb.position`, sessionID, candidacyID); err != nil {
		return nil, err
	}
	var o struct {
		Outcome        Outcome `db:"outcome"`
		Preconisations string  `db:"preconisations"`
	}
	switch err := s.db.GetContext(ctx, &o, `SELECT outcome, preconisations FROM jury_outcomes WHERE session_id = $1 AND candidacy_id = $2`, sessionID, candidacyID); {
	case err == nil:
		f.Outcome, f.Preconisations = o.Outcome, o.Preconisations
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	// Once signed, the minutes in force override: an amendment may have
	// corrected a decision or the outcome.
	if sess.Status == Signed {
		m, err := s.Current(ctx, sessionID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if m != nil {
			f.Minutes = m
			if l := findLine(m.Content, candidacyID); l != nil {
				f.Decisions, f.Outcome, f.Preconisations = l.Decisions, l.Outcome, l.Preconisations
			}
		}
	}
	return f, nil
}
