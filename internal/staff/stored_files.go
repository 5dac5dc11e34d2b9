package staff

import (
	"context"
	"fmt"

	"acquis/internal/blob"
)

// StoredFiles is the staff roster's blob.Source for `acquis documents
// verify`: the evidence files recorded for staff members.
func (s *Store) StoredFiles(ctx context.Context) ([]blob.Ref, []string, error) {
	var refs []blob.Ref
	if err := s.db.SelectContext(ctx, &refs, `SELECT evidence_sha256 AS sha256, 'justificatif du personnel ' || id::text AS what
		FROM staff WHERE evidence_sha256 IS NOT NULL`); err != nil {
		return nil, nil, fmt.Errorf("staff: stored files: %w", err)
	}
	return refs, nil, nil
}
