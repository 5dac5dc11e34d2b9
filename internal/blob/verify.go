package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// Report is what Verify found.
type Report struct {
	Checked  int      // files re-hashed
	Problems []string // one French line per missing or altered file
}

// Ref is one stored file the database refers to, with what refers to it
// (in French, for the report).
type Ref struct {
	SHA256 string `db:"sha256"`
	What   string `db:"what"`
}

// Source lists the stored files its package's tables refer to, with the
// problems that package found in them itself (a deposit receipt that no
// longer matches its documents): the blob store knows files, not who
// points at them, so the owners of those tables say.
type Source func(ctx context.Context) ([]Ref, []string, error)

// Verify re-hashes every file the sources refer to (documents, staff
// evidence, deposit receipts) and reports those missing from the store or
// whose content no longer matches its SHA-256, after the problems the
// sources found: after a restore, or whenever an operator doubts the disk
// or the database.
func Verify(ctx context.Context, s *Store, sources ...Source) (*Report, error) {
	r := &Report{}
	var rows []Ref
	for _, src := range sources {
		refs, problems, err := src(ctx)
		if err != nil {
			return nil, err
		}
		rows = append(rows, refs...)
		r.Problems = append(r.Problems, problems...)
	}
	seen := map[string]bool{}
	for _, row := range rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if seen[row.SHA256] {
			continue
		}
		seen[row.SHA256] = true
		f, err := s.Open(row.SHA256)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("%s : fichier absent du dépôt (%s)", row.What, row.SHA256))
			continue
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		r.Checked++
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("%s : lecture impossible (%v)", row.What, err))
		} else if got := hex.EncodeToString(h.Sum(nil)); got != row.SHA256 {
			r.Problems = append(r.Problems, fmt.Sprintf("%s : contenu altéré (empreinte %s au lieu de %s)", row.What, got, row.SHA256))
		}
	}
	return r, nil
}
