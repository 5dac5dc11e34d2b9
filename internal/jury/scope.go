package jury

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Assigned reports whether candidacy cid is on session sid's list: a
// jury page about a candidate outside it is not found.
func (s *Store) Assigned(ctx context.Context, sid, cid int64) (bool, error) {
	var on bool
	if err := s.db.GetContext(ctx, &on, `SELECT EXISTS (SELECT 1 FROM jury_assignments WHERE session_id = $1 AND candidacy_id = $2)`, sid, cid); err != nil {
		return false, fmt.Errorf("jury: assigned: %w", err)
	}
	return on, nil
}

// VerdictAccess is what the autosave's authorisation needs, read in one
// statement: the session's status, and what the asker is on it.
type VerdictAccess struct {
	Status    Status `db:"status"`
	Assigned  bool   `db:"assigned"`
	Member    bool   `db:"member"`
	Chair     bool   `db:"chair"`
	Evaluator bool   `db:"evaluator"`
}

// VerdictScope answers, for session sid, candidacy cid and user uid, the
// session's status, whether the candidacy is on it and what the user is
// on it; ErrNotFound when the session does not exist. The autosave runs
// it when its write statement cannot be its check (a role that may not
// score, a malformed request: web.juryAutosaveScope); kept prepared.
func (s *Store) VerdictScope(ctx context.Context, sid, cid, uid int64) (VerdictAccess, error) {
	var a VerdictAccess
	err := s.verdictScopeQ.Get(ctx, &a, sid, cid, uid)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("jury: verdict scope: %w", err)
	}
	return a, nil
}

// verdictScopeQuery is VerdictScope's statement ($1 session, $2
// candidacy, $3 user).
const verdictScopeQuery = `SELECT s.status,
		EXISTS (SELECT 1 FROM jury_assignments a WHERE a.session_id = s.id AND a.candidacy_id = $2) AS assigned,
		EXISTS (SELECT 1 FROM jury_members m WHERE m.session_id = s.id AND m.user_id = $3) AS member,
		EXISTS (SELECT 1 FROM jury_members m WHERE m.session_id = s.id AND m.user_id = $3 AND m.is_chair) AS chair,
		EXISTS (SELECT 1 FROM jury_evaluators e WHERE e.session_id = s.id AND e.candidacy_id = $2 AND e.evaluator_id = $3) AS evaluator
		FROM jury_sessions s WHERE s.id = $1`
