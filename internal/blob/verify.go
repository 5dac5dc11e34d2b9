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

// referenced lists every file the database points at, with where from.
const referenced = `SELECT sha256, 'document ' || id::text || ' (' || file_name || ')' AS what FROM documents
	UNION ALL SELECT evidence_sha256, 'justificatif du personnel ' || id::text FROM staff WHERE evidence_sha256 IS NOT NULL`

// Verify re-hashes every file the database refers to (documents and staff
// evidence) and reports those missing from the store or whose content no
// longer matches its SHA-256: after a restore, or whenever an operator
// doubts the disk.
func Verify(ctx context.Context, d *sqlx.DB, s *Store) (*Report, error) {
	var rows []struct {
		SHA  string `db:"sha256"`
		What string `db:"what"`
	}
	if err := d.SelectContext(ctx, &rows, referenced); err != nil {
		return nil, err
	}
	r := &Report{}
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
