package blob_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"acquis/internal/blob"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/demo"
	"acquis/internal/portfolio"
	"acquis/internal/staff"
)

// TestVerifyComparesDepositReceipts: a document swapped, in the database,
// for another file that is itself intact in the store is caught by its
// deposit's receipt. The serving role cannot make the swap (the document
// row is frozen); a superuser bypassing the triggers can, and verify says so.
func TestVerifyComparesDepositReceipts(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	if err := seed.Referentiels(ctx, d); err != nil {
		t.Fatal(err)
	}
	store, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, d, store); err != nil {
		t.Fatal(err)
	}
	// A deposit of one candidacy's documents, as Submit freezes it.
	var cand int64
	if err := d.Get(&cand, `SELECT candidacy_id FROM documents GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	d.MustExec(`INSERT INTO deposits (candidacy_id, number, submitted_by, files)
		SELECT candidacy_id, 99, min(uploaded_by), jsonb_agg(jsonb_build_object('document_id', id, 'sha256', sha256, 'file_name', file_name))
		FROM documents WHERE candidacy_id = $1 GROUP BY candidacy_id`, cand)
	if r, err := blob.Verify(ctx, store, portfolio.NewStore(d).StoredFiles, staff.NewStore(d).StoredFiles); err != nil || len(r.Problems) != 0 {
		t.Fatalf("avant l'attaque : %v %v", r, err)
	}
	var doc int64
	var other string
	if err := d.Get(&doc, `SELECT min(id) FROM documents WHERE candidacy_id = $1`, cand); err != nil {
		t.Fatal(err)
	}
	if err := d.Get(&other, `SELECT sha256 FROM documents WHERE sha256 <> (SELECT sha256 FROM documents WHERE id = $1) LIMIT 1`, doc); err != nil {
		t.Fatal(err)
	}
	swap := `UPDATE documents SET sha256 = $1 WHERE id = $2`
	if _, err := d.Exec(swap, other, doc); err == nil {
		t.Fatal("le rôle de service a changé le fichier d'un document")
	}
	tx := dbtest.Superuser(t, d).MustBegin()
	tx.MustExec(`SET LOCAL session_replication_role = replica`)
	tx.MustExec(swap, other, doc)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	r, err := blob.Verify(ctx, store, portfolio.NewStore(d).StoredFiles, staff.NewStore(d).StoredFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) == 0 {
		t.Fatal("échange de fichier non détecté")
	}
	for _, p := range r.Problems {
		if !strings.Contains(p, fmt.Sprintf("le document %d ne correspond plus au reçu", doc)) {
			t.Errorf("problème inattendu : %s", p)
		}
	}
}

// TestVerifyBothBackends: `documents verify` re-hashes every referenced
// file from the local folder and from the S3 bucket alike, and reports a
// file altered behind the store's back.
func TestVerifyBothBackends(t *testing.T) {
	ctx := context.Background()
	for name, b := range blob.StoresForTest(t) {
		t.Run(name, func(t *testing.T) {
			d := dbtest.New(t)
			if err := seed.Referentiels(ctx, d); err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Load(ctx, d, b.Store); err != nil {
				t.Fatal(err)
			}
			r, err := blob.Verify(ctx, b.Store, portfolio.NewStore(d).StoredFiles, staff.NewStore(d).StoredFiles)
			if err != nil || len(r.Problems) != 0 || r.Checked == 0 {
				t.Fatalf("magasin intact : %+v %v", r, err)
			}
			var sha string
			if err := d.Get(&sha, `SELECT sha256 FROM documents ORDER BY id LIMIT 1`); err != nil {
				t.Fatal(err)
			}
			b.Tamper(sha, []byte("%PDF-1.4 altéré"))
			r, err = blob.Verify(ctx, b.Store, portfolio.NewStore(d).StoredFiles, staff.NewStore(d).StoredFiles)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "contenu altéré") {
				t.Fatalf("altération : %v", r.Problems)
			}
		})
	}
}
