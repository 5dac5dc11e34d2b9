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
	// The page's ids are chosen first, so that the per-session columns
	// (the count of candidacies) are computed for its rows only, not for
	// every session before the sort.
	err := s.db.SelectContext(ctx, &out, `SELECT `+sessionColumns+sessionFrom+`
		WHERE s.id IN (SELECT id FROM jury_sessions ORDER BY starts_at DESC, id DESC OFFSET $1 LIMIT $2)
		ORDER BY s.starts_at DESC, s.id DESC`, offset, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("jury: session page: %w", err)
	}
	return out, total, nil
}
