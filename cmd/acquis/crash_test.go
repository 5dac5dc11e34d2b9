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

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/demo"
	"acquis/internal/jury"
	"acquis/internal/pgembed"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
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
	cmdRun := acquisRunner(t, bin, data)
	cmdRun("demo")
	addr := freeAddr(t)
	srv, logs := serve(t, bin, data, addr)
	waitHealthy(t, addr, 60*time.Second)

	d, err := db.Open(context.Background(), embeddedDSN(data))
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
	if err := d.Get(&docsBefore, `SELECT count(*) FROM documents`); err != nil {
		t.Fatal(err)
	}
	d.Close()
	objects := filepath.Join(data, "blobs", "objects")
	objectsBefore := countFiles(objects)

	// Sign in as the candidate.
	hc, token := signIn(t, addr, "yann.kerjean@demo.acquis.fr")
	base := "http://" + addr
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
	waitNoPostgres(t, data)

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
	d, err = db.Open(context.Background(), embeddedDSN(data))
	if err != nil {
		t.Fatal(err)
	}
	var docsAfter int
	if err := d.Get(&docsAfter, `SELECT count(*) FROM documents`); err != nil {
		t.Fatal(err)
	}
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

// TestKilledDuringSigning: the server is killed (SIGKILL) while the chair's
// signature is being processed. After a restart the session is either
// wholly signed (minutes, projection, acquired blocs, candidacies
// evaluated) or not at all (none of these), never in between; a session
// left unsigned can then be signed normally. The kill lands wherever the
// scheduler puts it; TestSigningIsAllOrNothing (internal/jury) forces the
// failure at the signature's last statement.
func TestKilledDuringSigning(t *testing.T) {
	bin := buildBinary(t)
	data := dataDir(t)
	run := acquisRunner(t, bin, data)
	run("demo")
	addr := freeAddr(t)
	srv, _ := serve(t, bin, data, addr)
	waitHealthy(t, addr, 60*time.Second)
	dsn := embeddedDSN(data)
	ctx := context.Background()
	// The test writes as acquis would, audit rows included: with the
	// instance's audit key, or verify would rightly report its rows.
	key, err := audit.LoadKey(data, "")
	if err != nil {
		t.Fatal(err)
	}
	audit.Configure(key, "")
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	// Take the demo's open session to the point of signing, as its
	// members would have.
	js := jury.NewStore(d, referentiel.NewStore(d), portfolio.NewStore(d), nil) // reads and scores only: the server signs
	var sid, chair int64
	if err := d.Get(&sid, `SELECT id FROM jury_sessions WHERE status = 'open' ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	// The demo plans it two weeks ahead; the jury's day has come (a bloc
	// is never acquired at a date to come).
	if _, err := d.Exec(`UPDATE jury_sessions SET starts_at = now() - interval '1 hour' WHERE id = $1`, sid); err != nil {
		t.Fatal(err)
	}
	if err := d.Get(&chair, `SELECT user_id FROM jury_members WHERE session_id = $1 AND is_chair`, sid); err != nil {
		t.Fatal(err)
	}
	var evals []struct {
		CID int64 `db:"candidacy_id"`
		EV  int64 `db:"evaluator_id"`
	}
	if err := d.Select(&evals, `SELECT candidacy_id, evaluator_id FROM jury_evaluators WHERE session_id = $1 AND submitted_at IS NULL ORDER BY 1, 2`, sid); err != nil {
		t.Fatal(err)
	}
	as := func(id int64) audit.Actor { return audit.Actor{UserID: id, Role: "jury_member"} }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range evals {
		_ = js.Declare(ctx, as(e.EV), sid, e.CID) // already declared in the demo: refused, fine
		g, err := js.Grid(ctx, sid, e.CID, e.EV)
		must(err)
		for _, b := range g.Blocks {
			for _, cr := range b.Criteria {
				_, err := js.RecordVerdict(ctx, as(e.EV), sid, e.CID, cr.Code, jury.Acquis, "")
				must(err)
			}
		}
		must(js.SubmitGrid(ctx, as(e.EV), sid, e.CID))
	}
	// The session's day comes; everyone present; every member who may
	// take part declares and votes validé.
	d.MustExec(`UPDATE jury_sessions SET starts_at = now() - interval '1 hour' WHERE id = $1`, sid)
	var members []int64
	if err := d.Select(&members, `SELECT user_id FROM jury_members WHERE session_id = $1`, sid); err != nil {
		t.Fatal(err)
	}
	must(js.StartDeliberation(ctx, audit.System, sid, jury.Opening{Present: members}))
	var cids []int64
	if err := d.Select(&cids, `SELECT candidacy_id FROM jury_assignments WHERE session_id = $1`, sid); err != nil {
		t.Fatal(err)
	}
	for _, cid := range cids {
		var blocks []string
		if err := d.Select(&blocks, `SELECT block_code FROM candidacy_blocks WHERE candidacy_id = $1`, cid); err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			_ = js.Declare(ctx, as(m), sid, cid) // refused to a member in conflict, who then does not vote
		}
		for _, b := range blocks {
			for _, m := range members {
				_ = js.Vote(ctx, as(m), sid, cid, b, jury.Valide)
			}
			must(js.Decide(ctx, as(chair), sid, cid, b, ""))
		}
		must(js.SetOutcome(ctx, as(chair), sid, cid, "", ""))
	}
	var chairEmail string
	if err := d.Get(&chairEmail, `SELECT email FROM users WHERE id = $1`, chair); err != nil {
		t.Fatal(err)
	}
	// The demo's open session is two weeks ahead: its day comes, as time
	// passing would (nothing is acquired at a date to come).
	_, err = d.Exec(`UPDATE jury_sessions SET starts_at = now() - interval '1 hour' WHERE id = $1`, sid)
	must(err)
	d.Close()

	// The chair signs; the server is killed while it works.
	sign := func(addr string) func() (*http.Response, error) {
		hc, token := signIn(t, addr, chairEmail)
		csrf := token(fmt.Sprintf("/jury/sessions/%d/deliberation", sid))
		return func() (*http.Response, error) {
			return hc.PostForm(fmt.Sprintf("http://%s/jury/sessions/%d/signer", addr, sid), url.Values{"_csrf": {csrf}, "confirm": {"oui"}})
		}
	}
	go sign(addr)()                //nolint:errcheck // killed under it
	after := 50 * time.Millisecond // ACQUIS_KILL_AFTER moves the kill
	if v, err := time.ParseDuration(os.Getenv("ACQUIS_KILL_AFTER")); err == nil {
		after = v
	}
	time.Sleep(after)
	must(srv.Process.Signal(syscall.SIGKILL))
	srv.Wait()
	waitNoPostgres(t, data)

	addr2 := freeAddr(t)
	srv2, _ := serve(t, bin, data, addr2)
	waitHealthy(t, addr2, 60*time.Second)
	d, err = db.Open(ctx, dsn)
	must(err)
	count := func(q string) int {
		var n int
		must(d.Get(&n, q, sid))
		return n
	}
	signed := count(`SELECT count(*) FROM jury_sessions WHERE id = $1 AND status = 'signed'`) == 1
	minutes := count(`SELECT count(*) FROM jury_minutes WHERE session_id = $1`)
	results := count(`SELECT count(*) FROM results WHERE session_id = $1`)
	acquired := count(`SELECT count(*) FROM acquired_blocks WHERE source = 'jury_session:' || $1::text`)
	evaluated := count(`SELECT count(*) FROM candidacies WHERE state = 'evaluated' AND id IN (SELECT candidacy_id FROM jury_assignments WHERE session_id = $1)`)
	t.Logf("après l'arrêt brutal : signée=%v, PV=%d, résultats=%d, blocs acquis=%d, candidatures évaluées=%d/%d", signed, minutes, results, acquired, evaluated, len(cids))
	switch {
	case signed && minutes == 1 && results == len(cids) && acquired > 0 && evaluated == len(cids):
	case !signed && minutes == 0 && results == 0 && acquired == 0 && evaluated == 0:
		// Nothing of it happened: the chair signs again, and it works.
		res, err := sign(addr2)()
		if err != nil || res.StatusCode != http.StatusSeeOther || count(`SELECT count(*) FROM jury_minutes WHERE session_id = $1`) != 1 {
			t.Fatalf("signature après redémarrage : %v %v", err, res)
		}
		res.Body.Close()
	default:
		t.Fatal("signature à moitié visible après l'arrêt brutal")
	}
	d.Close()
	srv2.Process.Signal(syscall.SIGTERM)
	srv2.Wait()
	if out := run("audit", "verify"); !strings.Contains(out, "intègre") {
		t.Fatalf("audit verify : %s", out)
	}
}

// waitNoPostgres waits for the embedded cluster of a killed acquis to stop
// (it follows its parent) and fails if it survives.
func waitNoPostgres(t *testing.T, data string) {
	t.Helper()
	for i := 0; postgresFor(data) > 0 && i < 200; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if n := postgresFor(data); n != 0 {
		t.Fatalf("%d processus postgres survivent à acquis tué", n)
	}
}

// acquisRunner runs acquis commands on a data dir and returns their output,
// failing the test on error.
func acquisRunner(t *testing.T, bin, data string) func(args ...string) string {
	env := append(os.Environ(), "ACQUIS_DATA_DIR="+data, "ACQUIS_DATABASE_URL=", "ACQUIS_LOG_FORMAT=json")
	return func(args ...string) string {
		t.Helper()
		c := exec.Command(bin, args...)
		c.Env = env
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("acquis %v : %v\n%s", args, err, out)
		}
		return string(out)
	}
}

// signIn logs a demo account in on a running server and returns its
// client and a function that reads the CSRF token of a page.
func signIn(t *testing.T, addr, email string) (*http.Client, func(path string) string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + addr
	token := func(path string) string {
		t.Helper()
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
	res, err := hc.PostForm(base+"/login", url.Values{"_csrf": {token("/login")}, "email": {email}, "password": {demo.Password}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("connexion de %s : %v %v", email, err, res)
	}
	res.Body.Close()
	return hc, token
}

// embeddedDSN reaches the embedded cluster of a running acquis from the
// test, through its socket directory.
func embeddedDSN(data string) string {
	abs, _ := filepath.Abs(data)
	return "host=" + filepath.Join(abs, "run") + " user=" + pgembed.AppRole + " dbname=acquis sslmode=disable"
}
