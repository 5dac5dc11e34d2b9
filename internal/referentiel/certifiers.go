package referentiel

import (
	"context"
	"fmt"
)

// Certifiers lists the distinct certifiers the loaded référentiels name,
// sorted: what the certifier is called until it sets its identity (see
// certifier.Store.Name).
func (s *Store) Certifiers(ctx context.Context) ([]string, error) {
	var names []string
	if err := s.db.SelectContext(ctx, &names, `SELECT DISTINCT certifier FROM certifications ORDER BY 1`); err != nil {
		return nil, fmt.Errorf("referentiel: certifiers: %w", err)
	}
	return names, nil
}
