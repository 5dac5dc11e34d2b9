// Package db opens the PostgreSQL pool, applies migrations and runs
// transactions. Every domain package receives a *sqlx.DB from here.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Open connects to PostgreSQL and checks that it answers, so a wrong URL
// stops start-up instead of the first request.
func Open(ctx context.Context, dsn string) (*sqlx.DB, error) {
	d, err := sqlx.Open("postgres", dsn)
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
