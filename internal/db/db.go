// Package db opens the PostgreSQL pool, applies migrations and runs
// transactions. Every domain package receives a *sqlx.DB from here.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Open connects to PostgreSQL and checks that it answers, so a wrong URL
// stops start-up instead of the first request.
func Open(ctx context.Context, dsn string) (*sqlx.DB, error) {
	d, err := sqlx.Open("postgres", withoutJIT(dsn))
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	d.SetMaxOpenConns(20)
	d.SetMaxIdleConns(20)
	d.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.PingContext(pingCtx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: la base de données ne répond pas : %w", err)
	}
	return d, nil
}

// InTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise, so no half-written change is ever visible.
func InTx(ctx context.Context, d *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation,
// optionally on the named constraint.
func IsUniqueViolation(err error, constraint string) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" {
		return constraint == "" || pqErr.Constraint == constraint
	}
	return false
}

// IsCode reports whether err is a PostgreSQL error with that SQLSTATE.
func IsCode(err error, code string) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && string(pqErr.Code) == code
}

// NotFound maps sql.ErrNoRows to the caller's sentinel error and leaves
// other errors wrapped with the layer's prefix.
func NotFound(err, sentinel error, layer string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return sentinel
	}
	return fmt.Errorf("%s: %w", layer, err)
}

// withoutJIT turns PostgreSQL's JIT compiler off for acquis's sessions
// (lib/pq passes unknown DSN parameters as run-time settings). The
// indicators' queries cost enough on paper to trigger it, and compiling
// takes 10 to 30 ms for queries that run in 20 to 60: measured at national
// scale, JIT only ever made them slower. A setting already in the DSN wins.
func withoutJIT(dsn string) string { return withSetting(dsn, "jit", "off") }

// withSetting adds a run-time setting to a URL or keyword DSN, unless the
// DSN already sets it.
func withSetting(dsn, name, value string) string {
	if strings.Contains(dsn, name+"=") {
		return dsn
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return dsn // lib/pq will report it
		}
		q := u.Query()
		q.Set(name, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimSpace(dsn + " " + name + "=" + value)
}
