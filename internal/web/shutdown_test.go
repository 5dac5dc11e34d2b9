package web

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestShutdownDrainsRequests: an upload still arriving when the server is
// told to stop is received and answered in full; only then does Shutdown
// return, and new connections are refused meanwhile.
func TestShutdownDrainsRequests(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	c.get(candidacyPath(cd))
	before := a.docCount(cd)

	srv := a.s.HTTPServer()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	path := fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC02-D01/documents?_csrf=%s", cd, url.QueryEscape(c.csrf))
	req, _ := http.NewRequest(http.MethodPost, base+path, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	type result struct {
		status int
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := c.http.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		done <- result{status: res.StatusCode}
	}()
	fw, _ := mw.CreateFormFile("file", "lent.pdf")
	// Eight MiB sent before the stop: more than the socket buffers hold,
	// so the handler is surely reading the body when Shutdown begins.
	if _, err := fw.Write([]byte(testPDF)); err != nil {
		t.Fatal(err)
	}
	padding := make([]byte, 1<<20)
	for i := range padding {
		padding[i] = ' '
	}
	for i := 0; i < 8; i++ {
		if _, err := fw.Write(padding); err != nil {
			t.Fatal(err)
		}
	}

	stopped := make(chan error, 1)
	go func() { stopped <- a.s.Shutdown(context.Background(), srv) }()
	// Shutdown has begun once the listener refuses new connections.
	for i := 0; ; i++ {
		conn, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if i > 500 {
			t.Fatal("le serveur accepte encore des connexions")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown rendu avant la fin de la requête en cours : %v", err)
	default:
	}
	fw.Write(padding)
	mw.Close()
	pw.Close()
	r := <-done
	if r.err != nil || r.status != http.StatusSeeOther {
		t.Fatalf("requête en cours pendant l'arrêt : %d %v", r.status, r.err)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if got := a.docCount(cd); got != before+1 {
		t.Fatalf("document perdu pendant l'arrêt : %d au lieu de %d", got, before+1)
	}
}
