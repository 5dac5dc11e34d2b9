package pgembed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// unsyncedMarker, inside the cluster's folder, says that initdb's files
// may not be on disk yet. It is written and flushed before the cluster is
// renamed into place and removed only once everything is flushed, so a
// machine crash in between always leaves either no cluster or a marked
// one, which the next start initialises again (nothing was served from it).
const unsyncedMarker = "acquis-unsynced"

// syncFS flushes the file system holding dir: syncfs(2), one call for the
// whole cluster where an fsync per file (what initdb does, and what
// `initdb --sync-only` would do) took three to eight times longer.
// PostgreSQL itself offers the same as recovery_init_sync_method=syncfs.
// A variable so that a test can see it called.
var syncFS = func(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}

// fsyncPath flushes one file or folder (a folder: its entries, so that a
// rename or an unlink in it survives a crash).
func fsyncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// writeMarker creates the unsynced marker in a freshly initialised
// cluster folder and flushes it and the folder, so that the marker is on
// disk before the rename that puts the cluster in place can be.
func writeMarker(dir string) error {
	path := filepath.Join(dir, unsyncedMarker)
	if err := os.WriteFile(path, []byte("initdb --no-sync : fichiers pas encore rendus durables\n"), 0o600); err != nil {
		return err
	}
	if err := fsyncPath(path); err != nil {
		return err
	}
	return fsyncPath(dir)
}

// flush is the background flush of a new cluster's files.
type flush struct {
	pgDir string
	done  chan struct{}
	err   error // set before done is closed

	mu      sync.Mutex
	durable bool // the marker is gone
}

// startFlush flushes the cluster's files and the rename that put it in
// place, in the background: it runs while PostgreSQL starts and the
// caller migrates, which is CPU work, where the flush is disk work.
// PostgreSQL's own writes meanwhile need nothing from it: they go through
// its WAL, fsynced as usual, and a page torn by a crash is restored from
// the WAL's full-page images.
func startFlush(pgDir, parent string) *flush {
	f := &flush{pgDir: pgDir, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		if err := syncFS(pgDir); err != nil {
			f.err = fmt.Errorf("pgembed: écriture sur disque du cluster : %w", err)
			return
		}
		if err := fsyncPath(parent); err != nil {
			f.err = fmt.Errorf("pgembed: écriture sur disque du cluster : %w", err)
		}
	}()
	return f
}

// Durable returns once a cluster initialised by this Start is on disk,
// and removes its unsynced marker: call it before serving when Start was
// given SyncLater. It returns at once for a cluster that existed before,
// or without Fsync. Safe to call more than once.
func (c *Cluster) Durable(ctx context.Context) error {
	f := c.flush
	if f == nil {
		return nil
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if f.err != nil {
		return f.err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.durable {
		return nil
	}
	if err := os.Remove(filepath.Join(f.pgDir, unsyncedMarker)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("pgembed: marqueur du cluster : %w", err)
	}
	if err := fsyncPath(f.pgDir); err != nil {
		return fmt.Errorf("pgembed: marqueur du cluster : %w", err)
	}
	f.durable = true
	return nil
}
