package web

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// genPDF streams n bytes that start like a PDF, never holding them.
type genPDF struct{ sent, n int64 }

func (g *genPDF) Read(p []byte) (int, error) {
	if g.sent >= g.n {
		return 0, io.EOF
	}
	if int64(len(p)) > g.n-g.sent {
		p = p[:g.n-g.sent]
	}
	for i := range p {
		p[i] = byte((g.sent + int64(i)) * 31 % 251)
	}
	if g.sent == 0 {
		copy(p, "%PDF-1.7\n")
	}
	g.sent += int64(len(p))
	return len(p), nil
}

// streamUpload sends size bytes as a multipart upload without buffering
// the body on the client side either.
func (c *client) streamUpload(path string, size int64) (int, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, err := mw.CreateFormFile("file", "gros.pdf")
		if err == nil {
			_, err = io.CopyBuffer(fw, &genPDF{n: size}, make([]byte, 64<<10))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path+"?_csrf="+url.QueryEscape(c.csrf), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// peakHeap samples the heap while fn runs and returns how much it grew.
func peakHeap(fn func()) (grownMB float64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	if p := peak.Load(); p > base {
		return float64(p-base) / (1 << 20)
	}
	return 0
}

// BenchmarkUploadHandler100MB is a 100 MB upload through the real HTTP
// handler (session, CSRF, authorisation, streaming multipart, hash, type
// check, fsync, rename, database row and audit row), reporting MB/s and
// the heap growth of the whole process while it runs.
func BenchmarkUploadHandler100MB(b *testing.B) {
	a := newBenchApp(b)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	c.get(candidacyPath(cd))
	path := fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC02-D01/documents", cd)
	a.s.cfg.MaxUploadBytes = 200 << 20
	const size = 100 << 20
	b.SetBytes(size)
	b.ResetTimer()
	var worst float64
	for i := 0; i < b.N; i++ {
		grown := peakHeap(func() {
			status, err := c.streamUpload(path, size+int64(i))
			if err != nil || status != http.StatusSeeOther {
				b.Fatalf("envoi : %d %v", status, err)
			}
		})
		worst = max(worst, grown)
	}
	b.ReportMetric(worst, "peak-heap-MB")
}

// TestConcurrentUploads: 50 uploads of 10 MB at once all succeed and are
// all recorded.
func TestConcurrentUploads(t *testing.T) {
	if testing.Short() {
		t.Skip("court")
	}
	t.Parallel()
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	c.get(candidacyPath(cd))
	path := fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC02-D01/documents", cd)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			status, err := c.streamUpload(path, 10<<20+int64(i))
			if err == nil && status != http.StatusSeeOther {
				err = fmt.Errorf("statut %d", status)
			}
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := a.id(`SELECT count(*) FROM documents WHERE candidacy_id = $1 AND deliverable_code = 'RNCP37779BC02-D01'`, cd); n != 50 {
		t.Fatalf("%d versions enregistrées, attendu 50", n)
	}
	if n := a.id(`SELECT count(DISTINCT version) FROM documents WHERE candidacy_id = $1 AND deliverable_code = 'RNCP37779BC02-D01'`, cd); n != 50 {
		t.Fatalf("numéros de version en double : %d distincts", n)
	}
}
