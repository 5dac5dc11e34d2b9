package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"
)

// Report is what Verify found.
type Report struct {
	Checked  int      // files re-hashed
	Problems []string // one French line per missing or altered file
}

// referenced lists every file the database points at, with where from:
// documents, staff evidence, the certifier's deliverable templates and the
// files each deposit's receipt froze.
const referenced = `SELECT sha256, 'document ' || id::text || ' (' || file_name || ')' AS what FROM documents
	UNION ALL SELECT sha256, 'modèle ' || id::text || ' (' || file_name || ')' FROM deliverable_templates
	UNION ALL SELECT evidence_sha256, 'justificatif du personnel ' || id::text FROM staff WHERE evidence_sha256 IS NOT NULL
	UNION ALL SELECT f->>'sha256', 'dépôt ' || d.id::text || ', document ' || coalesce(f->>'document_id', '?') FROM deposits d
	  CROSS JOIN LATERAL jsonb_array_elements(d.files) f`

// receiptMismatches lists the deposits whose receipt no longer matches the
// documents it names: a document removed from the database, or pointing
// at another file than the one deposited. Both hashes may be intact files
// of the store, so re-hashing alone would not tell.
const receiptMismatches = `SELECT d.id AS deposit_id, d.candidacy_id, coalesce(f->>'document_id', '') AS document_id,
	  coalesce(f->>'sha256', '') AS receipt_sha, coalesce(doc.sha256, '') AS current_sha
	FROM deposits d CROSS JOIN LATERAL jsonb_array_elements(d.files) f
	LEFT JOIN documents doc ON doc.id::text = f->>'document_id'
	WHERE doc.id IS NULL OR doc.sha256 IS DISTINCT FROM f->>'sha256' OR doc.candidacy_id <> d.candidacy_id
	ORDER BY d.id, f->>'document_id'`

// Verify re-hashes every file the database refers to (documents, staff
// evidence, deposit receipts) and reports those missing from the store or
// whose content no longer matches its SHA-256, and every deposit whose
// receipt no longer matches the documents it lists: after a restore, or
// whenever an operator doubts the disk or the database.
func Verify(ctx context.Context, d *sqlx.DB, s *Store) (*Report, error) {
	r := &Report{}
	var bad []struct {
		Deposit    int64  `db:"deposit_id"`
		Candidacy  int64  `db:"candidacy_id"`
		Document   string `db:"document_id"`
		ReceiptSHA string `db:"receipt_sha"`
		CurrentSHA string `db:"current_sha"`
	}
	if err := d.SelectContext(ctx, &bad, receiptMismatches); err != nil {
		return nil, err
	}
	for _, b := range bad {
		if b.CurrentSHA == "" {
			r.Problems = append(r.Problems, fmt.Sprintf("dépôt %d (candidature %d) : le document %s de son reçu n'existe plus dans la base", b.Deposit, b.Candidacy, b.Document))
		} else {
			r.Problems = append(r.Problems, fmt.Sprintf("dépôt %d (candidature %d) : le document %s ne correspond plus au reçu (empreinte %s au lieu de %s déposée)",
				b.Deposit, b.Candidacy, b.Document, b.CurrentSHA, b.ReceiptSHA))
		}
	}
	var rows []struct {
		SHA  string `db:"sha256"`
		What string `db:"what"`
	}
	if err := d.SelectContext(ctx, &rows, referenced); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, row := range rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if seen[row.SHA] {
			continue
		}
		seen[row.SHA] = true
		f, err := s.Open(row.SHA)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("%s : fichier absent du dépôt (%s)", row.What, row.SHA))
			continue
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		r.Checked++
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("%s : lecture impossible (%v)", row.What, err))
		} else if got := hex.EncodeToString(h.Sum(nil)); got != row.SHA {
			r.Problems = append(r.Problems, fmt.Sprintf("%s : contenu altéré (empreinte %s au lieu de %s)", row.What, got, row.SHA))
		}
	}
	return r, nil
}
