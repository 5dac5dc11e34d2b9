package blob

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/minio/minio-go/v7"
)

// StoresForTest gives the external tests a store on each backend, with a
// way to overwrite an object behind the store's back (a damaged disk or
// bucket).
func StoresForTest(t *testing.T) map[string]struct {
	Store  *Store
	Tamper func(sha string, data []byte)
} {
	out := map[string]struct {
		Store  *Store
		Tamper func(sha string, data []byte)
	}{}
	l := newStore(t)
	out["local"] = struct {
		Store  *Store
		Tamper func(sha string, data []byte)
	}{l, func(sha string, data []byte) {
		if err := os.WriteFile(l.Path(sha), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}}
	s, cl, bucket := newS3Store(t)
	out["s3"] = struct {
		Store  *Store
		Tamper func(sha string, data []byte)
	}{s, func(sha string, data []byte) {
		if _, err := cl.PutObject(context.Background(), bucket, s.obj.(*s3store).key(sha), bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}}
	return out
}
