package account

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/geo"
)

// APIKey lets the national pilot's tools read the indicators API without
// a login session. Only the SHA-256 of its token is stored; the token is
// shown once, when issued.
type APIKey struct {
	ID         int64      `db:"id"`
	Name       string     `db:"name"`
	Prefix     string     `db:"prefix"`
	RegionCode *string    `db:"region_code"`
	CreatedAt  time.Time  `db:"created_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
}

// APIKeyPrefix starts every token, so a leaked one is recognisable.
const APIKeyPrefix = "acq_"

// Errors of API key authentication; the web layer says them to the caller
// in French.
var (
	ErrAPIKeyUnknown = errors.New("account: unknown api key")
	ErrAPIKeyRevoked = errors.New("account: revoked api key")
)

// IssueAPIKey creates a key, national when region is empty, and returns
// its token (to show once).
func (s *Store) IssueAPIKey(ctx context.Context, actor audit.Actor, name, region string) (string, int64, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 120 {
		return "", 0, invalid("name", "Donnez à la clé un nom (120 caractères au plus) qui dise qui l'utilise.")
	}
	var reg *string
	if region != "" {
		if _, ok := geo.RegionByCode(region); !ok {
			return "", 0, invalid("region", "Région inconnue.")
		}
		reg = &region
	}
	random, _ := NewToken() // its hash is of the token without the prefix: recomputed below
	token := APIKeyPrefix + random
	hash := HashToken(token)
	var id int64
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &id, `INSERT INTO api_keys (name, prefix, token_hash, region_code, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			name, token[:len(APIKeyPrefix)+6], hash, reg, sql.NullInt64{Int64: actor.UserID, Valid: actor.UserID != 0}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("api_key.issued", "api_key", strconv.FormatInt(id, 10), map[string]any{"name": name, "region": region}))
	})
	return token, id, err
}

// RevokeAPIKey stops a key from working, for good.
func (s *Store) RevokeAPIKey(ctx context.Context, actor audit.Actor, id int64) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL`,
			id, sql.NullInt64{Int64: actor.UserID, Valid: actor.UserID != 0})
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return invalid("id", "Cette clé n'existe pas ou est déjà révoquée.")
		}
		return audit.Record(ctx, tx, actor.Entry("api_key.revoked", "api_key", strconv.FormatInt(id, 10), nil))
	})
}

// APIKeys lists every key, newest first.
func (s *Store) APIKeys(ctx context.Context) ([]APIKey, error) {
	var out []APIKey
	err := s.db.SelectContext(ctx, &out, `SELECT id, name, prefix, region_code, created_at, revoked_at, last_used_at FROM api_keys ORDER BY id DESC`)
	return out, err
}

// APIKeyPrincipal authenticates a token and returns the principal it
// stands for: an observer, national or of its région, with no user
// behind it. Callers give it only the indicators API.
func (s *Store) APIKeyPrincipal(ctx context.Context, token string) (*Principal, error) {
	if !strings.HasPrefix(token, APIKeyPrefix) {
		return nil, ErrAPIKeyUnknown
	}
	var k APIKey
	err := s.db.GetContext(ctx, &k, `UPDATE api_keys SET last_used_at = now() WHERE token_hash = $1
		RETURNING id, name, prefix, region_code, created_at, revoked_at, last_used_at`, HashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrAPIKeyUnknown
	}
	if err != nil {
		return nil, err
	}
	if k.RevokedAt != nil {
		return nil, ErrAPIKeyRevoked
	}
	g := Grant{Role: RoleObserver}
	if k.RegionCode != nil {
		g.RegionCode = *k.RegionCode
	}
	return &Principal{Name: "Clé d'API « " + k.Name + " »", Grants: []Grant{g}}, nil
}
