package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles acquis once for the end-to-end tests of the
// command line.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "acquis")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build : %v\n%s", err, out)
	}
	return bin
}

func dataDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "acquis-cmd-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "var")
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func serve(t *testing.T, bin, data, addr string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "ACQUIS_DATA_DIR="+data, "ACQUIS_ADDR="+addr, "ACQUIS_DATABASE_URL=")
	var logs strings.Builder
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
		}
	}()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); pw.Close() })
	return cmd, &logs
}

func waitHealthy(t *testing.T, addr string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < limit {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(start)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("pas de réponse sur %s après %v", addr, limit)
	return 0
}

func postgresFor(dir string) int {
	n := 0
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), "postgres") && strings.Contains(string(b), dir) {
			n++
		}
	}
	return n
}

// TestServeColdWarmAndCtrlC is the newcomer's path: serve on an empty data
// dir, answer, stop on SIGINT with no postgres left, start again faster.
func TestServeColdWarmAndCtrlC(t *testing.T) {
	bin := buildBinary(t)
	data := dataDir(t)
	addr := freeAddr(t)
	cmd, logs := serve(t, bin, data, addr)
	cold := waitHealthy(t, addr, 60*time.Second)
	res, err := http.Get("http://" + addr + "/referentiels")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "RNCP37779") || !strings.Contains(string(body), "RNCP36625") {
		t.Fatal("référentiels absents")
	}
	// A second serve on the same data dir fails clearly.
	second := exec.Command(bin, "serve")
	second.Env = append(os.Environ(), "ACQUIS_DATA_DIR="+data, "ACQUIS_ADDR="+freeAddr(t), "ACQUIS_DATABASE_URL=")
	out, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "autre instance") {
		t.Fatalf("seconde instance : %v\n%s", err, out)
	}
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("serve ne s'arrête pas sur SIGINT")
	}
	if n := postgresFor(data); n != 0 {
		t.Fatalf("%d processus postgres restent après Ctrl-C\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "aucun administrateur") && !strings.Contains(logs.String(), "user create") {
		t.Errorf("serve sur une base vide n'explique pas comment créer l'administrateur :\n%s", logs.String())
	}
	addr2 := freeAddr(t)
	cmd2, _ := serve(t, bin, data, addr2)
	warm := waitHealthy(t, addr2, 30*time.Second)
	t.Logf("premier démarrage %v, démarrage à chaud %v", cold, warm)
	cmd2.Process.Signal(syscall.SIGTERM)
	cmd2.Wait()
}

func TestInvalidConfigOneLine(t *testing.T) {
	bin := buildBinary(t)
	for env, want := range map[string]string{
		"ACQUIS_ADDR=pas-une-adresse":       "adresse d'écoute invalide",
		"ACQUIS_MAX_UPLOAD_MB=beaucoup":     "ACQUIS_MAX_UPLOAD_MB",
		"ACQUIS_DATABASE_URL=mysql://x@y/z": "ACQUIS_DATABASE_URL invalide",
		"ACQUIS_SESSION_IDLE=-3":            "ACQUIS_SESSION_IDLE",
	} {
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(os.Environ(), env, "ACQUIS_DATA_DIR="+dataDir(t))
		out, err := cmd.CombinedOutput()
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err == nil || len(lines) != 1 || !strings.Contains(lines[0], want) {
			t.Errorf("%s : %v\n%s", env, err, out)
		}
	}
}

func TestUserCreateAndDemo(t *testing.T) {
	bin := buildBinary(t)
	data := dataDir(t)
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "ACQUIS_DATA_DIR="+data, "ACQUIS_DATABASE_URL=", "ACQUIS_LOG_FORMAT=json")
		out, err := cmd.Output()
		return string(out), err
	}
	out, err := run("user", "create", "--email", "Claire@Exemple.fr", "--name", "Claire Dubois", "--role", "admin")
	if err != nil || !strings.Contains(out, "Mot de passe (affiché une seule fois)") {
		t.Fatalf("user create : %v\n%s", err, out)
	}
	if _, err := run("user", "create", "--email", "claire@exemple.fr", "--role", "admin"); err == nil {
		t.Fatal("doublon accepté")
	}
	out, err = run("demo")
	if err != nil || !strings.Contains(out, "demo-acquis-2026") || !strings.Contains(out, "gaelle.lebihan@demo.acquis.fr") {
		t.Fatalf("demo : %v\n%s", err, out)
	}
	out, err = run("demo")
	if err != nil || !strings.Contains(out, "déjà chargées") {
		t.Fatalf("demo rejouée : %v\n%s", err, out)
	}
	// The annual indicator (issue 14 #3): a year not finished, or before
	// the plan, is refused with the reason (the freeze itself is tested
	// in internal/staff, on a fixed day).
	if _, err := run("plan", "freeze"); err == nil {
		t.Fatal("plan freeze sans année accepté")
	}
	cmd := exec.Command(bin, "plan", "freeze", "--year", strconv.Itoa(time.Now().Year()))
	cmd.Env = append(os.Environ(), "ACQUIS_DATA_DIR="+data, "ACQUIS_DATABASE_URL=", "ACQUIS_LOG_FORMAT=json")
	if msg, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(msg), "n'est pas terminée") {
		t.Fatalf("plan freeze de l'année en cours : %v\n%s", err, msg)
	}
	// Regulatory exchanges: the accrochage flow and the RNCP import.
	if _, err := run("export", "accrochage", "--from", "2026-01-01", "--to", "2026-12-31"); err == nil {
		t.Fatal("export sans identifiants Caisse des Dépôts accepté")
	}
	out, err = run("export", "accrochage", "--from", "2026-01-01", "--to", "2026-12-31", "--accrochage-id-client", "ABCD1234", "--accrochage-id-contrat", "MCFCER0001")
	if err != nil || !strings.Contains(out, "<cpf:passageCertification>") {
		t.Fatalf("export accrochage : %v\n%s", err, out)
	}
	// The same period from the command line and from the page (below,
	// once serving): the same bytes, per-run fields aside.
	cliFlow, err := run("export", "accrochage", "--from", "2016-01-01", "--to", "2026-12-31", "--accrochage-id-client", "ABCD1234", "--accrochage-id-contrat", "MCFCER0001")
	if err != nil || !strings.Contains(cliFlow, "<cpf:passageCertification>") {
		t.Fatalf("export accrochage sur dix ans : %v\n%s", err, cliFlow)
	}
	out, err = run("import-rncp", "../../internal/rncp/testdata/export-v4.1.xml", "RNCP37779")
	if err != nil || !strings.Contains(out, `code: "RNCP37779BC02-C02"`) {
		t.Fatalf("import-rncp : %v\n%s", err, out)
	}
	// The imported file is refused until the certifier writes its
	// criteria; once completed it installs without rebuilding the binary.
	yml := filepath.Join(t.TempDir(), "RNCP37779.yaml")
	if err := os.WriteFile(yml, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run("referentiel", "load", yml); err == nil {
		t.Fatalf("référentiel sans critères installé :\n%s", out)
	}
	done := out
	for _, b := range []string{"RNCP37779BC01", "RNCP37779BC02"} {
		done = strings.Replace(done, "    deliverables: []\n    criteria: [] # à écrire par le certificateur, par exemple :\n",
			"    deliverables:\n      - {code: "+b+"-D01, kind: dossier_professionnel, label: Dossier professionnel, upload: true, accepted_types: [pdf]}\n"+
				"    criteria:\n      - {code: "+b+"-CR01, competence: "+b+"-C01, label: \"Critère écrit par le certificateur\"}\n", 1)
	}
	if err := os.WriteFile(yml, []byte(done), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run("referentiel", "load", yml); err != nil || !strings.Contains(out, "RNCP37779 : version") || !strings.Contains(out, "(nouvelle)") {
		t.Fatalf("referentiel load : %v\n%s", err, out)
	}
	if out, err := run("referentiel", "load", yml); err != nil || !strings.Contains(out, "déjà connue") {
		t.Fatalf("referentiel load rejoué : %v\n%s", err, out)
	}
	// Signing keys: made at first use in the data dir, readable by the
	// owner only; a rotation adds keys and keeps the old ones.
	out, err = run("keys", "list")
	if err != nil || strings.Count(out, "credential") != 1 || strings.Count(out, "pdf") != 1 {
		t.Fatalf("keys list : %v\n%s", err, out)
	}
	out, err = run("keys", "rotate")
	if err != nil || strings.Count(out, "credential") != 2 || strings.Count(out, "pdf ") != 2 || strings.Count(out, "signe les nouveaux") != 2 {
		t.Fatalf("keys rotate : %v\n%s", err, out)
	}
	keys, _ := filepath.Glob(filepath.Join(data, "keys", "*.pem"))
	if len(keys) != 4 {
		t.Fatalf("%d fichiers de clés, attendu 4", len(keys))
	}
	for _, k := range keys {
		if st, err := os.Stat(k); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s : mode %v", k, st.Mode().Perm())
		}
	}
	out, err = run("audit", "verify")
	if err != nil || !strings.Contains(out, "intègre") {
		t.Fatalf("audit verify : %v\n%s", err, out)
	}
	if out, err := run("version"); err != nil || !strings.HasPrefix(out, "acquis ") {
		t.Fatalf("version : %v %s", err, out)
	}
	if page := pageFlow(t, bin, data, "2016-01-01", "2026-12-31"); perRun.ReplaceAllString(page, "") != perRun.ReplaceAllString(cliFlow, "") {
		t.Fatalf("la page et la ligne de commande donnent des flux différents (%d / %d octets)", len(page), len(cliFlow))
	}
}

// perRun matches the only parts of an accrochage flow that differ from
// one run to the next: its identifier (period and second) and timestamp.
var perRun = regexp.MustCompile(`<cpf:idFlux>[^<]*</cpf:idFlux>|<cpf:horodatage>[^<]*</cpf:horodatage>`)

// pageFlow serves data, signs in as the demo's administrator and
// downloads the accrochage flow of a period from /admin/accrochage.
func pageFlow(t *testing.T, bin, data, from, to string) string {
	t.Helper()
	addr := freeAddr(t)
	t.Setenv("ACQUIS_ACCROCHAGE_ID_CLIENT", "ABCD1234")
	t.Setenv("ACQUIS_ACCROCHAGE_ID_CONTRAT", "MCFCER0001")
	cmd, logs := serve(t, bin, data, addr)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	waitHealthy(t, addr, 60*time.Second)
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, Timeout: 5 * time.Minute}
	base := "http://" + addr
	read := func(res *http.Response, err error) (int, string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%v\n%s", err, logs.String())
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	_, form := read(cl.Get(base + "/login"))
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(form)
	if m == nil {
		t.Fatalf("pas de jeton CSRF sur /login :\n%s", form)
	}
	if st, body := read(cl.PostForm(base+"/login", url.Values{"_csrf": {m[1]}, "email": {"admin@demo.acquis.fr"}, "password": {"demo-acquis-2026"}})); st != http.StatusOK {
		t.Fatalf("connexion : %d\n%s", st, body)
	}
	st, flow := read(cl.Get(base + "/admin/accrochage/flux.xml?du=" + from + "&au=" + to))
	if st != http.StatusOK {
		t.Fatalf("flux depuis la page : %d\n%.2000s", st, flow)
	}
	return flow
}
