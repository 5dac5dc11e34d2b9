package db

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Prepared is a query that PostgreSQL parses and plans once per pool
// connection instead of on every call: database/sql prepares it lazily on
// each connection it runs on. It is kept for the few queries every request
// pays for (the session lookup, the grid's autosave), where planning was a
// measurable share of the cost (BENCHMARKS.md).
type Prepared struct {
	db    *sqlx.DB
	query string
	mu    sync.Mutex
	stmt  *sqlx.Stmt
}

// NewPrepared declares a prepared query on d; nothing is sent to the
// server until its first use.
func NewPrepared(d *sqlx.DB, query string) *Prepared { return &Prepared{db: d, query: query} }

// Stmt returns the statement, preparing it on first use. A failed
// preparation is not remembered, so a database that was briefly away does
// not disable the query for the life of the process.
func (p *Prepared) Stmt(ctx context.Context) (*sqlx.Stmt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stmt != nil {
		return p.stmt, nil
	}
	st, err := p.db.PreparexContext(ctx, p.query)
	if err != nil {
		return nil, err
	}
	p.stmt = st
	return st, nil
}

// Get runs the query and scans its single row into dest.
func (p *Prepared) Get(ctx context.Context, dest any, args ...any) error {
	st, err := p.Stmt(ctx)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}
