package account

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/mail"
)

// ExportSection adds one part of a person's data to their RGPD export;
// each domain package that holds personal data registers one, so the export
// grows with the product instead of forgetting a table.
type ExportSection func(ctx context.Context, d *sqlx.DB, userID int64) (any, error)

// Export gathers everything held about a user (RGPD right of access).
func (s *Store) Export(ctx context.Context, actor audit.Actor, userID int64, sections map[string]ExportSection) (map[string]any, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"generated_at": time.Now().UTC(),
		"user":         u,
	}
	var sessions []struct {
		CreatedAt time.Time `db:"created_at" json:"created_at"`
		LastSeen  time.Time `db:"last_seen_at" json:"last_seen_at"`
		IP        *string   `db:"ip" json:"ip"`
		UserAgent string    `db:"user_agent" json:"user_agent"`
	}
	if err := s.db.SelectContext(ctx, &sessions, `SELECT created_at, last_seen_at, host(ip) AS ip, user_agent FROM sessions WHERE user_id = $1`, userID); err != nil {
		return nil, err
	}
	out["sessions"] = sessions
	var activity []audit.Row
	activity, _, err = audit.List(ctx, s.db, audit.Filter{ActorID: userID, Limit: 500})
	if err != nil {
		return nil, err
	}
	out["activity"] = activity
	for name, fn := range sections {
		v, err := fn(ctx, s.db, userID)
		if err != nil {
			return nil, fmt.Errorf("account: export %s: %w", name, err)
		}
		out[name] = v
	}
	if err := audit.RecordNow(ctx, s.db, actor.Entry("user.export", "user", strconv.FormatInt(userID, 10), nil)); err != nil {
		return nil, err
	}
	return out, nil
}

// Pseudonymise replaces a departed user's identity with a neutral label
// and closes the account. Records the law requires (jury decisions,
// certifications awarded, the audit log) keep pointing at the same id.
func (s *Store) Pseudonymise(ctx context.Context, actor audit.Actor, userID int64) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var already *time.Time
		if err := tx.GetContext(ctx, &already, `SELECT pseudonymised_at FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
			return db.NotFound(err, ErrNotFound, "account")
		}
		if already != nil {
			return invalid("user", "ce compte est déjà pseudonymisé")
		}
		var isAdmin bool
		if err := tx.GetContext(ctx, &isAdmin, `SELECT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = 'admin')`, userID); err != nil {
			return err
		}
		if isAdmin {
			if err := lastAdminGuard(ctx, tx, userID); err != nil {
				return err
			}
		}
		id := strconv.FormatInt(userID, 10)
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email = 'pseudonyme-' || id || '@invalide.acquis',
			full_name = 'Personne pseudonymisée n° ' || id, password_hash = NULL, disabled = true,
			pseudonymised_at = now(), updated_at = now() WHERE id = $1`, userID); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM sessions WHERE user_id = $1`,
			`DELETE FROM user_tokens WHERE user_id = $1`,
			`DELETE FROM user_roles WHERE user_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		// The messages sent to them name them and hold their address.
		if err := mail.Forget(ctx, tx, userID); err != nil {
			return err
		}
		for _, hook := range s.pseudonymiseHooks {
			if err := hook(ctx, tx, userID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor.Entry("user.pseudonymise", "user", id, nil))
	})
}

// OnPseudonymise registers a hook through which a domain package blanks the
// personal data it holds (profile details) in the same transaction; the
// wiring is done where the stores are built, so it stays visible.
func (s *Store) OnPseudonymise(fn func(ctx context.Context, tx *sqlx.Tx, userID int64) error) {
	s.pseudonymiseHooks = append(s.pseudonymiseHooks, fn)
}
