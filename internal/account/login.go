package account

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"acquis/internal/audit"
)

// LoginAttempt is what the login form sends, with the browser's device
// token (empty when it has none).
type LoginAttempt struct {
	Email    string
	Password string
	Device   string
}

// LoginResult is the signed-in user and, when the browser had no device
// token for this account yet, the new one to give it.
type LoginResult struct {
	User      User
	NewDevice string
}

// maxEmailLength bounds what is looked up: no address is longer (RFC 5321).
const maxEmailLength = 320

// Authenticate checks an e-mail and password from a browser without a
// device token; see Login.
func (s *Store) Authenticate(ctx context.Context, actor audit.Actor, email, password string) (User, error) {
	r, err := s.Login(ctx, actor, LoginAttempt{Email: email, Password: password})
	return r.User, err
}

// Login checks an e-mail and password. Unknown e-mail, wrong password and
// disabled account give the same error and take the same time. Each
// attempt is counted before the password is checked (see claim), and
// failures and refusals are audited.
func (s *Store) Login(ctx context.Context, actor audit.Actor, a LoginAttempt) (LoginResult, error) {
	key := LoginKey(a.Email)
	var u User
	err := ErrNotFound
	if key != "" && len(key) <= maxEmailLength && !strings.ContainsRune(key, 0) {
		u, err = s.UserByEmail(ctx, key)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return LoginResult{}, err
		}
	}
	known := err == nil
	trusted := false
	if known && a.Device != "" {
		if trusted, err = s.deviceKnown(ctx, a.Device, u.ID); err != nil {
			return LoginResult{}, err
		}
	}
	client := ClientKey(actor.IP)
	pair := bucket{bucketKey("pair", key, "ip", client), PairPolicy}
	others := []bucket{{bucketKey("client", client), ClientPolicy}, {bucketKey("account", key), AccountPolicy}}
	if trusted {
		// The owner's browser: only its own failures hold it back.
		pair = bucket{bucketKey("pair", key, "device", HashToken(a.Device)), PairPolicy}
		others = nil
	}
	wait, err := s.claim(ctx, append([]bucket{pair}, others...))
	if err != nil {
		return LoginResult{}, err
	}
	if wait > 0 {
		_ = audit.RecordNow(ctx, s.db, actor.Entry("user.login_throttled", "user", "", map[string]string{"email": key}))
		return LoginResult{}, &ThrottledError{Wait: wait}
	}
	hash := dummyHash
	if known && u.PasswordHash != nil {
		hash = *u.PasswordHash
	}
	ok, verr := VerifyPassword(hash, a.Password)
	if verr != nil {
		return LoginResult{}, verr
	}
	if !known || !ok || u.Disabled || u.PasswordHash == nil {
		id := ""
		if u.ID != 0 {
			id = strconv.FormatInt(u.ID, 10)
		}
		_ = audit.RecordNow(ctx, s.db, actor.Entry("user.login_failed", "user", id, map[string]string{"email": key}))
		return LoginResult{}, ErrInvalidCredentials
	}
	if err := s.succeeded(ctx, pair.key, others); err != nil {
		return LoginResult{}, err
	}
	res := LoginResult{User: u}
	if !trusted {
		if res.NewDevice, err = s.NewDevice(ctx, u.ID); err != nil {
			return LoginResult{}, err
		}
	}
	a2 := actor
	a2.UserID = u.ID
	if err := audit.RecordNow(ctx, s.db, a2.Entry("user.login", "user", strconv.FormatInt(u.ID, 10), nil)); err != nil {
		return LoginResult{}, err
	}
	return res, nil
}
