package pgembed

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// watchSyncFS records the folders syncFS is asked to flush. The tests
// using it are not parallel: they replace a package variable.
func watchSyncFS(t *testing.T) func() []string {
	t.Helper()
	var mu sync.Mutex
	var dirs []string
	old := syncFS
	syncFS = func(dir string) error {
		mu.Lock()
		dirs = append(dirs, dir)
		mu.Unlock()
		return old(dir)
	}
	t.Cleanup(func() { syncFS = old })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), dirs...)
	}
}

func markerIn(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "pg", unsyncedMarker))
	return err == nil
}

// TestNewClusterFlushedBeforeDurable: initdb runs with --no-sync, so a
// new cluster is flushed by Start itself (default) or by Durable
// (SyncLater), and carries the unsynced marker until then.
func TestNewClusterFlushedBeforeDurable(t *testing.T) {
	ctx := context.Background()
	synced := watchSyncFS(t)

	dir := filepath.Join(baseDir(t), "data")
	c, err := Start(ctx, Options{DataDir: dir, Fsync: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := synced(); len(got) != 1 || got[0] != filepath.Join(dir, "pg") {
		t.Errorf("Start sans SyncLater : dossiers écrits sur disque %v, attendu le cluster", got)
	}
	if markerIn(dir) {
		t.Error("Start sans SyncLater rend la main avant que le cluster soit durable")
	}
	c.Stop()

	dir2 := filepath.Join(baseDir(t), "data")
	c2, err := Start(ctx, Options{DataDir: dir2, Fsync: true, SyncLater: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Stop()
	if !markerIn(dir2) {
		t.Error("un cluster neuf n'est pas marqué tant qu'il n'est pas durable")
	}
	if err := c2.Durable(ctx); err != nil {
		t.Fatal(err)
	}
	if got := synced(); len(got) != 2 || got[1] != filepath.Join(dir2, "pg") {
		t.Errorf("Durable : dossiers écrits sur disque %v", got)
	}
	if markerIn(dir2) {
		t.Error("le marqueur reste après Durable")
	}
	if err := c2.Durable(ctx); err != nil {
		t.Fatal("second Durable :", err)
	}

	// An existing cluster is not flushed again.
	c2.Stop()
	c3, err := Start(ctx, Options{DataDir: dir2, Fsync: true})
	if err != nil {
		t.Fatal(err)
	}
	c3.Stop()
	if got := synced(); len(got) != 2 {
		t.Errorf("un cluster existant est réécrit sur disque : %v", got)
	}
}

// TestUnsyncedClusterInitialisedAgain is a machine crash during the first
// start: the cluster still carries its marker (never made durable, so
// never served), and the next start throws it away and initialises anew
// rather than trusting files that may not have reached the disk.
func TestUnsyncedClusterInitialisedAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(baseDir(t), "data")
	c, err := Start(ctx, Options{DataDir: dir, Fsync: true, SyncLater: true})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("postgres", c.DSN())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE half_started (x int)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	c.Stop() // as if the machine stopped before Durable

	c2, err := Start(ctx, Options{DataDir: dir, Fsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Stop()
	db2, err := sql.Open("postgres", c2.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	var n int
	if err := db2.QueryRow(`SELECT count(*) FROM pg_class WHERE relname = 'half_started'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("le cluster jamais rendu durable a été repris tel quel (%d, %v)", n, err)
	}
	if markerIn(dir) {
		t.Error("le cluster recréé garde son marqueur")
	}

	// Once durable, a cluster is kept across starts.
	if _, err := db2.Exec(`CREATE TABLE kept (x int)`); err != nil {
		t.Fatal(err)
	}
	db2.Close()
	c2.Stop()
	c3, err := Start(ctx, Options{DataDir: dir, Fsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Stop()
	db3, _ := sql.Open("postgres", c3.DSN())
	defer db3.Close()
	if err := db3.QueryRow(`SELECT count(*) FROM pg_class WHERE relname = 'kept'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("un cluster durable a été recréé (%d, %v)", n, err)
	}
}
