package account

import (
	"context"
	"errors"
	"strconv"

	"acquis/internal/audit"
)

// Authenticate checks an e-mail and password. Unknown e-mail, wrong
// password and disabled account give the same error and take the same time;
// each failure counts towards throttling and is audited.
func (s *Store) Authenticate(ctx context.Context, actor audit.Actor, email, password string) (User, error) {
	if err := s.checkThrottle(ctx, email, actor.IP); err != nil {
		_ = audit.RecordNow(ctx, s.db, actor.Entry("user.login_throttled", "user", "", map[string]string{"email": email}))
		return User{}, err
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return User{}, err
	}
	hash := dummyHash
	if err == nil && u.PasswordHash != nil {
		hash = *u.PasswordHash
	}
	ok, verr := VerifyPassword(hash, password)
	if verr != nil {
		return User{}, verr
	}
	if err != nil || !ok || u.Disabled || u.PasswordHash == nil {
		if ferr := s.recordFailure(ctx, email, actor.IP); ferr != nil {
			return User{}, ferr
		}
		id := ""
		if u.ID != 0 {
			id = strconv.FormatInt(u.ID, 10)
		}
		_ = audit.RecordNow(ctx, s.db, actor.Entry("user.login_failed", "user", id, map[string]string{"email": email}))
		return User{}, ErrInvalidCredentials
	}
	if err := s.clearFailures(ctx, email); err != nil {
		return User{}, err
	}
	a := actor
	a.UserID = u.ID
	if err := audit.RecordNow(ctx, s.db, a.Entry("user.login", "user", strconv.FormatInt(u.ID, 10), nil)); err != nil {
		return User{}, err
	}
	return u, nil
}
