package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// Store keeps accounts in PostgreSQL.
type Store struct {
	db                *sqlx.DB
	now               func() time.Time
	pseudonymiseHooks []func(ctx context.Context, tx *sqlx.Tx, userID int64) error
	// sessionQ is the session lookup every request makes, kept prepared.
	sessionQ *db.Prepared
}

// NewStore returns a Store on d.
func NewStore(d *sqlx.DB) *Store {
	return &Store{db: d, now: time.Now, sessionQ: db.NewPrepared(d, sessionQuery)}
}

// DB returns the pool, for packages that join on users.
func (s *Store) DB() *sqlx.DB { return s.db }

// User is an account.
type User struct {
	ID               int64      `db:"id" json:"id"`
	Email            string     `db:"email" json:"email"`
	FullName         string     `db:"full_name" json:"full_name"`
	PasswordHash     *string    `db:"password_hash" json:"-"`
	Disabled         bool       `db:"disabled" json:"disabled"`
	OrganisationID   *int64     `db:"organisation_id" json:"organisation_id,omitempty"`
	OrganisationName string     `db:"organisation_name" json:"organisation_name,omitempty"`
	CreatedAt        time.Time  `db:"created_at" json:"created_at"`
	PseudonymisedAt  *time.Time `db:"pseudonymised_at" json:"pseudonymised_at,omitempty"`
	Grants           []Grant    `db:"-" json:"roles"`
}

// Activated reports whether the user has chosen a password.
func (u User) Activated() bool { return u.PasswordHash != nil }

// NormaliseEmail trims and lowercases an address and checks its form.
func NormaliseEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.Index(s, "@"):], ".") {
		return "", invalid("email", "adresse électronique invalide")
	}
	return s, nil
}

// NewUser is what a form, the demo or the command line gives.
type NewUser struct {
	Email          string
	FullName       string
	Password       string // empty: the user is invited and chooses one
	OrganisationID int64
	Grants         []Grant
}

const userColumns = `u.id, u.email, u.full_name, u.password_hash, u.disabled, u.organisation_id,
	coalesce(o.name, '') AS organisation_name, u.created_at, u.pseudonymised_at`

// CreateUser stores a user with their grants, in one transaction.
func (s *Store) CreateUser(ctx context.Context, actor audit.Actor, n NewUser) (int64, error) {
	email, err := NormaliseEmail(n.Email)
	if err != nil {
		return 0, err
	}
	name := strings.TrimSpace(n.FullName)
	if name == "" {
		return 0, invalid("full_name", "le nom complet est obligatoire")
	}
	if len([]rune(name)) > 200 {
		return 0, invalid("full_name", "le nom ne peut dépasser 200 caractères")
	}
	var hash *string
	if n.Password != "" {
		if err := CheckPasswordStrength(n.Password); err != nil {
			return 0, err
		}
		h, err := HashPassword(n.Password)
		if err != nil {
			return 0, err
		}
		hash = &h
	}
	for _, g := range n.Grants {
		if err := s.validateGrant(ctx, g); err != nil {
			return 0, err
		}
	}
	var id int64
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var org sql.NullInt64
		if n.OrganisationID != 0 {
			org = sql.NullInt64{Int64: n.OrganisationID, Valid: true}
		}
		err := tx.GetContext(ctx, &id, `INSERT INTO users (email, full_name, password_hash, organisation_id)
			VALUES ($1, $2, $3, $4) RETURNING id`, email, name, hash, org)
		if db.IsUniqueViolation(err, "users_email_key") {
			return ErrEmailTaken
		}
		if err != nil {
			return err
		}
		for _, g := range n.Grants {
			if err := insertGrant(ctx, tx, id, g, actor.UserID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor.Entry("user.create", "user", strconv.FormatInt(id, 10), map[string]any{
			"email": email, "full_name": name, "organisation_id": n.OrganisationID, "roles": n.Grants, "activated": hash != nil,
		}))
	})
	if err != nil {
		if errors.Is(err, ErrEmailTaken) {
			return 0, err
		}
		return 0, fmt.Errorf("account: create user: %w", err)
	}
	return id, nil
}

// validateGrant checks that a grant's scope exists and fits its role.
func (s *Store) validateGrant(ctx context.Context, g Grant) error {
	if !g.Role.Valid() {
		return invalid("role", "rôle inconnu")
	}
	switch g.Role {
	case RolePlatformManager:
		o, err := s.Organisation(ctx, g.PlatformID)
		if err != nil || o.Kind != OrgPlatform {
			return invalid("platform", "un gestionnaire est rattaché à une plateforme existante")
		}
	default:
		if g.PlatformID != 0 {
			return invalid("platform", "seul le rôle de gestionnaire porte sur une plateforme")
		}
	}
	if g.RegionCode != "" && g.Role != RoleObserver {
		return invalid("region", "seul le rôle d'observateur porte sur une région")
	}
	return nil
}

func insertGrant(ctx context.Context, tx *sqlx.Tx, userID int64, g Grant, by int64) error {
	var platform sql.NullInt64
	if g.PlatformID != 0 {
		platform = sql.NullInt64{Int64: g.PlatformID, Valid: true}
	}
	var region sql.NullString
	if g.RegionCode != "" {
		region = sql.NullString{String: g.RegionCode, Valid: true}
	}
	var grantedBy sql.NullInt64
	if by != 0 {
		grantedBy = sql.NullInt64{Int64: by, Valid: true}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role, platform_id, region_code, granted_by)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, userID, g.Role, platform, region, grantedBy)
	return err
}

// User returns a user with their grants.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1`, id)
	if err != nil {
		return u, db.NotFound(err, ErrNotFound, "account")
	}
	u.Grants, err = s.grants(ctx, id)
	return u, err
}

// UserByEmail finds a user by e-mail, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE lower(u.email) = lower($1)`, strings.TrimSpace(email))
	if err != nil {
		return u, db.NotFound(err, ErrNotFound, "account")
	}
	u.Grants, err = s.grants(ctx, u.ID)
	return u, err
}

// UserFilter narrows the list of users.
type UserFilter struct {
	Query      string // part of the name or e-mail
	Role       Role
	PlatformID int64 // users attached to, or managing, this platform
}

// Users lists users matching f, with their grants.
func (s *Store) Users(ctx context.Context, f UserFilter) ([]User, error) {
	var out []User
	err := s.db.SelectContext(ctx, &out, `SELECT `+userColumns+` FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE ($1 = '' OR u.email ILIKE '%' || $1 || '%' OR u.full_name ILIKE '%' || $1 || '%')
		  AND ($2 = '' OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $2))
		  AND ($3 = 0 OR u.organisation_id = $3 OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.platform_id = $3))
		ORDER BY u.full_name, u.id LIMIT 500`, escapeLike(f.Query), string(f.Role), f.PlatformID)
	if err != nil {
		return nil, fmt.Errorf("account: users: %w", err)
	}
	for i := range out {
		if out[i].Grants, err = s.grants(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(strings.TrimSpace(s))
}

func (s *Store) grants(ctx context.Context, userID int64) ([]Grant, error) {
	var gs []Grant
	err := s.db.SelectContext(ctx, &gs, `SELECT id, role, coalesce(platform_id, 0) AS platform_id, coalesce(region_code, '') AS region_code
		FROM user_roles WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("account: grants: %w", err)
	}
	return gs, nil
}

// AddGrant gives a user one more role with its scope.
func (s *Store) AddGrant(ctx context.Context, actor audit.Actor, userID int64, g Grant) error {
	if err := s.validateGrant(ctx, g); err != nil {
		return err
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := insertGrant(ctx, tx, userID, g, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("user.grant", "user", strconv.FormatInt(userID, 10), g))
	})
}

// RemoveGrant takes one role away. Removing the last admin is refused so
// the certifier never locks itself out.
func (s *Store) RemoveGrant(ctx context.Context, actor audit.Actor, userID, grantID int64) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var g Grant
		err := tx.GetContext(ctx, &g, `SELECT id, role, coalesce(platform_id, 0) AS platform_id, coalesce(region_code, '') AS region_code
			FROM user_roles WHERE id = $1 AND user_id = $2 FOR UPDATE`, grantID, userID)
		if err != nil {
			return db.NotFound(err, ErrNotFound, "account")
		}
		if g.Role == RoleAdmin {
			if err := lastAdminGuard(ctx, tx, userID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE id = $1`, grantID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("user.revoke", "user", strconv.FormatInt(userID, 10), g))
	})
}

func lastAdminGuard(ctx context.Context, tx *sqlx.Tx, userID int64) error {
	// Lock the admin rows so two concurrent removals cannot both pass.
	var others int
	if err := tx.GetContext(ctx, &others, `SELECT count(*) FROM (SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.role = 'admin' AND r.user_id <> $1 AND NOT u.disabled FOR UPDATE OF r) x`, userID); err != nil {
		return err
	}
	if others == 0 {
		return invalid("role", "impossible de retirer le dernier administrateur actif")
	}
	return nil
}

// SetDisabled disables or re-enables a user; disabling ends their sessions.
func (s *Store) SetDisabled(ctx context.Context, actor audit.Actor, userID int64, disabled bool) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if disabled {
			var isAdmin bool
			if err := tx.GetContext(ctx, &isAdmin, `SELECT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = 'admin')`, userID); err != nil {
				return err
			}
			if isAdmin {
				if err := lastAdminGuard(ctx, tx, userID); err != nil {
					return err
				}
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $2, updated_at = now() WHERE id = $1`, userID, disabled)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor.Entry("user.disable", "user", strconv.FormatInt(userID, 10), map[string]bool{"disabled": disabled}))
	})
}

// ChangePassword checks the current password and sets a new one; the
// user's other sessions end.
func (s *Store) ChangePassword(ctx context.Context, actor audit.Actor, userID int64, current, next string, keepSessionHash string) error {
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	if u.PasswordHash == nil {
		return invalid("current", "mot de passe actuel incorrect")
	}
	// Whoever holds a stolen session must not be able to guess the
	// current password at leisure: the same throttle as the login form.
	b := bucket{bucketKey("password-change", strconv.FormatInt(userID, 10)), PairPolicy}
	wait, err := s.claim(ctx, []bucket{b})
	if err != nil {
		return err
	}
	if wait > 0 {
		return &ThrottledError{Wait: wait}
	}
	ok, err := VerifyPassword(*u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return invalid("current", "mot de passe actuel incorrect")
	}
	if err := s.succeeded(ctx, b.key, nil); err != nil {
		return err
	}
	return s.setPassword(ctx, actor, userID, next, keepSessionHash, "user.password_change")
}

func (s *Store) setPassword(ctx context.Context, actor audit.Actor, userID int64, pw, keepSessionHash, action string) error {
	if err := CheckPasswordStrength(pw); err != nil {
		return err
	}
	h, err := HashPassword(pw)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		return setPasswordTx(ctx, tx, actor, userID, h, keepSessionHash, action)
	})
}

func setPasswordTx(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, userID int64, hash, keepSessionHash, action string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, userID, hash); err != nil {
		return err
	}
	// A new password ends every other session: whoever knew the old one
	// is signed out.
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keepSessionHash); err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor.Entry(action, "user", strconv.FormatInt(userID, 10), nil))
}

// AdminCount counts active administrators; serve uses it to tell an empty
// installation how to create the first one.
func (s *Store) AdminCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(DISTINCT r.user_id) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = 'admin' AND NOT u.disabled`)
	return n, err
}
