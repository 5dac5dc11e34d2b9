package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"acquis/internal/demo"
	"acquis/internal/pgembed"
)

// smtpSink is a minimal SMTP server that keeps every message it accepts,
// so the test can count deliveries.
type smtpSink struct {
	mu   sync.Mutex
	rcpt []string
	ln   net.Listener
}

func newSMTPSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.session(conn)
		}
	}()
	return s
}

func (s *smtpSink) session(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(l string) { fmt.Fprintf(conn, "%s\r\n", l) }
	say("220 puits ESMTP")
	var to string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 puits")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			to = ""
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			to = strings.Trim(strings.TrimSpace(line)[len("RCPT TO:"):], "<> ")
			say("250 ok")
		case cmd == "DATA":
			say("354 go")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if strings.TrimRight(l, "\r\n") == "." {
					break
				}
			}
			s.mu.Lock()
			s.rcpt = append(s.rcpt, strings.ToLower(to))
			s.mu.Unlock()
			say("250 reçu")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpSink) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.rcpt...)
}

// startGatewayForCmd starts the Versity S3 gateway on a temporary folder,
// with one bucket; the test fails (never skips) without the gateway.
func startGatewayForCmd(t *testing.T) (blobURL string) {
	t.Helper()
	bin := versitygwBin(t)
	addr := freeAddr(t)
	cmd := exec.Command(bin, "--port", addr, "posix", t.TempDir())
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY=acquis2inst", "ROOT_SECRET_KEY=acquis2inst-secret-0123456789")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	cl, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4("acquis2inst", "acquis2inst-secret-0123456789", ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		err = cl.MakeBucket(context.Background(), "acquis", minio.MakeBucketOptions{})
		if err == nil {
			break
		}
		if i > 100 {
			t.Fatalf("versitygw : %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "acquis2inst")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "acquis2inst-secret-0123456789")
	return "s3://acquis/docs?endpoint=http://" + addr + "&region=us-east-1"
}

// TestTwoInstancesOneDatabase: two `acquis serve` started together on one
// PostgreSQL (external URLs: the owner migrates, the serving role serves)
// and one S3 bucket. Round-robin requests with one browser session across
// both (four administrators inviting, a candidate uploading, at once):
// zero errors, every invitation and upload recorded and each invitation's
// e-mail delivered exactly once, every document read back intact from
// either instance,
// migrations applied once, and one audit chain that verifies.
func TestTwoInstancesOneDatabase(t *testing.T) {
	bin := buildBinary(t)
	blobURL := startGatewayForCmd(t)
	sink := newSMTPSink(t)
	pgDir := dataDir(t)
	cl, err := pgembed.Start(context.Background(), pgembed.Options{DataDir: pgDir, Database: "acquis", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Stop() })
	env := []string{
		"ACQUIS_DATABASE_URL=" + cl.AppDSN(),
		"ACQUIS_MIGRATE_DATABASE_URL=" + cl.OwnerDSN(),
		"ACQUIS_AUDIT_KEY=" + strings.Repeat("4a", 32),
		"ACQUIS_BLOB_URL=" + blobURL,
		"ACQUIS_SMTP_URL=smtp://" + sink.ln.Addr().String(),
	}
	addrs := []string{freeAddr(t), freeAddr(t)}
	var logs []*strings.Builder
	for _, addr := range addrs {
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(append(os.Environ(), env...), "ACQUIS_DATA_DIR="+dataDir(t), "ACQUIS_ADDR="+addr)
		var lb strings.Builder
		w := &syncWriter{b: &lb}
		cmd.Stdout, cmd.Stderr = w, w
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		logs = append(logs, &lb)
	}
	for _, addr := range addrs {
		waitHealthy(t, addr, 2*time.Minute)
	}
	// Demo data (users, documents stored in the bucket) through the CLI.
	dm := exec.Command(bin, "demo")
	dm.Env = append(append(os.Environ(), env...), "ACQUIS_DATA_DIR="+dataDir(t))
	if out, err := dm.CombinedOutput(); err != nil {
		t.Fatalf("acquis demo : %v\n%s", err, out)
	}

	d, err := sqlx.Open("postgres", cl.OwnerDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	// Concurrent sessions, each alternating between the two instances:
	// four administrators inviting, one candidate uploading.
	const admins, invitesEach = 4, 5
	const invites = admins * invitesEach
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(f string, a ...any) { mu.Lock(); failures = append(failures, fmt.Sprintf(f, a...)); mu.Unlock() }
	for w := 0; w < admins; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := newRRClient(addrs, w, fail)
			c.do("GET", "/login", nil)
			if st, _ := c.do("POST", "/login", url.Values{"email": {"admin@demo.acquis.fr"}, "password": {demo.Password}}); st != http.StatusSeeOther {
				fail("connexion %d : %d", w, st)
				return
			}
			for i := 0; i < invitesEach; i++ {
				c.do("GET", "/admin/users", nil)
				n := w*invitesEach + i
				if st, _ := c.do("POST", "/admin/users", url.Values{"email": {fmt.Sprintf("invite%02d@exemple.fr", n)}, "full_name": {fmt.Sprintf("Invité %d", n)}, "role": {"observer"}}); st != http.StatusSeeOther {
					fail("invitation %d : %d", n, st)
				}
			}
		}(w)
	}
	const uploads = 6
	var cand int64
	if err := d.Get(&cand, `SELECT c.id FROM candidacies c JOIN users u ON u.id = c.candidate_id WHERE u.email = 'yann.kerjean@demo.acquis.fr' ORDER BY c.id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := newRRClient(addrs, 1, fail)
		c.do("GET", "/login", nil)
		if st, _ := c.do("POST", "/login", url.Values{"email": {"yann.kerjean@demo.acquis.fr"}, "password": {demo.Password}}); st != http.StatusSeeOther {
			fail("connexion candidat : %d", st)
			return
		}
		for i := 0; i < uploads; i++ {
			c.do("GET", fmt.Sprintf("/candidatures/%d", cand), nil)
			body := fmt.Sprintf("%%PDF-1.4\n%% envoi %d vers deux instances\n%s%%%%EOF\n", i, strings.Repeat("x", 300<<10))
			if st := c.upload(fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC02-D01/documents", cand), fmt.Sprintf("preuve-%d.pdf", i), body); st != http.StatusSeeOther {
				fail("envoi %d : %d", i, st)
			}
		}
	}()
	wg.Wait()

	// Every document, demo ones and uploaded ones, read back intact through
	// either instance.
	var docs []struct {
		ID  int64  `db:"id"`
		SHA string `db:"sha256"`
	}
	if err := d.Select(&docs, `SELECT id, sha256 FROM documents ORDER BY id`); err != nil || len(docs) == 0 {
		t.Fatalf("documents : %d %v", len(docs), err)
	}
	var uploaded int
	d.Get(&uploaded, `SELECT count(*) FROM documents WHERE file_name LIKE 'preuve-%'`)
	if uploaded != uploads {
		t.Errorf("%d documents envoyés enregistrés sur %d", uploaded, uploads)
	}
	admin := newRRClient(addrs, 0, fail)
	admin.do("GET", "/login", nil)
	admin.do("POST", "/login", url.Values{"email": {"admin@demo.acquis.fr"}, "password": {demo.Password}})
	for _, doc := range docs {
		st, b := admin.do("GET", fmt.Sprintf("/documents/%d", doc.ID), nil)
		sum := sha256.Sum256(b)
		if st == http.StatusOK && hex.EncodeToString(sum[:]) != doc.SHA {
			t.Errorf("document %d relu altéré", doc.ID)
		}
	}
	if len(failures) > 0 {
		t.Fatalf("%d erreurs :\n%s", len(failures), strings.Join(failures, "\n"))
	}

	// Every invitation is recorded once, and its e-mail delivered once by
	// whichever instance's worker took it.
	var users int
	d.Get(&users, `SELECT count(*) FROM users WHERE email LIKE 'invite%@exemple.fr'`)
	if users != invites {
		t.Fatalf("%d invitations enregistrées sur %d", users, invites)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		var pending int
		d.Get(&pending, `SELECT count(*) FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL`)
		if pending == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	var outbox []string
	d.Select(&outbox, `SELECT lower(to_addr) FROM outbox WHERE to_addr LIKE 'invite%@exemple.fr'`)
	got := map[string]int{}
	for _, r := range sink.received() {
		got[r]++
	}
	for i := 0; i < invites; i++ {
		if to := fmt.Sprintf("invite%02d@exemple.fr", i); got[to] != 1 {
			t.Errorf("%s : %d courriel(s) reçu(s)", to, got[to])
		}
	}
	if len(outbox) != invites {
		t.Errorf("%d courriels d'invitation en file pour %d invitations", len(outbox), invites)
	}

	// Migrations: each version applied exactly once, though both instances
	// started together with the owner's URL.
	var dup int
	if err := d.Get(&dup, `SELECT count(*) FROM (SELECT version_id FROM goose_db_version WHERE is_applied GROUP BY version_id HAVING count(*) > 1) x`); err != nil || dup != 0 {
		t.Errorf("migrations appliquées plusieurs fois : %d %v", dup, err)
	}
	// One audit chain, sealed by either instance, that verifies.
	av := exec.Command(bin, "audit", "verify")
	av.Env = append(append(os.Environ(), env...), "ACQUIS_DATA_DIR="+dataDir(t))
	for i := 0; ; i++ {
		out, err := av.CombinedOutput()
		if err == nil {
			break
		}
		if i > 3 {
			t.Fatalf("acquis audit verify : %v\n%s\n--- logs ---\n%s\n%s", err, out, logs[0].String(), logs[1].String())
		}
		time.Sleep(time.Second)
		av = exec.Command(bin, "audit", "verify")
		av.Env = append(append(os.Environ(), env...), "ACQUIS_DATA_DIR="+dataDir(t))
	}
	// And `documents verify` on the bucket finds every file intact.
	dv := exec.Command(bin, "documents", "verify")
	dv.Env = append(append(os.Environ(), env...), "ACQUIS_DATA_DIR="+dataDir(t))
	if out, err := dv.CombinedOutput(); err != nil || !strings.Contains(string(out), "Documents intègres") {
		t.Fatalf("acquis documents verify : %v\n%s", err, out)
	}
}

// syncWriter lets two pipes of one process write one log.
type syncWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// rrClient is one browser session sending its requests alternately to
// each instance: cookies ignore the port, so the session is the same.
type rrClient struct {
	hc    *http.Client
	addrs []string
	n     int
	csrf  string
	fail  func(string, ...any)
}

func newRRClient(addrs []string, start int, fail func(string, ...any)) *rrClient {
	jar, _ := cookiejar.New(nil)
	return &rrClient{addrs: addrs, n: start, fail: fail, hc: &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *rrClient) send(req *http.Request) (int, []byte) {
	res, err := c.hc.Do(req)
	if err != nil {
		c.fail("%s %s : %v", req.Method, req.URL, err)
		return 0, nil
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	if res.StatusCode >= 400 {
		c.fail("%s %s : %d", req.Method, req.URL, res.StatusCode)
	}
	return res.StatusCode, b
}

func (c *rrClient) next() string {
	c.n++
	return "http://" + c.addrs[c.n%len(c.addrs)]
}

func (c *rrClient) do(method, path string, form url.Values) (int, []byte) {
	var body io.Reader
	if form != nil {
		form.Set("_csrf", c.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.next()+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.send(req)
}

func (c *rrClient) upload(path, name, data string) int {
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.next()+path+"?_csrf="+url.QueryEscape(c.csrf), strings.NewReader(buf.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	st, _ := c.send(req)
	return st
}
