// Package generation keeps results computed from the database in memory
// and knows when they are stale, on every instance that shares the
// database.
//
// The database raises a counter (a generation) in the same transaction as
// any write to a table a kept result is computed from (migration 00024:
// constraint triggers deferred to commit, one bump per transaction). A
// request reads the counters first; a result kept under the same value
// or a higher one is current, otherwise the request computes it and keeps
// it under the value it read before computing. A kept result is thus
// never older than a write committed before the request began, whichever
// instance or code path wrote it.
package generation

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
)

// Generations are the counters of the kept results, as one request read
// them.
type Generations struct {
	// Pilotage counts the writes that change the national view of the plan.
	Pilotage int64 `db:"pilotage"`
	// Referentiels counts the writes that change which version of a
	// certification is current.
	Referentiels int64 `db:"referentiels"`
}

// Reader reads the counters: one prepared statement, one round trip.
type Reader struct{ q *db.Prepared }

// NewReader returns a Reader on d.
func NewReader(d *sqlx.DB) *Reader {
	return &Reader{q: db.NewPrepared(d, `SELECT pilotage, referentiels FROM cache_generations`)}
}

// Read returns the counters as committed now.
func (r *Reader) Read(ctx context.Context) (Generations, error) {
	var g Generations
	if err := r.q.Get(ctx, &g); err != nil {
		return g, fmt.Errorf("generation: read: %w", err)
	}
	return g, nil
}
