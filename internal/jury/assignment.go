package jury

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// Assignment is a candidacy on a session's list, with its evaluators.
type Assignment struct {
	CandidacyID   int64       `db:"candidacy_id" json:"candidacy_id"`
	CandidateID   int64       `db:"candidate_id" json:"candidate_id"`
	CandidateName string      `db:"candidate_name" json:"candidate_name"`
	State         string      `db:"state" json:"state"`
	Evaluators    []Evaluator `db:"-" json:"evaluators"`
}

// Evaluator is a member scoring one candidacy.
type Evaluator struct {
	EvaluatorID int64      `db:"evaluator_id" json:"evaluator_id"`
	Name        string     `db:"full_name" json:"name"`
	DeclaredAt  *time.Time `db:"declared_at" json:"declared_at,omitempty"`
	SubmittedAt *time.Time `db:"submitted_at" json:"submitted_at,omitempty"`
}

// Assign puts a submitted candidacy on the session with its evaluators
// (at least two), refusing any evaluator in conflict with the candidate:
// same organisation, or a declared link (trained, accompanied).
func (s *Store) Assign(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64, evaluators []int64) error {
	if len(evaluators) < 2 {
		return invalid("evaluators", "Chaque candidature est évaluée par au moins deux membres du jury.")
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		st, err := lockUnsigned(ctx, tx, sessionID, "UPDATE")
		if err != nil {
			return err
		}
		if st != Planned {
			return invalid("evaluators", "Les candidatures s'affectent avant l'ouverture de la session.")
		}
		var cd struct {
			State       string `db:"state"`
			Cert        string `db:"certification_code"`
			CandidateID int64  `db:"candidate_id"`
			Name        string `db:"full_name"`
			Org         int64  `db:"org"`
			UserOrg     int64  `db:"user_org"`
		}
		if err := tx.GetContext(ctx, &cd, `SELECT c.state, c.certification_code, c.candidate_id, u.full_name,
			coalesce(c.organisation_id, 0) AS org, coalesce(u.organisation_id, 0) AS user_org
			FROM candidacies c JOIN users u ON u.id = c.candidate_id WHERE c.id = $1 FOR UPDATE OF c`, candidacyID); err != nil {
			return invalid("candidacy", "Candidature introuvable.")
		}
		var sessCert string
		if err := tx.GetContext(ctx, &sessCert, `SELECT certification_code FROM jury_sessions WHERE id = $1`, sessionID); err != nil {
			return err
		}
		if cd.Cert != sessCert {
			return invalid("candidacy", "Cette candidature vise une autre certification que celle de la session.")
		}
		if cd.State != "dossier_submitted" {
			return invalid("candidacy", "Seule une candidature dont le dossier est déposé peut être présentée au jury.")
		}
		var elsewhere int
		if err := tx.GetContext(ctx, &elsewhere, `SELECT count(*) FROM jury_assignments a JOIN jury_sessions s ON s.id = a.session_id
			WHERE a.candidacy_id = $1 AND s.status <> 'signed' AND a.session_id <> $2`, candidacyID, sessionID); err != nil {
			return err
		}
		if elsewhere > 0 {
			return invalid("candidacy", "Cette candidature est déjà inscrite à une autre session en cours.")
		}
		for _, ev := range evaluators {
			if err := checkConflict(ctx, tx, sessionID, ev, cd.CandidateID, cd.Name, cd.Org, cd.UserOrg); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_assignments (session_id, candidacy_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, sessionID, candidacyID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM jury_evaluators WHERE session_id = $1 AND candidacy_id = $2`, sessionID, candidacyID); err != nil {
			return err
		}
		for _, ev := range evaluators {
			if _, err := tx.ExecContext(ctx, `INSERT INTO jury_evaluators (session_id, candidacy_id, evaluator_id) VALUES ($1, $2, $3)`, sessionID, candidacyID, ev); err != nil {
				return err
			}
		}
		if err := notifyAssignment(ctx, tx, sessionID, candidacyID, cd.CandidateID, cd.Name, evaluators); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.assign", "jury_session", strconv.FormatInt(sessionID, 10),
			map[string]any{"candidacy_id": candidacyID, "evaluators": evaluators}))
	})
}

// checkConflict says why an evaluator may not score a candidate.
func checkConflict(ctx context.Context, tx *sqlx.Tx, sessionID, evaluatorID, candidateID int64, candidateName string, candidacyOrg, candidateOrg int64) error {
	var m struct {
		Name string `db:"full_name"`
		Org  int64  `db:"org"`
	}
	if err := tx.GetContext(ctx, &m, `SELECT u.full_name, coalesce(u.organisation_id, 0) AS org FROM jury_members jm JOIN users u ON u.id = jm.user_id
		WHERE jm.session_id = $1 AND jm.user_id = $2`, sessionID, evaluatorID); err != nil {
		return invalid("evaluators", "L'évaluateur n° %d n'est pas membre de cette session.", evaluatorID)
	}
	if evaluatorID == candidateID {
		return invalid("evaluators", "%s ne peut pas s'évaluer lui-même.", m.Name)
	}
	if m.Org != 0 && (m.Org == candidacyOrg || m.Org == candidateOrg) {
		return invalid("evaluators", "%s appartient à la même structure que %s : conflit d'intérêts, affectation refusée.", m.Name, candidateName)
	}
	// Same platform through its carrying organisations counts as the same
	// organisation: a counsellor employed by the platform's lead.
	var shared int
	if err := tx.GetContext(ctx, &shared, `SELECT count(*) FROM platform_partners pp
		WHERE (pp.platform_id = $1 OR pp.platform_id = $2) AND pp.organisation_id = $3`, candidacyOrg, candidateOrg, m.Org); err != nil {
		return err
	}
	if m.Org != 0 && shared > 0 {
		return invalid("evaluators", "%s appartient à une structure porteuse de la plateforme de %s : conflit d'intérêts, affectation refusée.", m.Name, candidateName)
	}
	var kind string
	err := tx.GetContext(ctx, &kind, `SELECT kind FROM jury_declared_links WHERE user_id = $1 AND candidate_id = $2`, evaluatorID, candidateID)
	if err == nil {
		what := map[string]string{"trained": "a formé", "accompanied": "a accompagné", "other": "a un lien déclaré avec"}[kind]
		return invalid("evaluators", "%s %s %s : conflit d'intérêts déclaré, affectation refusée.", m.Name, what, candidateName)
	}
	return nil
}

// DeclareLink records that a pool member trained or accompanied a
// candidate, which forbids assigning them to that candidate.
func (s *Store) DeclareLink(ctx context.Context, actor audit.Actor, userID, candidateID int64, kind, note string) error {
	if kind != "trained" && kind != "accompanied" && kind != "other" {
		return invalid("kind", "Type de lien inconnu.")
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_declared_links (user_id, candidate_id, kind, note) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, candidate_id) DO UPDATE SET kind = EXCLUDED.kind, note = EXCLUDED.note`, userID, candidateID, kind, note); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.link_declared", "user", strconv.FormatInt(userID, 10), map[string]any{"candidate_id": candidateID, "kind": kind}))
	})
}

// Assignments lists a session's candidacies with their evaluators.
func (s *Store) Assignments(ctx context.Context, sessionID int64) ([]Assignment, error) {
	var out []Assignment
	if err := s.db.SelectContext(ctx, &out, `SELECT a.candidacy_id, c.candidate_id, u.full_name AS candidate_name, c.state
		FROM jury_assignments a JOIN candidacies c ON c.id = a.candidacy_id JOIN users u ON u.id = c.candidate_id
		WHERE a.session_id = $1 ORDER BY u.full_name, a.candidacy_id`, sessionID); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.db.SelectContext(ctx, &out[i].Evaluators, `SELECT e.evaluator_id, u.full_name, e.declared_at, e.submitted_at
			FROM jury_evaluators e JOIN users u ON u.id = e.evaluator_id WHERE e.session_id = $1 AND e.candidacy_id = $2 ORDER BY u.full_name`,
			sessionID, out[i].CandidacyID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Role says what a user is on a session and for a candidacy, for the
// policy.
type Role struct {
	Member    bool
	Chair     bool
	Evaluator bool
}

// RoleOf looks up a user's place on a session (and candidacy, if not 0).
func (s *Store) RoleOf(ctx context.Context, userID, sessionID, candidacyID int64) (Role, error) {
	var r Role
	err := s.db.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM jury_members WHERE session_id = $1 AND user_id = $2),
		EXISTS (SELECT 1 FROM jury_members WHERE session_id = $1 AND user_id = $2 AND is_chair),
		EXISTS (SELECT 1 FROM jury_evaluators WHERE session_id = $1 AND evaluator_id = $2 AND candidacy_id = $3)`,
		sessionID, userID, candidacyID).Scan(&r.Member, &r.Chair, &r.Evaluator)
	return r, err
}

// EvaluatesCandidacy reports whether a user may read a candidacy's
// documents as a jury member: they sit on a session where it is
// inscribed, have declared no conflict for this candidate and are not in
// conflict. Until the declaration, a member sees nothing but the name.
func (s *Store) EvaluatesCandidacy(ctx context.Context, userID, candidacyID int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM jury_declarations d WHERE d.user_id = $1 AND d.candidacy_id = $2 AND NOT d.conflict
		AND NOT EXISTS (SELECT 1 FROM jury_conflicts k WHERE k.session_id = d.session_id AND k.candidacy_id = d.candidacy_id AND k.user_id = d.user_id))`, userID, candidacyID)
	return ok, err
}

// Declare records a member's declaration of no conflict of interest for
// one candidate (art. D6412-6: no present or past professional or
// personal relationship with the candidate, did not accompany the VAE).
// Every member signs it, the president included, before seeing anything
// of the candidate but the name; an evaluator's grid opens only after it.
// A member the records show in conflict cannot sign it: they take no part
// in that candidate's deliberation.
func (s *Store) Declare(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		a, err := memberAccess(ctx, tx, sessionID, candidacyID, actor.UserID)
		if err != nil {
			return err
		}
		if a.Conflict != "" {
			return invalid("declaration", "Vous ne pouvez pas signer cette déclaration : %s. Vous ne prenez pas part à l'évaluation ni à la délibération de ce candidat.", ConflictLabel(a.Conflict))
		}
		if a.Declared {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_declarations (session_id, candidacy_id, user_id) VALUES ($1, $2, $3)`, sessionID, candidacyID, actor.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jury_evaluators SET declared_at = now() WHERE session_id = $1 AND candidacy_id = $2 AND evaluator_id = $3 AND declared_at IS NULL`,
			sessionID, candidacyID, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.no_conflict_declared", "candidacy", strconv.FormatInt(candidacyID, 10), map[string]int64{"session_id": sessionID}))
	})
}

// DeclareConflict records a member's own statement that they are in
// conflict with a candidate: they are recused for that candidate (no
// grid, no file, no vote). Refused once the member has voted on it.
func (s *Store) DeclareConflict(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64, note string) error {
	note = strings.TrimSpace(note)
	if note == "" {
		return invalid("note", "Dites en quelques mots la nature du lien avec le candidat.")
	}
	if len([]rune(note)) > 2000 {
		return invalid("note", "La précision ne peut dépasser 2 000 caractères.")
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		a, err := memberAccess(ctx, tx, sessionID, candidacyID, actor.UserID)
		if err != nil {
			return err
		}
		var voted bool
		if err := tx.GetContext(ctx, &voted, `SELECT EXISTS (SELECT 1 FROM jury_votes WHERE session_id = $1 AND candidacy_id = $2 AND user_id = $3)`, sessionID, candidacyID, actor.UserID); err != nil {
			return err
		}
		if voted || a.Submitted {
			return invalid("note", "Vous avez déjà pris part à l'évaluation de ce candidat : signalez le conflit au certificateur.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_declarations (session_id, candidacy_id, user_id, conflict, note) VALUES ($1, $2, $3, true, $4)
			ON CONFLICT (session_id, candidacy_id, user_id) DO UPDATE SET conflict = true, note = EXCLUDED.note, declared_at = now()`, sessionID, candidacyID, actor.UserID, note); err != nil {
			return err
		}
		// An evaluator's grid closes with the recusal.
		if _, err := tx.ExecContext(ctx, `UPDATE jury_evaluators SET declared_at = NULL WHERE session_id = $1 AND candidacy_id = $2 AND evaluator_id = $3`,
			sessionID, candidacyID, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.conflict_declared", "candidacy", strconv.FormatInt(candidacyID, 10), map[string]any{"session_id": sessionID, "note": note}))
	})
}

// errNotEvaluator is returned when the user is not an evaluator of the
// candidacy in that session.
var errNotEvaluator = fmt.Errorf("%w : vous n'évaluez pas cette candidature", ErrNotFound)

// Booked lists the candidacies already inscribed on a session not yet
// signed: they are not offered to another session (Assign refuses them).
func (s *Store) Booked(ctx context.Context) (map[int64]bool, error) {
	var ids []int64
	if err := s.db.SelectContext(ctx, &ids, `SELECT DISTINCT a.candidacy_id FROM jury_assignments a
		JOIN jury_sessions s ON s.id = a.session_id WHERE s.status <> 'signed'`); err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// memberAccess locks the unsigned session against signing (SHARE) and
// reads what member uid is for the candidacy; someone who does not sit on
// the session is refused. Declarations of either kind start with it.
func memberAccess(ctx context.Context, tx *sqlx.Tx, sessionID, candidacyID, uid int64) (Access, error) {
	if _, err := lockUnsigned(ctx, tx, sessionID, "SHARE"); err != nil {
		return Access{}, err
	}
	a, err := accessOf(ctx, tx, sessionID, candidacyID, uid)
	if err != nil {
		return a, err
	}
	if !a.Member {
		return a, fmt.Errorf("%w : vous ne siégez pas à cette session", ErrNotFound)
	}
	return a, nil
}
