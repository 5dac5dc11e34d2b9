package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/demo"
)

// versitygwBin finds the gateway scripts/deps.sh builds; the test fails
// (never skips) without it.
func versitygwBin(t *testing.T) string {
	t.Helper()
	if bin, err := exec.LookPath("versitygw"); err == nil {
		return bin
	}
	gopath, _ := exec.Command("go", "env", "GOPATH").Output()
	bin := strings.TrimSpace(string(gopath)) + "/bin/versitygw"
	if _, err := os.Stat(bin); err != nil {
		t.Fatal("versitygw introuvable : lancez `scripts/deps.sh test` (il le construit depuis le proxy de modules Go)")
	}
	return bin
}

// TestDeploymentGuide follows README's deployment guide from scratch
// through scripts/deploy-guide.sh, which runs README's own blocks: a new
// PostgreSQL cluster with the two roles, a bucket of a real S3 server, the
// instance's environment as README lists it, migrations and serve, /readyz;
// then one upload and its download through that instance (the file lands
// in the bucket), a backup (pg_dump, bucket copy) and a restore into a new
// database and a new bucket, on which `acquis audit verify` and `acquis
// documents verify` pass. Everything is removed afterwards.
func TestDeploymentGuide(t *testing.T) {
	if testing.Short() {
		t.Skip("court")
	}
	for _, tool := range []string{"rclone", "curl", "openssl", "psql", "pg_dump", "pg_restore", "createdb"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s introuvable : lancez `scripts/deps.sh test`", tool)
		}
	}
	bin := buildBinary(t)
	sink := newSMTPSink(t)
	state, err := os.MkdirTemp("", "acquis-deploy-")
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("../../scripts/deploy-guide.sh")
	if err != nil {
		t.Fatal(err)
	}
	port := func() string {
		_, p, _ := net.SplitHostPort(freeAddr(t))
		return p
	}
	const password = "mot-de-passe-deploiement-0123"
	pgPort, s3Port, appPort := port(), port(), port()
	env := append(os.Environ(),
		"ACQUIS_BIN="+bin, "VERSITYGW="+versitygwBin(t),
		"PG_PORT="+pgPort, "S3_PORT="+s3Port, "ACQUIS_PORT="+appPort,
		"SMTP_ADDR="+sink.ln.Addr().String(), "DEPLOY_PASSWORD="+password,
		"AWS_ACCESS_KEY_ID=acquisdeploy", "AWS_SECRET_ACCESS_KEY=acquisdeploy-secret-0123456789")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(script, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			logs, _ := os.ReadFile(filepath.Join(state, "acquis.log"))
			t.Fatalf("deploy-guide.sh %s : %v\n%s\n--- acquis.log ---\n%s", strings.Join(args, " "), err, out, logs)
		}
		return string(out)
	}
	t.Cleanup(func() {
		cmd := exec.Command(script, "down", state)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("deploy-guide.sh down : %v\n%s", err, out)
		}
		os.RemoveAll(state)
	})

	run("up", state)

	// A candidacy to upload to: the demo, written through the instance's
	// environment (its documents go to the bucket too).
	run("exec", state, "acquis", "demo")
	appDSN := fmt.Sprintf("postgres://acquis_app:%s@127.0.0.1:%s/acquis?sslmode=disable", password, pgPort)
	d, err := sqlx.Open("postgres", appDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var cand int64
	if err := d.Get(&cand, `SELECT c.id FROM candidacies c JOIN users u ON u.id = c.candidate_id WHERE u.email = 'yann.kerjean@demo.acquis.fr' ORDER BY c.id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}

	var failures []string
	fail := func(f string, a ...any) { failures = append(failures, fmt.Sprintf(f, a...)) }
	addr := []string{"127.0.0.1:" + appPort}
	c := newRRClient(addr, 0, fail)
	c.do("GET", "/login", nil)
	if st, _ := c.do("POST", "/login", url.Values{"email": {"yann.kerjean@demo.acquis.fr"}, "password": {demo.Password}}); st != http.StatusSeeOther {
		t.Fatalf("connexion du candidat : %d %v", st, failures)
	}
	c.do("GET", fmt.Sprintf("/candidatures/%d", cand), nil)
	body := "%PDF-1.4\n% suivi du guide de déploiement\n" + strings.Repeat("y", 200<<10) + "%%EOF\n"
	if st := c.upload(fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC02-D01/documents", cand), "guide.pdf", body); st != http.StatusSeeOther {
		t.Fatalf("envoi : %d %v", st, failures)
	}
	want := sha256.Sum256([]byte(body))
	var doc struct {
		ID  int64  `db:"id"`
		SHA string `db:"sha256"`
	}
	if err := d.Get(&doc, `SELECT id, sha256 FROM documents WHERE file_name = 'guide.pdf'`); err != nil {
		t.Fatal(err)
	}
	if doc.SHA != hex.EncodeToString(want[:]) {
		t.Fatalf("empreinte enregistrée %s", doc.SHA)
	}
	if st, got := c.do("GET", fmt.Sprintf("/documents/%d", doc.ID), nil); st != http.StatusOK || string(got) != body {
		t.Fatalf("téléchargement : %d, %d octets", st, len(got))
	}
	if objects, _ := filepath.Glob(filepath.Join(state, "s3", "acquis-documents", "prod", "objects", doc.SHA[:2], doc.SHA[2:])); len(objects) != 1 {
		t.Fatal("le fichier envoyé n'est pas dans le bucket")
	}
	if len(failures) > 0 {
		t.Fatalf("erreurs : %v", failures)
	}

	// The backup is taken once the sealer has chained every audit row, so
	// that the instance's audit.heads names no head the dump lacks.
	for deadline := time.Now().Add(time.Minute); ; {
		var unsealed int
		if err := d.Get(&unsealed, `SELECT count(*) FROM audit_log WHERE hash IS NULL`); err != nil {
			t.Fatal(err)
		}
		if unsealed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d lignes du journal jamais scellées", unsealed)
		}
		time.Sleep(200 * time.Millisecond)
	}
	run("backup", state)
	out := run("restore", state)
	if !strings.Contains(out, "Journal d'audit intègre") || !strings.Contains(out, "Documents intègres") {
		t.Fatalf("audit verify et documents verify sur la copie restaurée :\n%s", out)
	}

	// The restored copy holds the upload: its row in the new database, its
	// bytes in the new bucket.
	r, err := sqlx.Open("postgres", strings.Replace(appDSN, "/acquis?", "/acquis_restored?", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	if err := r.Get(&n, `SELECT count(*) FROM documents WHERE sha256 = $1`, doc.SHA); err != nil || n != 1 {
		t.Fatalf("document restauré : %d %v", n, err)
	}
	restored, err := os.ReadFile(filepath.Join(state, "s3", "acquis-restored", "prod", "objects", doc.SHA[:2], doc.SHA[2:]))
	if err != nil || string(restored) != body {
		t.Fatalf("fichier restauré : %v", err)
	}
}

// TestDeploymentGuideFollowsREADME: scripts/deploy-guide.sh finds in
// README every block it runs and the environment's names it fills, and
// refuses a README that drifted: a block gone, a variable it does not
// know, a comment after a value (systemd would keep it in the value).
func TestDeploymentGuideFollowsREADME(t *testing.T) {
	script, err := filepath.Abs("../../scripts/deploy-guide.sh")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	check := func(text string) (string, error) {
		p := filepath.Join(t.TempDir(), "README.md")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(script, "check", t.TempDir())
		cmd.Env = append(os.Environ(), "README_MD="+p)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := check(string(readme)); err != nil {
		t.Fatalf("README tel quel : %v\n%s", err, out)
	}
	drifts := map[string]struct{ from, to, says string }{
		"bloc disparu":          {"<!-- deploy-test: restore -->", "", "deploy-test: restore"},
		"variable inconnue":     {"ACQUIS_LOG_FORMAT=json", "ACQUIS_LOG_FORMAT=json\nACQUIS_NOUVELLE=1", "ACQUIS_NOUVELLE"},
		"variable oubliée":      {"ACQUIS_LOG_FORMAT=json\n", "", "ACQUIS_LOG_FORMAT"},
		"commentaire en ligne":  {"ACQUIS_ADDR=127.0.0.1:8080\n", "ACQUIS_ADDR=127.0.0.1:8080    # derrière le proxy\n", "commentaire"},
		"mot de passe en clair": {"CREATE ROLE acquis_app LOGIN PASSWORD '…'", "CREATE ROLE acquis_app LOGIN PASSWORD 'x'", "acquis_app"},
	}
	for name, d := range drifts {
		if !strings.Contains(string(readme), d.from) {
			t.Fatalf("%s : README ne contient plus %q", name, d.from)
		}
		out, err := check(strings.Replace(string(readme), d.from, d.to, 1))
		if err == nil || !strings.Contains(out, d.says) {
			t.Errorf("%s : accepté ou mal dit (%v) :\n%s", name, err, out)
		}
	}
}
