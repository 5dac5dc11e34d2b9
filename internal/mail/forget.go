package mail

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Forget deletes, in tx, every message sent or waiting for a user: they
// name the person and hold their address, so pseudonymising the account
// (internal/account) removes them with it.
func Forget(ctx context.Context, tx *sqlx.Tx, userID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("mail: forget: %w", err)
	}
	return nil
}
