package audit

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Backlog is the sealer's lag: the rows not yet sealed into the chain and
// the age, in seconds, of the oldest of them (0 when all are sealed).
type Backlog struct {
	Rows       int64   `db:"n"`
	LagSeconds float64 `db:"lag"`
}

// Unsealed reads the sealer's backlog, for the metrics every instance
// reports alike, whichever instance seals.
func Unsealed(ctx context.Context, q sqlx.QueryerContext) (Backlog, error) {
	var b Backlog
	err := sqlx.GetContext(ctx, q, &b, `SELECT count(*) AS n,
		coalesce(extract(epoch FROM clock_timestamp() - min(at)), 0)::float8 AS lag
		FROM audit_log WHERE hash IS NULL`)
	if err != nil {
		return b, fmt.Errorf("audit: unsealed: %w", err)
	}
	return b, nil
}
