package verify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// TestKeyringFirstStartAndRotate: the first start makes one credential
// key and one PDF key (files 0600 in a 0700 directory); reopening reads
// the same keys; a rotation makes new current keys and keeps the old
// ones published.
func TestKeyringFirstStartAndRotate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k, err := OpenKeyring(KeyOptions{Dir: dir, Certifier: "CFEA"})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("dossier des clés en mode %v", st.Mode().Perm())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pem"))
	if len(files) != 2 {
		t.Fatalf("%d fichiers de clés, attendu 2", len(files))
	}
	for _, f := range files {
		if st, _ := os.Stat(f); st.Mode().Perm() != 0o600 {
			t.Errorf("%s en mode %v", f, st.Mode().Perm())
		}
	}
	kid, _ := k.CredentialKey()
	cert := k.PDFSigner().Cert
	if !strings.Contains(cert.Subject.CommonName, "CFEA") {
		t.Errorf("certificat : %s", cert.Subject)
	}
	again, err := OpenKeyring(KeyOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if kid2, _ := again.CredentialKey(); kid2 != kid || !again.PDFSigner().Cert.Equal(cert) {
		t.Fatal("la réouverture a changé de clé")
	}
	ids, err := again.Rotate()
	if err != nil || len(ids) != 2 {
		t.Fatalf("rotation : %v %v", ids, err)
	}
	third, err := OpenKeyring(KeyOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	newKid, _ := third.CredentialKey()
	if newKid == kid || newKid != ids[0] || third.PDFSigner().Cert.Equal(cert) {
		t.Fatalf("après rotation, la clé courante est %s (avant %s)", newKid, kid)
	}
	set := third.JWKS()
	if len(set.Keys) != 2 || len(set.Key(kid)) != 1 || len(set.Key(newKid)) != 1 || set.Keys[0].KeyID != newKid {
		t.Fatalf("JWKS après rotation : %+v", set)
	}
	for _, key := range set.Keys {
		if !key.IsPublic() {
			t.Fatal("le JWKS publie une clé privée")
		}
	}
	if len(third.PDFCertificates()) != 2 {
		t.Fatal("l'ancien certificat n'est plus connu")
	}
}

// TestConfiguredSigningCert: a configured certificate, PEM or PKCS#12,
// signs the PDFs instead of a generated one; a wrong password or a key
// that matches no certificate is refused in French.
func TestConfiguredSigningCert(t *testing.T) {
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "CFEA qualifié"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(2, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	cert, _ := x509.ParseCertificate(der)
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	pemPath := filepath.Join(dir, "signature.pem")
	os.WriteFile(pemPath, append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...), 0o600)
	k, err := OpenKeyring(KeyOptions{Dir: filepath.Join(dir, "k1"), SigningCert: pemPath})
	if err != nil {
		t.Fatal(err)
	}
	if !k.PDFSigner().Cert.Equal(cert) {
		t.Fatal("le certificat configuré (PEM) ne signe pas")
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "k1", "pdf-*")); len(files) != 0 {
		t.Error("une clé PDF a été générée malgré le certificat configuré")
	}
	p12, err := pkcs12.Modern.Encode(key, cert, nil, "secret")
	if err != nil {
		t.Fatal(err)
	}
	p12Path := filepath.Join(dir, "signature.p12")
	os.WriteFile(p12Path, p12, 0o600)
	k, err = OpenKeyring(KeyOptions{Dir: filepath.Join(dir, "k2"), SigningCert: p12Path, SigningCertPassword: "secret"})
	if err != nil || !k.PDFSigner().Cert.Equal(cert) {
		t.Fatalf("PKCS#12 : %v", err)
	}
	if _, err := OpenKeyring(KeyOptions{Dir: filepath.Join(dir, "k3"), SigningCert: p12Path, SigningCertPassword: "faux"}); err == nil || !strings.Contains(err.Error(), "ACQUIS_SIGNING_CERT illisible") {
		t.Fatalf("mauvais mot de passe : %v", err)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	oder, _ := x509.MarshalPKCS8PrivateKey(other)
	mismatch := filepath.Join(dir, "mismatch.pem")
	os.WriteFile(mismatch, append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: oder}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...), 0o600)
	if _, err := OpenKeyring(KeyOptions{Dir: filepath.Join(dir, "k4"), SigningCert: mismatch}); err == nil || !strings.Contains(err.Error(), "ne correspond") {
		t.Fatalf("clé étrangère : %v", err)
	}
}
