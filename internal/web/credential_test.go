package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"acquis/internal/audit"
)

// nodeVerify runs the independent verifier (testdata/verify-credential.mjs,
// on the npm package jose vendored beside it) on a token, against the
// test server's published JWKS and status check.
func nodeVerify(t *testing.T, a *app, token string) (string, int) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node absent : lancez scripts/deps.sh test (le vérificateur indépendant en a besoin)")
	}
	f := filepath.Join(t.TempDir(), "credential.jwt")
	if err := os.WriteFile(f, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "testdata/verify-credential.mjs", f, a.srv.URL+"/.well-known/jwks.json", "http://acquis.test", a.srv.URL)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("node : %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out)), cmd.ProcessState.ExitCode()
}

// TestCredentialIndependentVerifier: the holder downloads the certificate
// as an Open Badges 3.0 credential; an independent implementation (jose,
// in Node) accepts it with the published keys, refuses a tampered copy,
// still accepts it after a key rotation, and reports it revoked once the
// certifier withdraws the certificate, from the signed Bitstring Status
// List and from the status check alike.
func TestCredentialIndependentVerifier(t *testing.T) {
	a := newApp(t)
	h := demoCertified(t, a)
	holder := a.client()
	holder.login(h.email)
	res := holder.get("/candidatures/" + itoa(h.candidacy) + "/certificat.jwt")
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/vc+jwt" {
		t.Fatalf("téléchargement du badge : %d %q\n%s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	token := res.Body
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("pas un JWT compact : %q", token)
	}
	var header map[string]string
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if err := json.Unmarshal(hb, &header); err != nil || header["typ"] != "vc+jwt" || header["alg"] != "EdDSA" || header["kid"] == "" {
		t.Fatalf("en-tête : %s %v", hb, err)
	}
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var vc map[string]any
	if err := json.Unmarshal(pb, &vc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(pb), h.number) || !strings.Contains(string(pb), "OpenBadgeCredential") || !strings.Contains(string(pb), `"validFrom"`) {
		t.Fatalf("contenu du badge : %s", pb)
	}

	if out, code := nodeVerify(t, a, token); code != 0 || !strings.HasPrefix(out, "VALID valide") || !strings.Contains(out, " bit=") {
		t.Fatalf("le vérificateur indépendant refuse le badge : %d %s", code, out)
	}
	// Tampered: another holder's name, same signature.
	forged := strings.Replace(string(pb), h.name, "Quelqu'un d'autre", 1)
	bad := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]
	if out, code := nodeVerify(t, a, bad); code != 2 || !strings.HasPrefix(out, "INVALID") {
		t.Fatalf("badge falsifié accepté : %d %s", code, out)
	}
	// A rotation keeps the old key published: the badge still verifies,
	// and a new download is signed with the new key.
	if _, err := a.s.keys.Rotate(); err != nil {
		t.Fatal(err)
	}
	if out, code := nodeVerify(t, a, token); code != 0 {
		t.Fatalf("badge refusé après rotation des clés : %d %s", code, out)
	}
	again := holder.get("/candidatures/" + itoa(h.candidacy) + "/certificat.jwt").Body
	if strings.Split(again, ".")[0] == parts[0] {
		t.Error("après rotation, le badge est signé avec l'ancienne clé")
	}
	if out, code := nodeVerify(t, a, again); code != 0 {
		t.Fatalf("nouveau badge refusé : %d %s", code, out)
	}
	// Withdrawn: the signature still holds, the status says revoked.
	adminID := a.id(`SELECT id FROM users WHERE email = $1`, whoEmails[admin])
	if err := a.s.verify.Withdraw(context.Background(), audit.Actor{UserID: adminID, Role: "admin"}, h.certID, "Fraude"); err != nil {
		t.Fatal(err)
	}
	if out, code := nodeVerify(t, a, token); code != 3 || !strings.HasPrefix(out, "REVOKED") || !strings.Contains(out, "(bit ") {
		t.Fatalf("badge d'un certificat retiré : %d %s", code, out)
	}
	if res := holder.get("/candidatures/" + itoa(h.candidacy) + "/certificat.jwt"); res.Status != http.StatusGone {
		t.Errorf("badge d'un certificat retiré téléchargeable : %d", res.Status)
	}
}
