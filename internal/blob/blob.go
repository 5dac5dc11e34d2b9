// Package blob is the content-addressed file store of candidates'
// documents. A file is streamed to a temporary file while its SHA-256 is
// computed and its type checked by content; only when it is complete,
// fsynced and renamed into place does the caller record it, so a crash
// never leaves a half document visible.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// ErrNotFound means no object has that hash.
var ErrNotFound = errors.New("blob: fichier introuvable")

// ErrStorage means the server could not write the file to its own disk:
// a fault of the server, not of the upload, and nothing was stored.
var ErrStorage = errors.New("blob: écriture impossible sur le disque du serveur")

// ErrDiskFull is the ErrStorage of a full disk (or an exhausted quota).
var ErrDiskFull = errors.New("blob: disque du serveur plein")

// storageError marks err as the store's own write failure, and as a full
// disk when it is one.
func storageError(op string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w: %s: %w", ErrStorage, ErrDiskFull, op, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrStorage, op, err)
}

// RejectError is a refused file; Reason says why, in French.
type RejectError struct{ Reason string }

func (e *RejectError) Error() string { return e.Reason }

// Limits bound one upload.
type Limits struct {
	MaxBytes int64
	Accepted []Kind
}

// Blob is a stored file.
type Blob struct {
	SHA256 string
	Size   int64
	Kind   Kind
	MIME   string
}

// Store keeps objects under root/objects/ab/cdef… and works in root/tmp.
type Store struct {
	root    string
	cleaned int
	wrap    func(io.Writer) io.Writer
}

// WrapWriter installs a wrapper around the writer of every upload's
// temporary file. It exists to inject disk faults (a full disk) in tests
// without filling a real disk; nil removes it.
func (s *Store) WrapWriter(wrap func(io.Writer) io.Writer) { s.wrap = wrap }

// faultWriter remembers the error of the file side of the copy, so a
// failure of the disk is told apart from a failure of the upload.
type faultWriter struct {
	w   io.Writer
	err error
}

func (f *faultWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err != nil && f.err == nil {
		f.err = err
	}
	return n, err
}

// Open prepares the store and removes temporary files a crash left behind.
func Open(root string) (*Store, error) {
	s := &Store{root: root}
	for _, d := range []string{s.objects(), s.tmp()} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("blob: %w", err)
		}
	}
	entries, err := os.ReadDir(s.tmp())
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	for _, e := range entries {
		if os.Remove(filepath.Join(s.tmp(), e.Name())) == nil {
			s.cleaned++
		}
	}
	return s, nil
}

// CleanedOrphans says how many leftover temporary files Open removed.
func (s *Store) CleanedOrphans() int { return s.cleaned }

func (s *Store) objects() string { return filepath.Join(s.root, "objects") }
func (s *Store) tmp() string     { return filepath.Join(s.root, "tmp") }

var shaRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Path is where an object lives.
func (s *Store) Path(sha string) string {
	return filepath.Join(s.objects(), sha[:2], sha[2:])
}

// Exists reports whether an object is stored.
func (s *Store) Exists(sha string) bool {
	if !shaRE.MatchString(sha) {
		return false
	}
	_, err := os.Stat(s.Path(sha))
	return err == nil
}

// Open opens a stored object for reading.
func (s *Store) Open(sha string) (*os.File, error) {
	if !shaRE.MatchString(sha) {
		return nil, ErrNotFound
	}
	f, err := os.Open(s.Path(sha))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// copyBuf is the chunk size: large enough for throughput, small enough
// that memory stays flat whatever the file size.
const copyBuf = 256 << 10

// Put streams r into the store. It never holds the whole file in memory:
// the bytes go through a fixed buffer into the temporary file and the
// hash, and only the first few KiB are kept for the type check.
func (s *Store) Put(ctx context.Context, r io.Reader, lim Limits) (b Blob, err error) {
	f, err := os.CreateTemp(s.tmp(), "up-*")
	if err != nil {
		return b, storageError("create", err)
	}
	tmpName := f.Name()
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmpName)
		}
	}()
	h := sha256.New()
	head := &headBuffer{max: sniffLen}
	var fw io.Writer = f
	if s.wrap != nil {
		fw = s.wrap(f)
	}
	disk := &faultWriter{w: fw}
	w := io.MultiWriter(disk, h, head)
	// Read at most one byte past the limit: enough to know it is too big,
	// and an endless body costs nothing more.
	src := io.LimitReader(&ctxReader{ctx: ctx, r: r}, lim.MaxBytes+1)
	n, err := io.CopyBuffer(w, src, make([]byte, copyBuf))
	if disk.err != nil {
		return b, storageError("write", disk.err)
	}
	if err != nil {
		return b, err
	}
	if n == 0 {
		return b, &RejectError{Reason: "Le fichier est vide."}
	}
	if n > lim.MaxBytes {
		return b, &RejectError{Reason: fmt.Sprintf("Le fichier dépasse la taille maximale de %s.", humanSize(lim.MaxBytes))}
	}
	kind, mime, problem := sniff(head.b, f, n)
	if problem != "" {
		return b, &RejectError{Reason: problem}
	}
	if !accepted(kind, lim.Accepted) {
		return b, &RejectError{Reason: rejectMessage(mime, lim.Accepted)}
	}
	// A full disk often shows only here, when delayed allocation
	// finally needs the blocks.
	if err := f.Sync(); err != nil {
		return b, storageError("sync", err)
	}
	if err := f.Close(); err != nil {
		return b, storageError("close", err)
	}
	b = Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, Kind: kind, MIME: mime}
	dst := s.Path(b.SHA256)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return b, storageError("mkdir", err)
	}
	if _, statErr := os.Stat(dst); statErr == nil {
		// Same content already stored: content addressing dedups it.
		done = true
		os.Remove(tmpName)
		return b, nil
	}
	if err := os.Chmod(tmpName, 0o640); err != nil {
		return b, fmt.Errorf("blob: %w", err)
	}
	if err := os.Rename(tmpName, dst); err != nil {
		return b, storageError("rename", err)
	}
	done = true
	// Sync the directory so the rename itself survives a power cut.
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return b, nil
}

// ctxReader stops a copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	b   []byte
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		h.b = append(h.b, p[:room]...)
	}
	return len(p), nil
}

func humanSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d Mo", n>>20)
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%d Ko", n>>10)
	}
	return fmt.Sprintf("%d octets", n)
}

var unsafeName = regexp.MustCompile(`[\x00-\x1f\x7f<>:"/\\|?*]`)

// SanitizeName keeps a safe display name: the base name only (no path, in
// either slash style), no control or reserved characters, at most 150
// bytes with its extension kept. Invisible format characters are removed:
// a right-to-left override makes « facture\u202Efdp.exe » display as
// « factureexe.pdf », and a zero-width or C1 control character hides
// what the name really is.
func SanitizeName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) || (r >= 0x80 && r <= 0x9f && !unicode.IsSpace(r)) {
			return -1
		}
		return r
	}, name)
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Join(strings.Fields(name), " ") // tabs and newlines become spaces
	name = unsafeName.ReplaceAllString(name, "_")
	name = strings.Trim(name, ". ")
	if len(name) > 150 {
		ext := filepath.Ext(name)
		if len(ext) > 10 {
			ext = ""
		}
		base := strings.TrimSuffix(name, ext)
		for len(base)+len(ext) > 150 {
			_, size := utf8.DecodeLastRuneInString(base)
			base = base[:len(base)-size]
		}
		name = strings.TrimRight(base, ". ") + ext
	}
	if name == "" || name == "." || name == ".." {
		return "document"
	}
	return name
}

// Root is the store's folder, for backups and tests.
func (s *Store) Root() string { return s.root }
