package jury

import (
	"context"
	"fmt"
)

// SessionPage is one page of every session, latest first, and how many
// there are in all: the certifier's list grows by hundreds a year at
// national scale and is read a page at a time.
func (s *Store) SessionPage(ctx context.Context, offset, limit int) ([]Session, int, error) {
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM jury_sessions`); err != nil {
		return nil, 0, fmt.Errorf("jury: count sessions: %w", err)
	}
	out := []Session{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+sessionColumns+sessionFrom+`
		ORDER BY s.starts_at DESC, s.id DESC OFFSET $1 LIMIT $2`, offset, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("jury: session page: %w", err)
	}
	return out, total, nil
}
