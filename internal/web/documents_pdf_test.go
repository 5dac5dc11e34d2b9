package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// pdfText checks that res is a PDF download and returns its text, as
// pdftotext (poppler-utils) extracts it, whitespace collapsed.
func pdfText(t *testing.T, res response) string {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("PDF : statut %d\n%s", res.Status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("PDF : Content-Type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".pdf") {
		t.Fatalf("PDF : Content-Disposition %q", cd)
	}
	if !strings.HasPrefix(res.Body, "%PDF-") {
		t.Fatal("PDF : le corps n'est pas un PDF")
	}
	cmd := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = strings.NewReader(res.Body)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils) : %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
