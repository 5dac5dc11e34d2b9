package jury

import (
	"context"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
)

// Access is what one person is, for one candidacy of one session: the
// facts every blind-rule and deliberation check reads. The grid, the
// deliberation page, the JSON API, the jury file and the votes all decide
// from it, so they cannot disagree.
type Access struct {
	Status    Status `db:"status" json:"-"`
	Member    bool   `db:"member" json:"member"`
	Chair     bool   `db:"chair" json:"chair"`
	Evaluator bool   `db:"evaluator" json:"evaluator"`
	Submitted bool   `db:"submitted" json:"submitted"`
	// Declared is the member's declaration of no conflict for this
	// candidate.
	Declared bool `db:"declared" json:"declared"`
	// Conflict is why the member may not take part (see ConflictLabel),
	// empty when nothing stands in the way.
	Conflict      string `db:"conflict" json:"conflict,omitempty"`
	LeftOut       bool   `db:"left_out" json:"left_out"`
	LeftOutReason string `db:"left_out_reason" json:"left_out_reason,omitempty"`
	// Present is the deliberation's attendance; nil until recorded.
	Present *bool `db:"present" json:"present,omitempty"`
}

// Recused reports a conflict: the member sees nothing of the candidate
// but the name and takes no part in the deliberation.
func (a Access) Recused() bool { return a.Member && a.Conflict != "" }

// SeesFile reports whether the documents, the self-assessment and the
// grid may be shown: a member only once they have declared no conflict
// for this candidate. Someone who is not a member reaches the jury pages
// only as certifier staff (the policy), who see the file.
func (a Access) SeesFile() bool {
	if !a.Member {
		return true
	}
	return a.Declared && !a.Recused()
}

// SeesVerdicts is the blind rule: other members' verdicts, tallies and
// proposals are shown to an evaluator only once their own grid is in,
// never to an evaluator left out, and to the other members (and staff)
// once the jury deliberates.
func (a Access) SeesVerdicts() bool {
	if !a.SeesFile() || a.LeftOut {
		return false
	}
	if a.Member && a.Evaluator {
		return a.Submitted
	}
	return a.Status == Deliberating || a.Status == Signed
}

// Votes reports whether the member takes part in this candidate's
// deliberation: present, declared, not in conflict, not left out.
func (a Access) Votes() bool {
	return a.Member && a.SeesVerdicts() && a.Present != nil && *a.Present
}

// ConflictLabel says a conflict reason in French.
func ConflictLabel(reason string) string {
	switch reason {
	case "self":
		return "le membre est le candidat"
	case "organisation":
		return "le membre appartient à la même structure que le candidat"
	case "platform":
		return "le membre appartient à une structure porteuse de la plateforme du candidat"
	case "link_trained":
		return "le membre a formé le candidat"
	case "link_accompanied":
		return "le membre a accompagné le candidat dans sa VAE"
	case "link_other":
		return "le membre a déclaré un lien avec le candidat"
	case "declared":
		return "le membre a déclaré un conflit d'intérêts"
	}
	return reason
}

// accessQuery reads Access for session $1, candidacy $2, user $3.
const accessQuery = `SELECT s.status,
	m.user_id IS NOT NULL AS member, coalesce(m.is_chair, false) AS chair,
	e.evaluator_id IS NOT NULL AS evaluator, e.submitted_at IS NOT NULL AS submitted,
	e.left_out_at IS NOT NULL AS left_out, coalesce(e.left_out_reason, '') AS left_out_reason,
	coalesce(d.user_id IS NOT NULL AND NOT d.conflict, false) AS declared,
	coalesce((SELECT k.reason FROM jury_conflicts k WHERE k.session_id = s.id AND k.candidacy_id = $2 AND k.user_id = $3 LIMIT 1), '') AS conflict,
	att.present
	FROM jury_sessions s
	LEFT JOIN jury_members m ON m.session_id = s.id AND m.user_id = $3
	LEFT JOIN jury_evaluators e ON e.session_id = s.id AND e.candidacy_id = $2 AND e.evaluator_id = $3
	LEFT JOIN jury_declarations d ON d.session_id = s.id AND d.candidacy_id = $2 AND d.user_id = $3
	LEFT JOIN jury_attendance att ON att.session_id = s.id AND att.user_id = $3
	WHERE s.id = $1`

// AccessOf reads what userID is for a candidacy of a session.
func (s *Store) AccessOf(ctx context.Context, sessionID, candidacyID, userID int64) (Access, error) {
	return accessOf(ctx, s.db, sessionID, candidacyID, userID)
}

func accessOf(ctx context.Context, q sqlx.QueryerContext, sessionID, candidacyID, userID int64) (Access, error) {
	var a Access
	if err := sqlx.GetContext(ctx, q, &a, accessQuery, sessionID, candidacyID, userID); err != nil {
		return a, db.NotFound(err, ErrNotFound, "jury")
	}
	return a, nil
}
