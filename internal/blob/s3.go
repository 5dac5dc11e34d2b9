package blob

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// s3MemMax is the largest upload held in memory until its hash is known;
// a larger one spills to a temporary file, so memory stays flat whatever
// the size.
const s3MemMax = 8 << 20

// s3StaleAfter is the age past which a staged object or an unfinished
// multipart upload under tmp/ is an orphan. Uploads no longer stage in the
// bucket (see stage), but versions before did, and several instances
// share a bucket, so a fresh one may be an older instance's upload in
// progress.
const s3StaleAfter = time.Hour

// s3store keeps objects under prefix/objects/ab/cdef… and stages them
// under prefix/tmp/ in one bucket of an S3-compatible store.
type s3store struct {
	c      *minio.Client
	bucket string
	prefix string // "" or ending in "/"
	where  string
}

// OpenS3 opens the bucket of an s3://bucket/prefix?endpoint=…&region=…
// URL, with the credentials of the usual AWS environment variables
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and
// removes the orphans of interrupted uploads older than an hour. endpoint
// may be http://host:port (a local gateway), https://host or host:port
// (TLS); without it, AWS itself. The bucket must exist.
func OpenS3(ctx context.Context, rawURL string) (*Store, error) {
	s, err := parseS3(rawURL)
	if err != nil {
		return nil, err
	}
	ok, err := s.c.BucketExists(ctx, s.bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: stockage S3 %s injoignable : %w", s.where, err)
	}
	if !ok {
		return nil, fmt.Errorf("blob: le bucket %q n'existe pas sur %s : créez-le d'abord", s.bucket, s.where)
	}
	n, err := s.cleanOrphans(ctx, time.Now().Add(-s3StaleAfter))
	if err != nil {
		return nil, fmt.Errorf("blob: nettoyage des envois interrompus : %w", err)
	}
	return &Store{obj: s, cleaned: n}, nil
}

// parseS3 reads the URL and builds the client, without any network call.
func parseS3(rawURL string) (*s3store, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("ACQUIS_BLOB_URL invalide : attendu s3://bucket/préfixe?endpoint=…&region=…")
	}
	q := u.Query()
	endpoint, secure, lookup := "s3.amazonaws.com", true, minio.BucketLookupAuto
	if e := q.Get("endpoint"); e != "" {
		lookup = minio.BucketLookupPath // one host serves every bucket
		switch {
		case strings.HasPrefix(e, "http://"):
			endpoint, secure = strings.TrimPrefix(e, "http://"), false
		case strings.HasPrefix(e, "https://"):
			endpoint = strings.TrimPrefix(e, "https://")
		default:
			endpoint = e
		}
		endpoint = strings.TrimRight(endpoint, "/")
	}
	creds := credentials.NewEnvAWS()
	if v, err := creds.GetWithContext(nil); err != nil || v.AccessKeyID == "" || v.SecretAccessKey == "" {
		return nil, errors.New("ACQUIS_BLOB_URL : les variables AWS_ACCESS_KEY_ID et AWS_SECRET_ACCESS_KEY doivent être définies")
	}
	// TrailingHeaders: minio-go sends an x-amz-checksum-* header (the
	// SHA-256 of putOptions) only from a client that allows them.
	c, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: q.Get("region"), BucketLookup: lookup, TrailingHeaders: true})
	if err != nil {
		return nil, fmt.Errorf("ACQUIS_BLOB_URL invalide : %w", err)
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &s3store{c: c, bucket: u.Host, prefix: prefix, where: fmt.Sprintf("s3://%s/%s (%s)", u.Host, prefix, endpoint)}, nil
}

func (s *s3store) key(sha string) string { return s.prefix + "objects/" + sha[:2] + "/" + sha[2:] }
func (s *s3store) tmpPrefix() string     { return s.prefix + "tmp/" }

func (s *s3store) describe() string { return s.where }

func (s *s3store) ping(ctx context.Context) error {
	ok, err := s.c.BucketExists(ctx, s.bucket)
	if err == nil && !ok {
		err = fmt.Errorf("le bucket %q n'existe plus", s.bucket)
	}
	return err
}

// cleanOrphans removes staged objects and unfinished multipart uploads
// under tmp/ started before cutoff.
func (s *s3store) cleanOrphans(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.tmpPrefix(), Recursive: true}) {
		if o.Err != nil {
			return n, o.Err
		}
		if o.LastModified.Before(cutoff) {
			if err := s.c.RemoveObject(ctx, s.bucket, o.Key, minio.RemoveObjectOptions{}); err != nil {
				return n, err
			}
			n++
		}
	}
	for u := range s.c.ListIncompleteUploads(ctx, s.bucket, s.tmpPrefix(), true) {
		if u.Err != nil {
			return n, u.Err
		}
		if u.Initiated.Before(cutoff) {
			if err := s.c.RemoveIncompleteUpload(ctx, s.bucket, u.Key); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func (s *s3store) open(ctx context.Context, sha string) (io.ReadCloser, error) {
	// Stat first: GetObject is lazy, and a missing object must be
	// ErrNotFound before the caller starts answering.
	if _, err := s.c.StatObject(ctx, s.bucket, s.key(sha), minio.StatObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return s.c.GetObject(ctx, s.bucket, s.key(sha), minio.GetObjectOptions{})
}

// stage starts an upload. A file that fits in one part (most documents)
// is kept in memory until its hash is known; a larger one spills to an
// unnamed temporary file on the instance's own disk (TMPDIR). Either way
// it is then written once, in one PUT, straight to its content address,
// with its SHA-256 for the store to check.
//
// Why not stream a multipart upload to a temporary key while the bytes
// arrive, as an earlier version did: the address is the SHA-256, known
// only at the end, and S3 cannot rename, so the object had to be copied
// to its address; on the gateway of the tests that wrote every byte three
// times (the parts, their concatenation, the copy) and the upload ran at
// 0.3× the local folder. The spool file costs one write to the page cache
// and one read back, both on this instance, and leaves nothing to clean
// in the bucket.
func (s *s3store) stage(context.Context) (staged, error) {
	return &s3Upload{s: s}, nil
}

// s3Upload is one upload: its bytes in head while they fit in one part,
// then in spool.
type s3Upload struct {
	s     *s3store
	head  []byte
	spool *os.File // nil while the file fits in head
	gone  bool
}

// putOptions are those of every write: one PUT (no multipart upload, so
// no unfinished upload can be left behind) carrying the SHA-256 acquis
// computed while streaming, which the store checks against the bytes it
// received before it makes the object visible. The payload is not signed
// chunk by chunk (DisableContentSha256): that hashed every byte twice
// more for the same protection; use an https endpoint against tampering
// in transit.
func putOptions(sha string) (minio.PutObjectOptions, error) {
	sum, err := hex.DecodeString(sha)
	if err != nil || len(sum) != 32 {
		return minio.PutObjectOptions{}, fmt.Errorf("empreinte invalide %q", sha)
	}
	return minio.PutObjectOptions{
		ContentType:          "application/octet-stream",
		DisableContentSha256: true,
		DisableMultipart:     true,
		UserMetadata:         map[string]string{"x-amz-checksum-sha256": base64.StdEncoding.EncodeToString(sum)},
	}, nil
}

func (u *s3Upload) Write(p []byte) (int, error) {
	if u.spool == nil {
		if n := len(u.head) + len(p); n <= s3MemMax {
			if n > cap(u.head) {
				// Double (append grows large slices by a quarter only,
				// which would copy a large file's first part many times).
				grown := make([]byte, len(u.head), min(s3MemMax, max(2*cap(u.head), n, 64<<10)))
				copy(grown, u.head)
				u.head = grown
			}
			u.head = append(u.head, p...)
			return len(p), nil
		}
		if err := u.spill(); err != nil {
			return 0, err
		}
	}
	return u.spool.Write(p)
}

// spill moves what head holds to a temporary file, removed from its
// folder at once: it disappears with the process, even killed.
func (u *s3Upload) spill() error {
	f, err := os.CreateTemp("", "acquis-s3-*")
	if err != nil {
		return err
	}
	os.Remove(f.Name())
	if _, err := f.Write(u.head); err != nil {
		f.Close()
		return err
	}
	u.spool, u.head = f, nil
	return nil
}

func (u *s3Upload) seal() (io.ReaderAt, error) {
	if u.spool == nil {
		return bytes.NewReader(u.head), nil
	}
	return u.spool, nil
}

func (u *s3Upload) publish(sha string, size int64) error {
	ctx := context.Background()
	dst := u.s.key(sha)
	if st, err := u.s.c.StatObject(ctx, u.s.bucket, dst, minio.StatObjectOptions{}); err == nil && st.Size == size {
		return nil // same content already stored
	}
	opts, err := putOptions(sha)
	if err != nil {
		return err
	}
	var body io.Reader = bytes.NewReader(u.head)
	if u.spool != nil {
		body = io.NewSectionReader(u.spool, 0, size)
	}
	info, err := u.s.c.PutObject(ctx, u.s.bucket, dst, body, size, opts)
	if err == nil && info.Size != size {
		err = fmt.Errorf("le stockage a reçu %d octets au lieu de %d", info.Size, size)
	}
	return err
}

func (u *s3Upload) discard() {
	if u.gone {
		return
	}
	u.gone = true
	u.head = nil
	if u.spool != nil {
		u.spool.Close()
	}
}
