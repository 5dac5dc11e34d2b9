package web

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// enospcWriter fails every write as a full disk does.
type enospcWriter struct{}

func (enospcWriter) Write([]byte) (int, error) {
	return 0, &os.PathError{Op: "write", Path: "up-test", Err: syscall.ENOSPC}
}

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestUploadDiskFull: the server's disk full while storing an upload is a
// server error (507), logged at ERROR, told plainly to the person, not
// passed off as an interrupted upload; nothing is recorded.
func TestUploadDiskFull(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var logs lockedBuffer
	a.s.log = slog.New(slog.NewTextHandler(&logs, nil))
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	a.s.blobs.WrapWriter(func(io.Writer) io.Writer { return enospcWriter{} })
	c := a.client()
	c.login(whoEmails[cand])
	c.get(candidacyPath(cd))
	before := a.docCount(cd)

	res := c.upload(fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC02-D01/documents", cd), "dossier.pdf", []byte(testPDF))
	if res.Status != http.StatusInsufficientStorage {
		t.Fatalf("disque plein : %d", res.Status)
	}
	if !strings.Contains(res.Body, "plus d&#39;espace disque") && !strings.Contains(res.Body, "plus d'espace disque") {
		t.Fatalf("message : %s", res.Body)
	}
	if strings.Contains(res.Body, "interrompu") {
		t.Fatal("le disque plein est présenté comme un envoi interrompu")
	}
	if a.docCount(cd) != before {
		t.Fatal("document enregistré malgré le disque plein")
	}
	if l := logs.String(); !strings.Contains(l, "level=ERROR") || !strings.Contains(l, "disk_full=true") {
		t.Fatalf("journal : %s", l)
	}
}
