package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSigningCert: ACQUIS_SIGNING_CERT must name an existing file; the
// keys live under the data directory.
func TestSigningCert(t *testing.T) {
	envOf := func(m map[string]string) Env { return func(k string) string { return m[k] } }
	_, err := Load(nil, nil, envOf(map[string]string{"ACQUIS_SIGNING_CERT": "/nulle/part.p12"}))
	if err == nil || !strings.Contains(err.Error(), "ACQUIS_SIGNING_CERT") {
		t.Fatalf("certificat absent accepté : %v", err)
	}
	p := filepath.Join(t.TempDir(), "cert.p12")
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(nil, nil, envOf(map[string]string{"ACQUIS_SIGNING_CERT": p, "ACQUIS_SIGNING_CERT_PASSWORD": "s", "ACQUIS_DATA_DIR": "/srv/acquis"}))
	if err != nil || c.SigningCert != p || c.SigningCertPassword != "s" || c.KeysDir() != "/srv/acquis/keys" {
		t.Fatalf("%+v %v", c, err)
	}
}
