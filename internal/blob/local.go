package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// local keeps objects under root/objects/ab/cdef… and stages in root/tmp.
type local struct{ root string }

// openLocal prepares the folders and removes the temporary files a crash
// left behind: one process owns a local store, so every file in tmp/ is
// an interrupted upload.
func openLocal(root string) (*local, int, error) {
	l := &local{root: root}
	for _, d := range []string{l.objects(), l.tmp()} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, 0, fmt.Errorf("blob: %w", err)
		}
	}
	entries, err := os.ReadDir(l.tmp())
	if err != nil {
		return nil, 0, fmt.Errorf("blob: %w", err)
	}
	n := 0
	for _, e := range entries {
		if os.Remove(filepath.Join(l.tmp(), e.Name())) == nil {
			n++
		}
	}
	return l, n, nil
}

func (l *local) objects() string { return filepath.Join(l.root, "objects") }
func (l *local) tmp() string     { return filepath.Join(l.root, "tmp") }

func (l *local) path(sha string) string {
	return filepath.Join(l.objects(), sha[:2], sha[2:])
}

func (l *local) describe() string { return "dossier " + l.root }

func (l *local) ping(context.Context) error {
	_, err := os.Stat(l.objects())
	return err
}

func (l *local) open(_ context.Context, sha string) (io.ReadCloser, error) {
	f, err := os.Open(l.path(sha))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

func (l *local) stage(context.Context) (staged, error) {
	f, err := os.CreateTemp(l.tmp(), "up-*")
	if err != nil {
		return nil, err
	}
	return &localUpload{l: l, f: f}, nil
}

// localUpload is a temporary file renamed into place when published.
type localUpload struct {
	l    *local
	f    *os.File
	done bool
}

func (u *localUpload) Write(p []byte) (int, error) { return u.f.Write(p) }

func (u *localUpload) seal() (io.ReaderAt, error) { return u.f, nil }

func (u *localUpload) publish(sha string, _ int64) error {
	// A full disk often shows only here, when delayed allocation finally
	// needs the blocks.
	if err := u.f.Sync(); err != nil {
		return err
	}
	if err := u.f.Close(); err != nil {
		return err
	}
	dst := u.l.path(sha)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	if _, err := os.Stat(dst); err == nil {
		return nil // same content already stored; discard removes ours
	}
	if err := os.Chmod(u.f.Name(), 0o640); err != nil {
		return err
	}
	if err := os.Rename(u.f.Name(), dst); err != nil {
		return err
	}
	u.done = true
	// Sync the directory so the rename itself survives a power cut.
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

func (u *localUpload) discard() {
	if u.done {
		return
	}
	u.done = true
	u.f.Close()
	os.Remove(u.f.Name())
}
