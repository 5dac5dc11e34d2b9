package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"acquis/internal/generation"
)

// SessionLimits bound a login: it ends after Idle without a request, and
// after Lifetime in any case.
type SessionLimits struct {
	Idle     time.Duration
	Lifetime time.Duration
}

// touchEvery limits writes: a session's last-seen time is refreshed at most
// this often, so reading pages does not write a row per request.
const touchEvery = time.Minute

// NewToken returns a random token for a cookie or a link, and the SHA-256
// under which it is stored.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how tokens are stored and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a login session and returns the cookie's token.
func (s *Store) CreateSession(ctx context.Context, userID int64, lim SessionLimits, ip, userAgent string) (string, error) {
	token, hash := NewToken()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent)
		VALUES ($1, $2, now() + $3 * interval '1 second', $4, $5)`,
		hash, userID, lim.Lifetime.Seconds(), nullIP(ip), userAgent)
	if err != nil {
		return "", fmt.Errorf("account: create session: %w", err)
	}
	return token, nil
}

// ErrNoSession means the cookie names no live session.
var ErrNoSession = errors.New("account: session absente ou expirée")

// sessionQuery finds the live session of a token hash ($1) with its user
// and roles, given the idle timeout in seconds ($2), and reads the
// generations of the results servers keep (package generation) in the
// same statement: every signed-in request makes this lookup first, so it
// learns them without a round trip of its own.
const sessionQuery = `
		SELECT s.user_id, s.last_seen_at, u.email, u.full_name, coalesce(u.organisation_id, 0) AS organisation_id,
		       coalesce((SELECT json_agg(json_build_object('id', r.id, 'role', r.role,
		                   'platform_id', coalesce(r.platform_id, 0), 'region_code', coalesce(r.region_code, '')) ORDER BY r.id)
		                 FROM user_roles r WHERE r.user_id = u.id), '[]') AS grants,
		       g.pilotage, g.referentiels
		FROM sessions s JOIN users u ON u.id = s.user_id CROSS JOIN cache_generations g
		WHERE s.token_hash = $1 AND s.expires_at > now()
		  AND s.last_seen_at > now() - $2 * interval '1 second' AND NOT u.disabled`

// Session is what the session lookup found.
type Session struct {
	Principal *Principal
	// Hash is the session's token hash, its key.
	Hash string
	// Generations are the counters of kept results as committed when the
	// session was read, i.e. before the request did anything else.
	Generations generation.Generations
}

// SessionPrincipal returns who holds this session token and the
// session's hash; see Session.
func (s *Store) SessionPrincipal(ctx context.Context, token string, lim SessionLimits) (*Principal, string, error) {
	ss, err := s.Session(ctx, token, lim)
	return ss.Principal, ss.Hash, err
}

// Session returns the live session of this token, refreshing its
// last-seen time when due. Expired, idle and disabled-user sessions are
// refused.
func (s *Store) Session(ctx context.Context, token string, lim SessionLimits) (Session, error) {
	if token == "" {
		return Session{}, ErrNoSession
	}
	hash := HashToken(token)
	var row struct {
		UserID   int64     `db:"user_id"`
		LastSeen time.Time `db:"last_seen_at"`
		Email    string    `db:"email"`
		Name     string    `db:"full_name"`
		OrgID    int64     `db:"organisation_id"`
		Grants   []byte    `db:"grants"`
		generation.Generations
	}
	err := s.sessionQ.Get(ctx, &row, hash, lim.Idle.Seconds())
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("account: session: %w", err)
	}
	p := &Principal{UserID: row.UserID, Email: row.Email, Name: row.Name, OrganisationID: row.OrgID}
	if err := json.Unmarshal(row.Grants, &p.Grants); err != nil {
		return Session{}, fmt.Errorf("account: session grants: %w", err)
	}
	if time.Since(row.LastSeen) > touchEvery {
		if _, err := s.db.ExecContext(ctx, touchSession, hash); err != nil {
			return Session{}, fmt.Errorf("account: touch session: %w", err)
		}
	}
	return Session{Principal: p, Hash: hash, Generations: row.Generations}, nil
}

// touchSession refreshes a session's last-seen time unless another
// request of the same session is already doing so: when the minute is up,
// every request of a busy session in flight (a grid's autosaves) sees it
// due at once, and a plain UPDATE would queue each of them behind the
// previous one's row lock and commit (one fsync after another: the
// autosave's slowest requests). SKIP LOCKED lets the first refresh it and
// the others go on; the time they would have written is the same minute.
const touchSession = `UPDATE sessions SET last_seen_at = now()
	WHERE token_hash = (SELECT token_hash FROM sessions WHERE token_hash = $1 FOR UPDATE SKIP LOCKED)`

// DeleteSession ends a session on the server (logout).
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return err
}

// DeleteExpiredSessions removes sessions that can no longer be used.
func (s *Store) DeleteExpiredSessions(ctx context.Context, lim SessionLimits) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= now() OR last_seen_at <= now() - $1 * interval '1 second'`, lim.Idle.Seconds())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// nullIP keeps an unparsable address out of an inet column.
func nullIP(ip string) sql.NullString {
	if ip == "" {
		return sql.NullString{}
	}
	for _, c := range ip {
		if !(c == '.' || c == ':' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
			return sql.NullString{}
		}
	}
	return sql.NullString{String: ip, Valid: true}
}
