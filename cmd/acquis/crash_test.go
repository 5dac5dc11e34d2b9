package main

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"acquis/internal/db"
	"acquis/internal/demo"
)

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// countFiles counts the regular files under dir.
func countFiles(dir string) int {
	n := 0
	_ = filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// TestKilledDuringUpload: the server is killed (SIGKILL, no chance to
// clean up) while a candidate's upload is half sent. After a restart, no
// document row and no stored object exist for it, the temporary file is
// gone, every earlier document is intact and the audit chain verifies.
func TestKilledDuringUpload(t *testing.T) {
	bin := buildBinary(t)
	data := dataDir(t)
	env := append(os.Environ(), "ACQUIS_DATA_DIR="+data, "ACQUIS_DATABASE_URL=", "ACQUIS_LOG_FORMAT=json")
	cmdRun := func(args ...string) string {
		t.Helper()
		c := exec.Command(bin, args...)
		c.Env = env
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("acquis %v : %v\n%s", args, err, out)
		}
		return string(out)
	}
	cmdRun("demo")
	addr := freeAddr(t)
	srv, logs := serve(t, bin, data, addr)
	waitHealthy(t, addr, 60*time.Second)

	abs, _ := filepath.Abs(data)
	d, err := db.Open(context.Background(), "host="+filepath.Join(abs, "run")+" user=postgres dbname=acquis sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	var cand struct {
		ID      int64  `db:"id"`
		Code    string `db:"code"`
		Version int64  `db:"version_id"`
	}
	if err := d.Get(&cand, `SELECT c.id, d.code, c.version_id FROM candidacies c JOIN users u ON u.id = c.candidate_id
		JOIN candidacy_blocks cb ON cb.candidacy_id = c.id JOIN blocks b ON b.version_id = c.version_id AND b.code = cb.block_code
		JOIN deliverables d ON d.block_id = b.id AND d.upload
		WHERE u.email = 'yann.kerjean@demo.acquis.fr' AND c.state = 'dossier_in_progress' ORDER BY b.position DESC, d.position LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var docsBefore int
	_ = d.Get(&docsBefore, `SELECT count(*) FROM documents`)
	d.Close()
	objects := filepath.Join(data, "blobs", "objects")
	objectsBefore := countFiles(objects)

	// Sign in as the candidate.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + addr
	token := func(path string) string {
		res, err := hc.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := csrfRE.FindStringSubmatch(string(b))
		if m == nil {
			t.Fatalf("pas de jeton CSRF sur %s", path)
		}
		return m[1]
	}
	res, err := hc.PostForm(base+"/login", url.Values{"_csrf": {token("/login")}, "email": {"yann.kerjean@demo.acquis.fr"}, "password": {demo.Password}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("connexion : %v %v", err, res)
	}
	res.Body.Close()
	csrf := token(fmt.Sprintf("/candidatures/%d", cand.ID))

	// Half an upload, then SIGKILL.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	sent := make(chan struct{})
	go func() {
		fw, _ := mw.CreateFormFile("file", "dossier.pdf")
		fw.Write([]byte("%PDF-1.7\n"))
		chunk := make([]byte, 256<<10)
		for i := 0; i < 16; i++ { // 4 MiB of the announced file
			if _, err := fw.Write(chunk); err != nil {
				return
			}
		}
		close(sent)
		time.Sleep(time.Minute) // the rest never comes
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/candidatures/%d/livrables/%s/documents?_csrf=%s", base, cand.ID, cand.Code, url.QueryEscape(csrf)), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	go hc.Do(req) //nolint:errcheck // the server dies under it
	select {
	case <-sent:
	case <-time.After(30 * time.Second):
		t.Fatal("l'envoi n'avance pas")
	}
	time.Sleep(200 * time.Millisecond) // let the server write what it read
	tmp := filepath.Join(data, "blobs", "tmp")
	if countFiles(tmp) == 0 {
		t.Fatalf("aucun fichier temporaire : l'envoi n'a pas commencé côté serveur\n%s", logs.String())
	}
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	for i := 0; postgresFor(data) > 0 && i < 100; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if n := postgresFor(data); n != 0 {
		t.Fatalf("%d processus postgres survivent à acquis tué", n)
	}

	// Restart: crash recovery, orphan clean-up, nothing half-done visible.
	addr2 := freeAddr(t)
	srv2, _ := serve(t, bin, data, addr2)
	waitHealthy(t, addr2, 60*time.Second)
	if n := countFiles(tmp); n != 0 {
		t.Fatalf("%d fichiers temporaires après redémarrage", n)
	}
	if n := countFiles(objects); n != objectsBefore {
		t.Fatalf("%d objets stockés, %d avant l'envoi coupé", n, objectsBefore)
	}
	d, err = db.Open(context.Background(), "host="+filepath.Join(abs, "run")+" user=postgres dbname=acquis sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	var docsAfter int
	_ = d.Get(&docsAfter, `SELECT count(*) FROM documents`)
	d.Close()
	if docsAfter != docsBefore {
		t.Fatalf("%d documents, %d avant l'envoi coupé", docsAfter, docsBefore)
	}
	srv2.Process.Signal(syscall.SIGTERM)
	srv2.Wait()
	if out := cmdRun("documents", "verify"); !strings.Contains(out, "Documents intègres") {
		t.Fatalf("documents verify : %s", out)
	}
	if out := cmdRun("audit", "verify"); !strings.Contains(out, "intègre") {
		t.Fatalf("audit verify : %s", out)
	}
}
