package pdf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"acquis/internal/portfolio"
)

// testSigner is a self-signed P-256 certificate, as acquis makes at
// first start.
func testSigner(t testing.TB) *Signer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "CFEA — signature des documents"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &Signer{Key: key, Cert: cert, Name: "CFEA — Cé Certificateur"}
}

// pdfsig runs poppler's pdfsig on doc and returns its report.
func pdfsig(t *testing.T, doc []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdfsig"); err != nil {
		t.Fatal("pdfsig absent : lancez scripts/deps.sh test (poppler-utils)")
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("pdfsig", p).CombinedOutput()
	return string(out)
}

// TestSignedPDFVerifies: poppler's pdfsig finds one valid PAdES
// signature on a signed attestation and on signed minutes, and reports
// the signature invalid once one byte of the signed content is changed.
func TestSignedPDFVerifies(t *testing.T) {
	cert := certification(t, "RNCP37779")
	att, err := Attestation("Élodie Œuvray", cert, portfolio.AcquiredBlock{ID: 1, BlockCode: cert.Blocks[0].Code, BlockTitle: cert.Blocks[0].Title, AcquiredOn: at, How: "jury"}, Verification{URL: "http://acquis.test/verifier/0123456789abcdef01234567", Code: "0123-4567-89ab-cdef-0123-4567"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	min, err := Minutes(minutesFor(3), strings.Repeat("cd", 32))
	if err != nil {
		t.Fatal(err)
	}
	s := testSigner(t)
	for name, doc := range map[string][]byte{"attestation": att, "procès-verbal": min} {
		signed, err := Sign(doc, s, at, "Attestation délivrée par le certificateur")
		if err != nil {
			t.Fatal(err)
		}
		rep := pdfsig(t, signed)
		if !strings.Contains(rep, "Signature is Valid") || !strings.Contains(rep, "ETSI.CAdES.detached") || strings.Count(rep, "Signature #") != 1 {
			t.Fatalf("%s : pdfsig ne valide pas la signature :\n%s", name, rep)
		}
		// The signature is an incremental update: the document as
		// generated is untouched.
		if !strings.HasPrefix(string(signed), string(doc)) {
			t.Fatalf("%s : le document signé ne commence pas par le document généré", name)
		}
		// Change one letter of the printed text.
		i := strings.Index(string(signed), "BT")
		tampered := append([]byte(nil), signed...)
		tampered[i+10] ^= 0x01
		rep = pdfsig(t, tampered)
		if strings.Contains(rep, "Signature is Valid") || !strings.Contains(rep, "Signature is Invalid") && !strings.Contains(rep, "Digest Mismatch") {
			t.Fatalf("%s : un octet changé n'invalide pas la signature :\n%s", name, rep)
		}
	}
}

// TestSignedPDFIsWellFormed: qpdf finds no damage in a signed document.
func TestSignedPDFIsWellFormed(t *testing.T) {
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Fatal("qpdf absent : lancez scripts/deps.sh test")
	}
	cert := certification(t, "RNCP37779")
	// The QR code is a link: the page already has annotations, to which
	// the signature field is added.
	att, err := Attestation("Élodie", cert, portfolio.AcquiredBlock{ID: 1, BlockCode: cert.Blocks[0].Code, AcquiredOn: at, How: "jury"},
		Verification{URL: "http://acquis.test/verifier/0123456789abcdef01234567", Code: "0123"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(att), "/Annots [") {
		t.Fatal("l'attestation n'a pas d'annotation (lien du code QR)")
	}
	signed, err := Sign(att, testSigner(t), at, "Attestation")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "s.pdf")
	if err := os.WriteFile(p, signed, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qpdf", "--check", p).CombinedOutput(); err != nil || strings.Contains(string(out), "WARNING") {
		t.Fatalf("qpdf : %v\n%s", err, out)
	}
	if rep := pdfsig(t, signed); !strings.Contains(rep, "Signature is Valid") {
		t.Fatalf("pdfsig :\n%s", rep)
	}
	// The signature field is in the page's annotations, beside the link.
	if !regexp.MustCompile(`/Annots \[\d+ 0 R <</Type /Annot /Subtype /Link`).MatchString(string(signed[len(att):])) {
		t.Fatalf("la page signée n'a plus le lien du code QR :\n%s", signed[len(att):len(att)+200])
	}
}
