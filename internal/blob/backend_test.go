package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// backendCase is one backend under the shared suite: how to make a store
// on it, and how to count what it holds behind the store's back.
type backendCase struct {
	name string
	open func(t *testing.T) (s *Store, objects, staged func() int)
}

// backends are the local folder and the S3 bucket of a real S3 server
// (the Versity gateway): the same tests run on both.
var backends = []backendCase{
	{"local", func(t *testing.T) (*Store, func() int, func() int) {
		s := newStore(t)
		return s, func() int { return countFiles(t, filepath.Join(s.Root(), "objects")) },
			func() int { return countFiles(t, filepath.Join(s.Root(), "tmp")) }
	}},
	{"s3", func(t *testing.T) (*Store, func() int, func() int) {
		s, cl, bucket := newS3Store(t)
		return s, func() int { return countKeys(t, cl, bucket, "objects/") },
			func() int { return countKeys(t, cl, bucket, "tmp/") + countUploads(t, cl, bucket, "tmp/") }
	}},
}

func eachBackend(t *testing.T, f func(t *testing.T, s *Store, objects, staged func() int)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, objects, staged := b.open(t)
			f(t, s, objects, staged)
		})
	}
}

const (
	gwAccess = "acquistest"
	gwSecret = "acquistest-secret-0123456789"
)

var gw struct {
	once     sync.Once
	endpoint string
	err      error
}

// versitygwPath finds the gateway scripts/deps.sh builds.
func versitygwPath() (string, error) {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	gopath, err := exec.Command("go", "env", "GOPATH").Output()
	if err == nil {
		p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("versitygw introuvable : lancez `scripts/deps.sh test` (ou `go install github.com/versity/versitygw/cmd/versitygw@" + versitygwVersion + "`)")
}

// versitygwVersion is the gateway's pinned version, as in scripts/deps.sh.
const versitygwVersion = "v1.8.0"

// startGateway starts one Versity S3 gateway for the whole test binary,
// serving a temporary folder; it stops when the binary exits.
func startGateway() (string, error) {
	gw.once.Do(func() {
		bin, err := versitygwPath()
		if err != nil {
			gw.err = err
			return
		}
		dir, err := os.MkdirTemp("", "acquis-s3-")
		if err != nil {
			gw.err = err
			return
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			gw.err = err
			return
		}
		addr := ln.Addr().String()
		ln.Close()
		cmd := exec.Command(bin, "--port", addr, "posix", dir)
		cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+gwAccess, "ROOT_SECRET_KEY="+gwSecret)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			gw.err = err
			return
		}
		// The process dies with the test binary: Pdeathsig is not portable,
		// so the gateway is killed by TestMain.
		gwCmd = cmd
		for i := 0; i < 200; i++ {
			if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
				c.Close()
				gw.endpoint = "http://" + addr
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		gw.err = fmt.Errorf("versitygw ne répond pas sur %s : %s", addr, out.String())
	})
	return gw.endpoint, gw.err
}

var gwCmd *exec.Cmd

func TestMain(m *testing.M) {
	code := m.Run()
	if gwCmd != nil && gwCmd.Process != nil {
		gwCmd.Process.Kill()
		gwCmd.Wait()
	}
	os.Exit(code)
}

// newS3Store opens a store on a fresh bucket of the gateway; the test
// fails, never skips, when the gateway is not installed.
func newS3Store(t testing.TB) (*Store, *minio.Client, string) {
	t.Helper()
	endpoint, err := startGateway()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := minio.New(strings.TrimPrefix(endpoint, "http://"), &minio.Options{
		Creds: credentials.NewStaticV4(gwAccess, gwSecret, ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	bucket := "acquis-" + hex.EncodeToString(rnd[:])
	if err := cl.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", gwAccess)
	t.Setenv("AWS_SECRET_ACCESS_KEY", gwSecret)
	s, err := OpenS3(context.Background(), "s3://"+bucket+"?endpoint="+endpoint+"&region=us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	return s, cl, bucket
}

// TestParseS3URL checks the URL forms and the missing-credentials message.
func TestParseS3URL(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "a")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "b")
	s, err := parseS3("s3://docs/acquis/prod/?endpoint=http://127.0.0.1:7070&region=eu-west-3")
	if err != nil {
		t.Fatal(err)
	}
	if s.bucket != "docs" || s.prefix != "acquis/prod/" || s.key(strings.Repeat("ab", 32)) != "acquis/prod/objects/ab/"+strings.Repeat("ab", 31) {
		t.Fatalf("%+v", s)
	}
	for _, bad := range []string{"http://docs/x", "s3:///x", "%"} {
		if _, err := parseS3(bad); err == nil || !strings.Contains(err.Error(), "ACQUIS_BLOB_URL") {
			t.Errorf("%q accepté : %v", bad, err)
		}
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	if _, err := parseS3("s3://docs"); err == nil || !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("sans clé : %v", err)
	}
}

func countKeys(t *testing.T, cl *minio.Client, bucket, prefix string) int {
	t.Helper()
	n := 0
	for o := range cl.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		n++
	}
	return n
}

func countUploads(t *testing.T, cl *minio.Client, bucket, prefix string) int {
	t.Helper()
	n := 0
	for u := range cl.ListIncompleteUploads(context.Background(), bucket, prefix, true) {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		n++
	}
	return n
}

func readAll(t *testing.T, s *Store, sha string) []byte {
	t.Helper()
	f, err := s.Open(sha)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBackendPutReadDedup: each kind is stored under its SHA-256 and read
// back intact; the same content is stored once; nothing stays staged.
func TestBackendPutReadDedup(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store, objects, staged func() int) {
		samples := map[Kind][]byte{PDF: samplePDF(), PNG: samplePNG(), JPEG: sampleJPEG(), ODT: sampleODT(), DOCX: sampleDOCX()}
		for kind, data := range samples {
			b, err := s.Put(context.Background(), bytes.NewReader(data), Limits{MaxBytes: 1 << 20, Accepted: all})
			if err != nil {
				t.Fatalf("%s : %v", kind, err)
			}
			if b.Kind != kind || b.Size != int64(len(data)) || !bytes.Equal(readAll(t, s, b.SHA256), data) {
				t.Errorf("%s : %+v, contenu relu différent", kind, b)
			}
		}
		if _, err := s.Put(context.Background(), bytes.NewReader(samplePDF()), Limits{MaxBytes: 1 << 20, Accepted: all}); err != nil {
			t.Fatal(err)
		}
		if n := objects(); n != len(samples) {
			t.Fatalf("%d objets pour %d contenus distincts", n, len(samples))
		}
		if n := staged(); n != 0 {
			t.Fatalf("%d envois temporaires restants", n)
		}
		if _, err := s.Open(strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
			t.Fatalf("objet absent : %v", err)
		}
		if _, err := s.Open("../../etc/passwd"); !errors.Is(err, ErrNotFound) {
			t.Fatal("chemin arbitraire ouvert")
		}
		if err := s.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestBackendRefusalsAndCutsLeaveNothing: a refused file (type, size, ZIP
// container checked through its central directory), a cut upload, a
// cancelled request and a store failing mid-way publish nothing and
// leave nothing staged.
func TestBackendRefusalsAndCutsLeaveNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store, objects, staged func() int) {
		pdfOnly := Limits{MaxBytes: 1024, Accepted: []Kind{PDF, ODT, DOCX}}
		for _, data := range [][]byte{sampleGIF(), samplePNG(), append(samplePDF(), make([]byte, 2048)...), nil} {
			var rej *RejectError
			if _, err := s.Put(context.Background(), bytes.NewReader(data), pdfOnly); !errors.As(err, &rej) {
				t.Errorf("accepté : %v", err)
			}
		}
		// Larger than what an S3 upload holds in memory, so the cut happens
		// after the spill to a temporary file.
		if _, err := s.Put(context.Background(), &failingReader{after: 12 << 20}, Limits{MaxBytes: 20 << 20, Accepted: all}); err == nil || errors.Is(err, ErrStorage) {
			t.Fatalf("envoi coupé : %v", err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Put(ctx, bytes.NewReader(samplePDF()), Limits{MaxBytes: 1 << 20, Accepted: all}); err == nil {
			t.Fatal("contexte annulé ignoré")
		}
		s.WrapWriter(func(w io.Writer) io.Writer { return &diskFullAfter{w: w, n: 1000} })
		body := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 600<<10)...)
		if _, err := s.Put(context.Background(), bytes.NewReader(body), Limits{MaxBytes: 1 << 20, Accepted: all}); !errors.Is(err, ErrStorage) {
			t.Fatalf("panne du stockage : %v", err)
		}
		s.WrapWriter(nil)
		if n := objects(); n != 0 {
			t.Fatalf("%d objets publiés", n)
		}
		if n := staged(); n != 0 {
			t.Fatalf("%d envois temporaires restants", n)
		}
	})
}

// TestBackendStreamingMemoryFlat: a 64 MiB file (spilled to a temporary
// file past 8 MiB on S3) costs a bounded amount of memory, whatever the
// backend.
func TestBackendStreamingMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("court")
	}
	eachBackend(t, func(t *testing.T, s *Store, objects, staged func() int) {
		var before, after runtime.MemStats
		readMem(&before)
		b, err := s.Put(context.Background(), &pdfStream{n: 64 << 20}, Limits{MaxBytes: 100 << 20, Accepted: all})
		if err != nil {
			t.Fatal(err)
		}
		readMem(&after)
		if b.Size != 64<<20 {
			t.Fatalf("taille %d", b.Size)
		}
		// Local: one copy buffer. S3: the first 8 MiB held before the
		// spill, the client's per-request allocations; 64 MiB held whole
		// would be far above.
		if grown := int64(after.TotalAlloc - before.TotalAlloc); grown > 40<<20 {
			t.Fatalf("%d Mo alloués pour 64 Mo : le fichier n'est pas traité en flux", grown>>20)
		}
		if n := staged(); n != 0 {
			t.Fatalf("%d envois temporaires restants", n)
		}
	})
}

// TestS3OrphansCleaned: a staged object or an unfinished multipart upload
// older than the cut-off is removed when the store opens; a fresh one
// (another instance's upload in progress) is kept.
func TestS3OrphansCleaned(t *testing.T) {
	s, cl, bucket := newS3Store(t)
	ctx := context.Background()
	if _, err := cl.PutObject(ctx, bucket, "tmp/orphan", strings.NewReader("moitié"), 6, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	core := minio.Core{Client: cl}
	if _, err := core.NewMultipartUpload(ctx, bucket, "tmp/orphan-multipart", minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	b := s.obj.(*s3store)
	if n, err := b.cleanOrphans(ctx, time.Now().Add(-s3StaleAfter)); err != nil || n != 0 {
		t.Fatalf("envois récents supprimés : %d %v", n, err)
	}
	if n, err := b.cleanOrphans(ctx, time.Now().Add(time.Minute)); err != nil || n != 2 {
		t.Fatalf("orphelins : %d %v", n, err)
	}
	if k, u := countKeys(t, cl, bucket, "tmp/"), countUploads(t, cl, bucket, "tmp/"); k+u != 0 {
		t.Fatalf("restent %d objets et %d envois", k, u)
	}
}

func readMem(m *runtime.MemStats) {
	runtime.GC()
	runtime.ReadMemStats(m)
}

// TestS3StoreChecksSHA256: every write carries the SHA-256 computed while
// streaming, and the store refuses bytes that do not match it (here, a
// body changed after hashing), so nothing appears under that address.
func TestS3StoreChecksSHA256(t *testing.T) {
	s, cl, bucket := newS3Store(t)
	b := s.obj.(*s3store)
	good := samplePDF()
	sum := sha256.Sum256(good)
	sha := hex.EncodeToString(sum[:])
	opts, err := putOptions(sha)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), good...)
	bad[len(bad)/2] ^= 1
	if _, err := b.c.PutObject(context.Background(), bucket, b.key(sha), bytes.NewReader(bad), int64(len(bad)), opts); err == nil {
		t.Fatal("octets altérés acceptés sous l'empreinte du fichier")
	}
	if n := countKeys(t, cl, bucket, "objects/"); n != 0 {
		t.Fatalf("%d objet(s) publié(s) malgré l'empreinte fausse", n)
	}
	if _, err := b.c.PutObject(context.Background(), bucket, b.key(sha), bytes.NewReader(good), int64(len(good)), opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readAll(t, s, sha), good) {
		t.Fatal("contenu relu différent")
	}
}
