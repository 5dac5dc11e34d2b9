package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// s3PartSize is the size of one multipart part: a file up to this size is
// held in memory until its hash is known; a larger one is streamed with
// one part buffer (and the first part), whatever its size.
const s3PartSize = 8 << 20

// s3StaleAfter is the age past which a staged object or an unfinished
// multipart upload is an orphan. Several instances share a bucket, so a
// fresh one may be another instance's upload in progress.
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
	c, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: q.Get("region"), BucketLookup: lookup})
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
// is kept in memory until its hash is known, then written once, straight
// to its content address. A larger one is streamed as it arrives, one
// part at a time, as a multipart upload to a temporary key, copied to its
// address when published.
func (s *s3store) stage(ctx context.Context) (staged, error) {
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	return &s3Upload{s: s, ctx: ctx, key: s.tmpPrefix() + hex.EncodeToString(rnd[:])}, nil
}

// s3Upload is one upload: its first part in head, and, past one part, the
// multipart upload to a temporary key that pw feeds.
type s3Upload struct {
	s    *s3store
	ctx  context.Context
	key  string
	head []byte
	pw   *io.PipeWriter // nil while the file fits in head
	done chan struct{}
	info minio.UploadInfo
	err  error
	obj  *minio.Object
	gone bool
}

// putOptions are those of every write. The payload is not signed
// (DisableContentSha256): hashing every part for the signature halved the
// throughput, the parts carry a CRC32C the store checks, the object is
// named by the SHA-256 computed here, and an https endpoint protects it
// in transit. Parts go one at a time: two in parallel were slower on two
// cores.
func putOptions() minio.PutObjectOptions {
	return minio.PutObjectOptions{PartSize: s3PartSize, ContentType: "application/octet-stream", DisableContentSha256: true}
}

func (u *s3Upload) Write(p []byte) (int, error) {
	if u.pw == nil {
		if n := len(u.head) + len(p); n <= s3PartSize {
			if n > cap(u.head) {
				// Double (append grows large slices by a quarter only,
				// which would copy a large file's first part many times).
				grown := make([]byte, len(u.head), min(s3PartSize, max(2*cap(u.head), n, 64<<10)))
				copy(grown, u.head)
				u.head = grown
			}
			u.head = append(u.head, p...)
			return len(p), nil
		}
		u.stream()
	}
	return u.pw.Write(p)
}

// stream starts the multipart upload of what head holds and what follows.
func (u *s3Upload) stream() {
	pr, pw := io.Pipe()
	u.pw, u.done = pw, make(chan struct{})
	head := u.head
	u.head = nil
	go func() {
		defer close(u.done)
		u.info, u.err = u.s.c.PutObject(u.ctx, u.s.bucket, u.key, io.MultiReader(bytes.NewReader(head), pr), -1, putOptions())
		// Unblock the writer if the upload stopped early.
		if u.err != nil {
			pr.CloseWithError(u.err)
		} else {
			pr.Close()
		}
	}()
}

func (u *s3Upload) seal() (io.ReaderAt, error) {
	if u.pw == nil {
		return bytes.NewReader(u.head), nil
	}
	u.pw.Close()
	<-u.done
	if u.err != nil {
		return nil, u.err
	}
	obj, err := u.s.c.GetObject(context.Background(), u.s.bucket, u.key, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	u.obj = obj
	return obj, nil
}

func (u *s3Upload) publish(sha string, size int64) error {
	ctx := context.Background()
	dst := u.s.key(sha)
	if st, err := u.s.c.StatObject(ctx, u.s.bucket, dst, minio.StatObjectOptions{}); err == nil && st.Size == size {
		return nil // same content already stored; discard removes ours
	}
	if u.pw == nil {
		info, err := u.s.c.PutObject(ctx, u.s.bucket, dst, bytes.NewReader(u.head), size, putOptions())
		if err == nil && info.Size != size {
			err = fmt.Errorf("le stockage a reçu %d octets au lieu de %d", info.Size, size)
		}
		return err
	}
	if u.info.Size != size {
		return fmt.Errorf("le stockage a reçu %d octets au lieu de %d", u.info.Size, size)
	}
	_, err := u.s.c.CopyObject(ctx, minio.CopyDestOptions{Bucket: u.s.bucket, Object: dst},
		minio.CopySrcOptions{Bucket: u.s.bucket, Object: u.key})
	return err
}

func (u *s3Upload) discard() {
	if u.gone {
		return
	}
	u.gone = true
	u.head = nil
	if u.pw == nil {
		return // nothing was sent
	}
	u.pw.CloseWithError(errors.New("blob: envoi abandonné"))
	<-u.done
	if u.obj != nil {
		u.obj.Close()
	}
	// The request may be gone: remove with a context of our own. A key
	// left behind by a failure here is cleaned by the next OpenS3 past
	// s3StaleAfter.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = u.s.c.RemoveObject(ctx, u.s.bucket, u.key, minio.RemoveObjectOptions{})
}
