package account

import (
	"context"
	"fmt"
	"time"
)

// DeviceTTL is how long a browser stays known after its last sign-in.
const DeviceTTL = 180 * 24 * time.Hour

// NewDevice remembers a browser that has just proved it knows the
// account's password (a login, or a reset or invitation link followed),
// and returns the token to keep in its cookie. The user's browsers unseen
// for DeviceTTL are forgotten on the way.
func (s *Store) NewDevice(ctx context.Context, userID int64) (string, error) {
	token, hash := NewToken()
	if _, err := s.db.ExecContext(ctx, `
		WITH gone AS (DELETE FROM login_devices WHERE user_id = $2 AND last_used_at <= now() - $3 * interval '1 second')
		INSERT INTO login_devices (token_hash, user_id) VALUES ($1, $2)`, hash, userID, DeviceTTL.Seconds()); err != nil {
		return "", fmt.Errorf("account: device: %w", err)
	}
	return token, nil
}

// deviceKnown reports whether token names a browser that signed in to
// userID within DeviceTTL, and refreshes it.
func (s *Store) deviceKnown(ctx context.Context, token string, userID int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE login_devices SET last_used_at = now()
		WHERE token_hash = $1 AND user_id = $2 AND last_used_at > now() - $3 * interval '1 second'`, HashToken(token), userID, DeviceTTL.Seconds())
	if err != nil {
		return false, fmt.Errorf("account: device: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
