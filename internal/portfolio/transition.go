package portfolio

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/db"
)

func pqStrings(s []string) any { return pq.Array(s) }

// Transition moves a candidacy to another state as role, with a reason
// where one is owed (incomplete, not admissible, reopening). The row is
// locked for the duration, so two concurrent moves cannot both pass.
func (s *Store) Transition(ctx context.Context, actor audit.Actor, id int64, to State, role account.Role, reason string) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		return s.transitionTx(ctx, tx, actor, id, to, role, reason)
	})
}

// TransitionTx is Transition inside the caller's transaction: the jury's
// signature evaluates its candidacies in the same transaction as it signs.
func (s *Store) TransitionTx(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, id int64, to State, role account.Role, reason string) error {
	return s.transitionTx(ctx, tx, actor, id, to, role, reason)
}

func (s *Store) transitionTx(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, id int64, to State, role account.Role, reason string) error {
	var from State
	if err := tx.GetContext(ctx, &from, `SELECT state FROM candidacies WHERE id = $1 FOR UPDATE`, id); err != nil {
		return db.NotFound(err, ErrNotFound, "portfolio")
	}
	if err := CheckTransition(from, to, role); err != nil {
		return err
	}
	if err := s.prerequisitesGate(ctx, tx, id, to); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if (to == Incomplete || to == NotAdmissible || (from == DossierSubmitted && to == DossierInProgress)) && reason == "" {
		return invalid("reason", "Indiquez les motifs : ils sont communiqués au candidat.")
	}
	if len([]rune(reason)) > 4000 {
		return invalid("reason", "Les motifs ne peuvent dépasser 4 000 caractères.")
	}
	set := `state = $2, state_changed_at = now()`
	switch to {
	case AdmissibilitySubmitted:
		set += `, admissibility_submitted_at = now(), admissibility_due = (now() AT TIME ZONE 'Europe/Paris')::date + interval '2 months', admissibility_decided_at = NULL`
	case Admissible, Incomplete, NotAdmissible:
		set += `, admissibility_decided_at = now(), admissibility_reasons = $3`
	case DossierSubmitted:
		set += `, submitted_at = now(), locked = true`
	case DossierInProgress:
		set += `, locked = false`
	}
	args := []any{id, to}
	if strings.Contains(set, "$3") {
		args = append(args, reason)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE candidacies SET `+set+` WHERE id = $1`, args...); err != nil {
		return err
	}
	var actorID *int64
	if actor.UserID != 0 {
		actorID = &actor.UserID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO candidacy_transitions (candidacy_id, from_state, to_state, actor_id, reason) VALUES ($1, $2, $3, $4, $5)`,
		id, from, to, actorID, reason); err != nil {
		return err
	}
	if err := notifyTransition(ctx, tx, id, from, to, reason); err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor.Entry("candidacy.transition", "candidacy", strconv.FormatInt(id, 10),
		map[string]string{"from": string(from), "to": string(to), "as": string(role), "reason": reason}))
}

// TransitionRecord is one line of a candidacy's history.
type TransitionRecord struct {
	From   State  `db:"from_state" json:"from"`
	To     State  `db:"to_state" json:"to"`
	Actor  string `db:"actor" json:"actor"`
	Reason string `db:"reason" json:"reason,omitempty"`
	// At is the moment as pages show it (Paris time, JJ/MM/AAAA HH:MM);
	// Time is the same instant for machines (RFC 3339 in JSON).
	At   string    `db:"at" json:"-"`
	Time time.Time `db:"at_time" json:"at"`
}

// History lists a candidacy's transitions, oldest first.
func (s *Store) History(ctx context.Context, id int64) ([]TransitionRecord, error) {
	var out []TransitionRecord
	err := s.db.SelectContext(ctx, &out, `SELECT t.from_state, t.to_state, coalesce(u.full_name, 'acquis') AS actor, t.reason,
		to_char(t.at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY HH24:MI') AS at, t.at AS at_time
		FROM candidacy_transitions t LEFT JOIN users u ON u.id = t.actor_id WHERE t.candidacy_id = $1 ORDER BY t.at, t.id`, id)
	return out, err
}
