package mail

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// QueueDepth counts the messages waiting to be sent (neither sent nor
// given up), for the metrics every instance reports alike.
func QueueDepth(ctx context.Context, q sqlx.QueryerContext) (int64, error) {
	var n int64
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL`); err != nil {
		return 0, fmt.Errorf("mail: queue depth: %w", err)
	}
	return n, nil
}
