// Package blob is the content-addressed file store of candidates'
// documents, in a local folder or an S3-compatible bucket. A file is
// streamed to a staging place (a temporary file, a temporary object)
// while its SHA-256 is computed and its type checked by content; only when
// it is complete and published under its hash does the caller record it,
// so a crash never leaves a half document visible.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"

	"acquis/internal/frsize"
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

// RejectError is a refused file; Reason says why, in French, for people.
type RejectError struct{ Reason string }

// Error is for logs; the page shows Reason.
func (e *RejectError) Error() string { return "blob: file refused: " + e.Reason }

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

// Store is the blob store: a local folder (the default) or an S3 bucket.
// Put streams, hashes and checks a file the same way for both; the
// backend only stages the bytes, publishes them under their hash and
// reads them back.
type Store struct {
	obj     backend
	cleaned int
	wrap    func(io.Writer) io.Writer
}

// backend is the smallest thing both the local folder and the S3 bucket
// implement: stage an upload, read an object back, and say whether the
// store is reachable.
type backend interface {
	// stage starts an upload whose bytes are not yet visible under any hash.
	stage(ctx context.Context) (staged, error)
	// open reads a published object; ErrNotFound when there is none.
	open(ctx context.Context, sha string) (io.ReadCloser, error)
	// ping says whether the store can be reached (for /readyz).
	ping(ctx context.Context) error
	// describe names the store for logs, without any secret.
	describe() string
}

// staged is one upload in progress.
type staged interface {
	io.Writer
	// seal ends the write and returns the staged bytes for the type check;
	// a write failure of the store shows here at the latest.
	seal() (io.ReaderAt, error)
	// publish makes the staged bytes the object of sha (a no-op when that
	// object already exists: content addressing dedups it).
	publish(sha string, size int64) error
	// discard drops the staged bytes; safe after publish and twice.
	discard()
}

// WrapWriter installs a wrapper around the writer of every upload's
// staged bytes. It exists to inject store faults (a full disk) in tests
// without filling a real disk; nil removes it.
func (s *Store) WrapWriter(wrap func(io.Writer) io.Writer) { s.wrap = wrap }

// faultWriter remembers the error of the store side of the copy, so a
// failure of the store is told apart from a failure of the upload.
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

// Open prepares a local store under root and removes temporary files a
// crash left behind.
func Open(root string) (*Store, error) {
	l, n, err := openLocal(root)
	if err != nil {
		return nil, err
	}
	return &Store{obj: l, cleaned: n}, nil
}

// OpenURL opens the store a deployment names: an s3://bucket/prefix URL
// (see OpenS3), or, when url is empty, the local folder dir.
func OpenURL(ctx context.Context, url, dir string) (*Store, error) {
	if url == "" {
		return Open(dir)
	}
	return OpenS3(ctx, url)
}

// CleanedOrphans says how many leftover temporary files Open removed.
func (s *Store) CleanedOrphans() int { return s.cleaned }

// Describe names the store for logs: its folder or its bucket and prefix.
func (s *Store) Describe() string { return s.obj.describe() }

// Ping says whether the store is reachable, for a readiness probe.
func (s *Store) Ping(ctx context.Context) error { return s.obj.ping(ctx) }

var shaRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Path is where an object lives in a local store ("" for another backend).
func (s *Store) Path(sha string) string {
	if l, ok := s.obj.(*local); ok {
		return l.path(sha)
	}
	return ""
}

// Open opens a stored object for reading.
func (s *Store) Open(sha string) (io.ReadCloser, error) {
	return s.OpenContext(context.Background(), sha)
}

// OpenContext opens a stored object for reading; ctx bounds the read from
// a remote store.
func (s *Store) OpenContext(ctx context.Context, sha string) (io.ReadCloser, error) {
	if !shaRE.MatchString(sha) {
		return nil, ErrNotFound
	}
	return s.obj.open(ctx, sha)
}

// copyBuf is the chunk size: large enough for throughput, small enough
// that memory stays flat whatever the file size.
const copyBuf = 256 << 10

// Put streams r into the store. It never holds the whole file in memory:
// the bytes go through a fixed buffer into the staged upload and the
// hash, and only the first few KiB are kept for the type check. The
// object is published under its SHA-256 only once complete and checked;
// the caller then records it in the database.
func (s *Store) Put(ctx context.Context, r io.Reader, lim Limits) (b Blob, err error) {
	st, err := s.obj.stage(ctx)
	if err != nil {
		return b, storageError("create", err)
	}
	defer st.discard()
	h := sha256.New()
	head := &headBuffer{max: sniffLen}
	var fw io.Writer = st
	if s.wrap != nil {
		fw = s.wrap(st)
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
		return b, &RejectError{Reason: fmt.Sprintf("Le fichier dépasse la taille maximale de %s.", frsize.Format(lim.MaxBytes))}
	}
	ra, err := st.seal()
	if err != nil {
		return b, storageError("seal", err)
	}
	kind, mime, problem := sniff(head.b, ra, n)
	if problem != "" {
		return b, &RejectError{Reason: problem}
	}
	if !accepted(kind, lim.Accepted) {
		return b, &RejectError{Reason: rejectMessage(mime, lim.Accepted)}
	}
	b = Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, Kind: kind, MIME: mime}
	if err := st.publish(b.SHA256, n); err != nil {
		return b, storageError("publish", err)
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

// Root is a local store's folder, for backups and tests ("" for another
// backend).
func (s *Store) Root() string {
	if l, ok := s.obj.(*local); ok {
		return l.root
	}
	return ""
}
