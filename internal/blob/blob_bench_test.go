package blob

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"testing"
)

// BenchmarkPut100MB measures the store's streaming write (hash, type
// check, fsync, rename) of a 100 MB file.
func BenchmarkPut100MB(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(100 << 20)
	for i := 0; i < b.N; i++ {
		if _, err := s.Put(context.Background(), &pdfStream{n: 100<<20 - int64(i)}, Limits{MaxBytes: 200 << 20, Accepted: []Kind{PDF}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSha256Copy100MB is the baseline: the same stream hashed and
// copied into a file, as sha256sum plus cp would.
func BenchmarkSha256Copy100MB(b *testing.B) {
	dir := b.TempDir()
	b.SetBytes(100 << 20)
	for i := 0; i < b.N; i++ {
		f, err := os.CreateTemp(dir, "base-*")
		if err != nil {
			b.Fatal(err)
		}
		h := sha256.New()
		if _, err := io.CopyBuffer(io.MultiWriter(f, h), &pdfStream{n: 100 << 20}, make([]byte, 256<<10)); err != nil {
			b.Fatal(err)
		}
		f.Sync()
		f.Close()
		os.Remove(f.Name())
	}
}

// BenchmarkPutBackends compares the upload throughput of the two
// backends on the same machine: a 1 MiB file (held in memory on S3) and a
// 64 MiB file (spilled to a temporary file on S3), streamed, hashed,
// checked and published, to the local folder and to the S3 gateway (one
// PUT straight to the content address in both cases).
func BenchmarkPutBackends(b *testing.B) {
	for _, size := range []int64{1 << 20, 64 << 20} {
		for _, bc := range backends {
			b.Run(fmt.Sprintf("%dMiB/%s", size>>20, bc.name), func(b *testing.B) {
				var s *Store
				if bc.name == "s3" {
					s, _, _ = newS3Store(b)
				} else {
					var err error
					if s, err = Open(b.TempDir()); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(size)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					// A different size each time: distinct content, no dedup.
					if _, err := s.Put(context.Background(), &pdfStream{n: size - int64(i)}, Limits{MaxBytes: 100 << 20, Accepted: []Kind{PDF}}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
