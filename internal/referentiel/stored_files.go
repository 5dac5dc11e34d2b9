package referentiel

import (
	"context"
	"fmt"

	"acquis/internal/blob"
)

// StoredFiles is the référentiels' blob.Source for `acquis documents
// verify`: the templates the certifier offers for deliverables, every
// version kept.
func (s *Store) StoredFiles(ctx context.Context) ([]blob.Ref, []string, error) {
	var refs []blob.Ref
	if err := s.db.SelectContext(ctx, &refs, `SELECT sha256, 'modèle ' || id::text || ' (' || file_name || ')' AS what
		FROM deliverable_templates`); err != nil {
		return nil, nil, fmt.Errorf("referentiel: stored files: %w", err)
	}
	return refs, nil, nil
}
