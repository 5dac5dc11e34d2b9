package web

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// vnuJar finds the Nu HTML Checker that scripts/deps.sh installs from npm
// (vnu-jar) under var/tools, or the one ACQUIS_VNU_JAR names.
func vnuJar(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ACQUIS_VNU_JAR"); p != "" {
		return p
	}
	p, err := filepath.Abs("../../var/tools/node_modules/vnu-jar/build/dist/vnu.jar")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("le Nu HTML Checker manque (%s) : lancez scripts/deps.sh test", p)
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Fatal("java manque : lancez scripts/deps.sh test")
	}
	return p
}

// TestPagesValidate fetches every page of the authorisation matrix as the
// first role allowed to see it (anonymous pages too) and has the Nu HTML
// Checker, which nobody here wrote, validate them all: any error fails.
func TestPagesValidate(t *testing.T) {
	t.Parallel()
	jar := vnuJar(t)
	a := newApp(t)
	cases := matrix(matrixIDs(a))
	clients := map[who]*client{}
	as := func(w who) *client {
		if c, ok := clients[w]; ok {
			return c
		}
		c := a.client()
		if w != anon {
			c.login(whoEmails[w])
		}
		clients[w] = c
		return c
	}
	dir := t.TempDir()
	pages := map[string]string{} // file → URL
	order := []who{admin, mgrA, juror, cand, obsNat, obsBzh, mgrB, juror2, anon}
	for _, mc := range cases {
		if mc.method != "GET" {
			continue
		}
		for _, w := range order {
			if !mc.allowed[w] {
				continue
			}
			res := as(w).get(mc.path)
			if res.Status == 200 && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				f := filepath.Join(dir, fmt.Sprintf("page-%03d.html", len(pages)))
				if err := os.WriteFile(f, []byte(res.Body), 0o644); err != nil {
					t.Fatal(err)
				}
				pages[f] = whoNames[w] + " " + mc.path
			}
			break
		}
	}
	if len(pages) < 20 {
		t.Fatalf("%d pages seulement à valider", len(pages))
	}
	checkWithVNU(t, jar, pages)
	t.Logf("%d pages validées par le Nu HTML Checker", len(pages))
}
