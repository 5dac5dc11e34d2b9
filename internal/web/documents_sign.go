package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/jury"
	"acquis/internal/pdf"
	"acquis/internal/verify"
)

// pdfSigner is the key and certificate that sign the documents.
func pdfSigner(k *verify.Keyring, name string) *pdf.Signer {
	p := k.PDFSigner()
	return &pdf.Signer{Key: p.Key, Cert: p.Cert, Chain: p.Chain, Name: name}
}

// signedMinutes prints the minutes with render and signs them (PAdES)
// with the certifier's key, so that the stored document is the signed one.
func signedMinutes(k *verify.Keyring, render jury.MinutesRenderer) jury.MinutesRenderer {
	return func(m *jury.MinutesContent, sum string) ([]byte, error) {
		doc, err := render(m, sum)
		if err != nil {
			return nil, err
		}
		return pdf.Sign(doc, pdfSigner(k, m.Certifier), m.SignedAt, "Procès-verbal de délibération signé par la présidence du jury")
	}
}

// isSigned reports whether a stored PDF already carries a signature
// (minutes signed before signatures existed do not).
func isSigned(doc []byte) bool { return bytes.Contains(doc, []byte("/ETSI.CAdES.detached")) }

// verification is the address printed on a document for its code.
func (s *Server) verification(code string) pdf.Verification {
	return pdf.Verification{URL: s.addresses().Verify(code), Code: verify.FormatCode(code)}
}

// signingCertificates publishes the certificates that sign the PDFs,
// current and past, so that a verifier can compare the one a PDF reader
// shows, or trust a self-signed one explicitly.
func (s *Server) signingCertificates(c echo.Context) error {
	var b bytes.Buffer
	for _, cert := range s.keys.PDFCertificates() {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/x-pem-file", b.Bytes())
}

// fingerprints are the SHA-256 fingerprints of the PDF signing
// certificates, as PDF readers show them.
func (s *Server) fingerprints() []string {
	var out []string
	for _, cert := range s.keys.PDFCertificates() {
		sum := sha256.Sum256(cert.Raw)
		h := strings.ToUpper(hex.EncodeToString(sum[:]))
		var parts []string
		for i := 0; i < len(h); i += 2 {
			parts = append(parts, h[i:i+2])
		}
		out = append(out, strings.Join(parts, ":"))
	}
	return out
}
