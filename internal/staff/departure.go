package staff

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// RecordDeparture records that a member of the platform's roster left (or
// will leave) on leftOn, and why. A counsellor of the plan who leaves
// without the title leaves the plan from that day (BuildPlanWith); what
// they achieved before stays. The change is audited.
func (s *Store) RecordDeparture(ctx context.Context, actor audit.Actor, platformID, id int64, leftOn time.Time, reason string) error {
	reason = strings.TrimSpace(reason)
	if leftOn.IsZero() {
		return invalid("left_on", "Indiquez la date de départ.")
	}
	if len([]rune(reason)) > 200 {
		return invalid("left_reason", "Le motif ne peut dépasser 200 caractères.")
	}
	if day(leftOn).After(day(s.now()).AddDate(1, 0, 0)) {
		return invalid("left_on", "La date de départ (%s) est à plus d'un an : enregistrez-la quand elle sera connue.", leftOn.Format("02/01/2006"))
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var hired time.Time
		if err := tx.GetContext(ctx, &hired, `SELECT hired_on FROM staff WHERE id = $1 AND platform_id = $2 FOR UPDATE`, id, platformID); err != nil {
			return db.NotFound(err, ErrNotFound, "staff")
		}
		if day(leftOn).Before(day(hired)) {
			return invalid("left_on", "La date de départ précède la date de prise de poste (%s).", hired.Format("02/01/2006"))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET left_on = $2, left_reason = $3, updated_at = now() WHERE id = $1`, id, day(leftOn), reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("staff.departed", "staff", strconv.FormatInt(id, 10),
			map[string]string{"left_on": day(leftOn).Format("2006-01-02"), "reason": reason}))
	})
}

// Delete removes a row entered by mistake from the platform's roster. The
// reason is required; the audit keeps it with everything the row held, so
// the deletion can be traced and undone by hand. A person who really
// worked on the platform and left is recorded with RecordDeparture
// instead, so that the plan keeps its history.
func (s *Store) Delete(ctx context.Context, actor audit.Actor, platformID, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return invalid("delete_reason", "Dites pourquoi la ligne est supprimée (par exemple « saisie en double ») : le motif est conservé.")
	case len([]rune(reason)) > 200:
		return invalid("delete_reason", "Le motif ne peut dépasser 200 caractères.")
	}
	m, err := s.Member(ctx, id)
	if err != nil {
		return err
	}
	if m.PlatformID != platformID {
		return ErrNotFound
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM staff WHERE id = $1 AND platform_id = $2`, id, platformID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit.Record(ctx, tx, actor.Entry("staff.deleted", "staff", strconv.FormatInt(id, 10),
			map[string]any{"reason": reason, "member": m}))
	})
}
