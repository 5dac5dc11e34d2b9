package account

import (
	"context"
	"time"
)

// Throttling: after five wrong passwords within a quarter of an hour an
// account waits one minute, doubling with each further failure up to a
// quarter of an hour; an address that fails twenty times waits likewise.
// Failures are kept in the database so every app instance sees them.
const (
	throttleWindow      = 15 * time.Minute
	accountFreeFailures = 5
	ipFreeFailures      = 20
	throttleCap         = 15 * time.Minute
)

func throttleWait(failures int, free int, last time.Time, now time.Time) time.Duration {
	if failures < free {
		return 0
	}
	delay := time.Minute << min(failures-free, 4)
	if delay > throttleCap {
		delay = throttleCap
	}
	return last.Add(delay).Sub(now)
}

// checkThrottle returns a *ThrottledError when this e-mail or address must
// wait before another attempt.
func (s *Store) checkThrottle(ctx context.Context, email, ip string) error {
	now := s.now()
	var acc struct {
		N    int       `db:"n"`
		Last time.Time `db:"last"`
	}
	if err := s.db.GetContext(ctx, &acc, `SELECT count(*) AS n, coalesce(max(at), 'epoch') AS last FROM login_failures
		WHERE email = lower($1) AND at > $2`, email, now.Add(-throttleWindow)); err != nil {
		return err
	}
	wait := throttleWait(acc.N, accountFreeFailures, acc.Last, now)
	if ipv := nullIP(ip); ipv.Valid {
		var byIP struct {
			N    int       `db:"n"`
			Last time.Time `db:"last"`
		}
		if err := s.db.GetContext(ctx, &byIP, `SELECT count(*) AS n, coalesce(max(at), 'epoch') AS last FROM login_failures
			WHERE ip = $1 AND at > $2`, ipv, now.Add(-throttleWindow)); err != nil {
			return err
		}
		wait = max(wait, throttleWait(byIP.N, ipFreeFailures, byIP.Last, now))
	}
	if wait > 0 {
		return &ThrottledError{Wait: wait}
	}
	return nil
}

func (s *Store) recordFailure(ctx context.Context, email, ip string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO login_failures (email, ip, at) VALUES (lower($1), $2, $3)`, email, nullIP(ip), s.now())
	return err
}

func (s *Store) clearFailures(ctx context.Context, email string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE email = lower($1) OR at < $2`, email, s.now().Add(-24*time.Hour))
	return err
}
