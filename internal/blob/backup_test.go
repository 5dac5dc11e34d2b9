package blob_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/db"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/demo"
	"acquis/internal/pgembed"
	"acquis/internal/portfolio"
	"acquis/internal/staff"
)

// TestBackupRestore follows the README's procedure: pg_dump of the
// database, then a copy of the blob folder; restored into a new database
// with pg_restore, every document's file is found with its SHA-256 intact
// and the audit chain still verifies. A file altered in the copy is
// reported.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	bins, err := pgembed.FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	// pg_dump and pg_restore sit beside initdb (Debian: /usr/lib/postgresql/N/bin),
	// or on PATH.
	tool := func(name string) string {
		if p := filepath.Join(bins.Dir, name); fileExists(p) {
			return p
		}
		p, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%s manque : installez le paquet postgresql-client", name)
		}
		return p
	}
	srcDSN := dbtest.DSN(t)
	src, err := db.Open(ctx, srcDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := seed.Referentiels(ctx, src); err != nil {
		t.Fatal(err)
	}
	store, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, src, store); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Seal(ctx, src); err != nil {
		t.Fatal(err)
	}
	var docs int
	if err := src.Get(&docs, `SELECT count(*) FROM documents`); err != nil {
		t.Fatal(err)
	}
	if docs == 0 {
		t.Fatal("la démonstration n'a déposé aucun document")
	}

	// 1. Dump the database, 2. then copy the blob folder (content
	// addressed and append-only: copied after the dump, it holds every
	// file the dump refers to).
	dump := filepath.Join(t.TempDir(), "acquis.dump")
	if out, err := exec.Command(tool("pg_dump"), "--format=custom", "--file="+dump, "--dbname="+srcDSN).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump : %v\n%s", err, out)
	}
	copyDir := filepath.Join(t.TempDir(), "blobs")
	if out, err := exec.Command("cp", "-a", store.Root(), copyDir).CombinedOutput(); err != nil {
		t.Fatalf("copie des fichiers : %v\n%s", err, out)
	}

	// Restore into a new database.
	// The dump was taken as the serving role (it reads every table); the
	// restore, which creates the schema, runs as its owner.
	dstDSN := dbtest.OwnerDSN(t)
	if out, err := exec.Command(tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error", "--dbname="+dstDSN, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore : %v\n%s", err, out)
	}
	dst, err := db.Open(ctx, dstDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	restored, err := blob.Open(copyDir)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := dst.Get(&n, `SELECT count(*) FROM documents`); err != nil {
		t.Fatal(err)
	}
	if n != docs {
		t.Fatalf("%d documents restaurés sur %d", n, docs)
	}
	r, err := blob.Verify(ctx, restored, portfolio.NewStore(dst).StoredFiles, staff.NewStore(dst).StoredFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 0 || r.Checked == 0 {
		t.Fatalf("après restauration : %d vérifiés, problèmes %v", r.Checked, r.Problems)
	}
	if v, err := audit.Verify(ctx, dst); err != nil || !v.OK {
		t.Fatalf("journal d'audit restauré : %+v %v", v, err)
	}

	// A damaged copy is caught.
	var sha string
	if err := dst.Get(&sha, `SELECT sha256 FROM documents ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(restored.Path(sha), []byte("%PDF-1.4 altéré"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, _ = blob.Verify(ctx, restored, portfolio.NewStore(dst).StoredFiles, staff.NewStore(dst).StoredFiles)
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "contenu altéré") {
		t.Fatalf("altération non détectée : %v", r.Problems)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
