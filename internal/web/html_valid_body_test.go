package web

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// validHTML runs the Nu HTML Checker on pages TestPagesValidate does not
// reach (a form come back with its error, a grid once declared).
func validHTML(t *testing.T, pages map[string]string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	i := 0
	for name, body := range pages {
		f := filepath.Join(dir, "page-"+itoa(int64(i))+".html")
		i++
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		files[f] = name
	}
	checkWithVNU(t, vnuJar(t), files)
}

// checkWithVNU runs the Nu HTML Checker once on the files (path → what the
// page is, for the message) and fails the test on each error it reports.
func checkWithVNU(t *testing.T, jar string, files map[string]string) {
	t.Helper()
	args := []string{"-jar", jar, "--errors-only", "--format", "json", "--exit-zero-always"}
	for f := range files {
		args = append(args, f)
	}
	out, err := exec.Command("java", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("vnu : %v\n%s", err, out)
	}
	var report struct {
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("rapport vnu illisible : %v\n%s", err, out)
	}
	for _, m := range report.Messages {
		if m.Type == "error" {
			t.Errorf("%s, ligne %d : %s\n  %s", files[strings.TrimPrefix(m.URL, "file:")], m.LastLine, m.Message, m.Extract)
		}
	}
}
