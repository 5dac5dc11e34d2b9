package portfolio

import (
	"context"
	"fmt"

	"acquis/internal/blob"
)

// StoredFiles is the portfolio's blob.Source for `acquis documents
// verify`: every file a document or a deposit's receipt points at, and
// every deposit whose receipt no longer matches the documents it lists (a
// document removed from the database, or pointing at another file than
// the one deposited: both may be intact files of the store, so
// re-hashing alone would not tell).
func (s *Store) StoredFiles(ctx context.Context) ([]blob.Ref, []string, error) {
	var bad []struct {
		Deposit    int64  `db:"deposit_id"`
		Candidacy  int64  `db:"candidacy_id"`
		Document   string `db:"document_id"`
		ReceiptSHA string `db:"receipt_sha"`
		CurrentSHA string `db:"current_sha"`
	}
	if err := s.db.SelectContext(ctx, &bad, receiptMismatches); err != nil {
		return nil, nil, fmt.Errorf("portfolio: receipts: %w", err)
	}
	var problems []string
	for _, b := range bad {
		if b.CurrentSHA == "" {
			problems = append(problems, fmt.Sprintf("dépôt %d (candidature %d) : le document %s de son reçu n'existe plus dans la base", b.Deposit, b.Candidacy, b.Document))
		} else {
			problems = append(problems, fmt.Sprintf("dépôt %d (candidature %d) : le document %s ne correspond plus au reçu (empreinte %s au lieu de %s déposée)",
				b.Deposit, b.Candidacy, b.Document, b.CurrentSHA, b.ReceiptSHA))
		}
	}
	var refs []blob.Ref
	if err := s.db.SelectContext(ctx, &refs, storedFiles); err != nil {
		return nil, nil, fmt.Errorf("portfolio: stored files: %w", err)
	}
	return refs, problems, nil
}

// storedFiles lists the documents' files, then the files each deposit's
// receipt froze.
const storedFiles = `SELECT sha256, 'document ' || id::text || ' (' || file_name || ')' AS what FROM documents
	UNION ALL SELECT f->>'sha256', 'dépôt ' || d.id::text || ', document ' || coalesce(f->>'document_id', '?') FROM deposits d
	  CROSS JOIN LATERAL jsonb_array_elements(d.files) f`

// receiptMismatches lists the deposits whose receipt no longer matches the
// documents it names.
const receiptMismatches = `SELECT d.id AS deposit_id, d.candidacy_id, coalesce(f->>'document_id', '') AS document_id,
	  coalesce(f->>'sha256', '') AS receipt_sha, coalesce(doc.sha256, '') AS current_sha
	FROM deposits d CROSS JOIN LATERAL jsonb_array_elements(d.files) f
	LEFT JOIN documents doc ON doc.id::text = f->>'document_id'
	WHERE doc.id IS NULL OR doc.sha256 IS DISTINCT FROM f->>'sha256' OR doc.candidacy_id <> d.candidacy_id
	ORDER BY d.id, f->>'document_id'`
