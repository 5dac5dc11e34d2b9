package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"

	"acquis/internal/jury"
	"acquis/internal/pdf"
	"acquis/internal/portfolio"
	"acquis/internal/verify"
)

// addresses are the public addresses of credentials and verification.
func (s *Server) addresses() verify.Addresses { return verify.Addresses{Base: s.cfg.BaseURL} }

// pdfSigner is the key and certificate that sign the documents.
func pdfSigner(k *verify.Keyring, name string) *pdf.Signer {
	p := k.PDFSigner()
	return &pdf.Signer{Key: p.Key, Cert: p.Cert, Chain: p.Chain, Name: name}
}

// signedMinutes prints the minutes and signs them (PAdES) with the
// certifier's key, so that the stored document is the signed one.
func signedMinutes(k *verify.Keyring) jury.MinutesRenderer {
	return func(m *jury.MinutesContent, sum string) ([]byte, error) {
		doc, err := pdf.Minutes(m, sum)
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

// limitVerify refuses a client that asks too many verifications.
func (s *Server) limitVerify(c echo.Context) error {
	if !s.verifyLimit.allow(c.RealIP()) {
		c.Response().Header().Set("Retry-After", "2")
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	return nil
}

// noIndex keeps the verification pages out of search engines: a code
// is shared by its holder, never published.
func noIndex(c echo.Context) {
	h := c.Response().Header()
	h.Set("X-Robots-Tag", "noindex, nofollow, noarchive")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
}

type verifyView struct {
	Layout
	// Fingerprints are the PDF signing certificates' SHA-256.
	Fingerprints []string
	Code         string
	Asked        bool
	R            *verify.Record
	Amendment    *verify.Amendment
}

// verifyForm lets a visitor type a code read off a document.
func (s *Server) verifyForm(c echo.Context) error {
	noIndex(c)
	if q := c.QueryParam("code"); q != "" {
		if err := s.limitVerify(c); err != nil {
			return err
		}
		if code := verify.NormaliseCode(q); code != "" {
			return c.Redirect(http.StatusSeeOther, "/verifier/"+code)
		}
		return s.verifyRender(c, http.StatusNotFound, verifyView{Asked: true, Code: q})
	}
	return s.verifyRender(c, http.StatusOK, verifyView{})
}

// verifyShow is the public verification page of a code: the holder, the
// certification, the blocs and the status. A wrong code gets the same
// answer whatever the reason, so the page reveals nothing.
func (s *Server) verifyShow(c echo.Context) error {
	noIndex(c)
	if err := s.limitVerify(c); err != nil {
		return err
	}
	r, err := s.verify.Lookup(c.Request().Context(), c.Param("code"))
	if errors.Is(err, verify.ErrNotFound) {
		return s.verifyRender(c, http.StatusNotFound, verifyView{Asked: true, Code: c.Param("code")})
	}
	if err != nil {
		return err
	}
	return s.verifyRender(c, http.StatusOK, verifyView{Asked: true, Code: verify.FormatCode(r.Code), R: r, Amendment: r.LastAmendment()})
}

func (s *Server) verifyRender(c echo.Context, status int, v verifyView) error {
	title := "Vérifier un certificat"
	if v.R != nil {
		title = "Vérification : " + v.R.HolderName
	}
	v.Layout = s.layout(c, title)
	v.Layout.NoIndex = true
	v.Fingerprints = s.fingerprints()
	return s.render.render(c, status, "verify", v)
}

// statusView is the status check's answer (README, « Vérifier un
// certificat »).
type statusView struct {
	ID          string     `json:"id"`
	Status      string     `json:"status"`
	Revoked     bool       `json:"revoked"`
	WithdrawnOn *time.Time `json:"withdrawn_on,omitempty"`
	Amendment   int        `json:"amendment,omitempty"`
	AmendedOn   *time.Time `json:"amended_on,omitempty"`
	Number      string     `json:"certificate_number,omitempty"`
	CheckedAt   time.Time  `json:"checked_at"`
}

// verifyStatus answers whether a credential still stands: valide,
// corrige (amended: the verification page shows the values in force) or
// retire (withdrawn).
func (s *Server) verifyStatus(c echo.Context) error {
	noIndex(c)
	if err := s.limitVerify(c); err != nil {
		return err
	}
	r, err := s.verify.Lookup(c.Request().Context(), c.Param("code"))
	if errors.Is(err, verify.ErrNotFound) {
		return c.JSON(http.StatusNotFound, map[string]string{"error": "Aucun certificat ni attestation ne correspond à ce code."})
	}
	if err != nil {
		return err
	}
	v := statusView{ID: s.addresses().Verify(r.Code), Status: string(r.Status()), Revoked: r.Withdrawal != nil, Number: r.CertificateNumber, CheckedAt: time.Now().UTC()}
	if r.Withdrawal != nil {
		v.WithdrawnOn = &r.Withdrawal.At
	}
	if a := r.LastAmendment(); a != nil {
		v.Amendment, v.AmendedOn = a.N, &a.SignedAt
	}
	return c.JSON(http.StatusOK, v)
}

// jwks publishes every credential public key, old ones included, so that
// a credential issued before a rotation still verifies.
func (s *Server) jwks(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, s.keys.JWKS())
}

// certifierName names the certifier(s) of the loaded référentiels, for
// the issuer profile and the subject of a generated signing certificate.
func certifierName(d *sqlx.DB) string {
	var names []string
	if err := d.Select(&names, `SELECT DISTINCT certifier FROM certifications ORDER BY 1`); err != nil || len(names) == 0 {
		return "acquis"
	}
	return strings.Join(names, ", ")
}

// issuerProfile is the Open Badges issuer profile, at a stable address.
func (s *Server) issuerProfile(c echo.Context) error {
	return c.JSON(http.StatusOK, verify.IssuerProfile(s.addresses(), certifierName(s.db)))
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

// sendCredential serves a credential as a download.
func sendCredential(c echo.Context, name, jwt string) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, attachment(name))
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/vc+jwt", []byte(jwt))
}

// credential signs the Open Badges credential of a verification code.
func (s *Server) credential(c echo.Context, code, name string) error {
	r, err := s.verify.Lookup(c.Request().Context(), code)
	if err != nil {
		return err
	}
	if r.Withdrawal != nil {
		return fail(http.StatusGone, "Ce document a été retiré par le certificateur : il n'y a plus de badge à télécharger.")
	}
	jwt, err := s.keys.SignCredential(verify.Credential(r, s.addresses()), time.Now())
	if err != nil {
		return err
	}
	return sendCredential(c, name, jwt)
}

// certificateCredential downloads the certificate as an Open Badges 3.0
// credential.
func (s *Server) certificateCredential(c echo.Context) error {
	h, _, err := s.holdings(c)
	if err != nil {
		return err
	}
	if h.Certificate == nil {
		return fail(http.StatusNotFound, "La certification n'est pas encore obtenue : il n'y a pas de certificat.")
	}
	code, err := s.verify.CodeForCertificate(c.Request().Context(), h.Certificate.ID)
	if err != nil {
		return err
	}
	return s.credential(c, code, "certificat-"+h.Certificate.Number+".jwt")
}

// attestationCredential downloads a bloc's attestation as an Open
// Badges 3.0 credential.
func (s *Server) attestationCredential(c echo.Context) error {
	h, _, err := s.holdings(c)
	if err != nil {
		return err
	}
	b, ok := h.Block(c.Param("block"))
	if !ok {
		return fail(http.StatusNotFound, "Ce bloc n'est pas acquis : il n'y a pas d'attestation.")
	}
	code, err := s.verify.CodeForBlock(c.Request().Context(), b.ID)
	if err != nil {
		return err
	}
	return s.credential(c, code, "attestation-"+b.BlockCode+".jwt")
}

// certificateWithdraw lets the certifier withdraw a certificate (fraud),
// with a reason; the verification page and the status check say
// « retiré » from then on.
func (s *Server) certificateWithdraw(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("cid"), 10, 64)
	if err != nil {
		return fail(http.StatusNotFound, "Ce certificat n'existe pas.")
	}
	// Only to send the certifier back to the candidacy afterwards: an
	// unknown certificate is refused by Withdraw itself.
	var cd int64
	_ = s.db.GetContext(c.Request().Context(), &cd, `SELECT coalesce(candidacy_id, 0) FROM certificates WHERE id = $1`, id)
	err = s.verify.Withdraw(c.Request().Context(), actor(c), id, c.FormValue("reason"))
	var ie *verify.InvalidError
	if errors.As(err, &ie) {
		return fail(http.StatusUnprocessableEntity, ie.Msg)
	}
	if err != nil {
		return err
	}
	flash(c, "Certificat retiré : la page de vérification et le statut du badge indiquent désormais « retiré ».")
	if cd != 0 {
		return c.Redirect(http.StatusSeeOther, "/candidatures/"+strconv.FormatInt(cd, 10))
	}
	return c.Redirect(http.StatusSeeOther, "/certificateur/recevabilite")
}

// verificationCodes reads the codes of what a person holds of one
// certification, for the candidacy page's links, and whether the
// certificate was withdrawn.
func (s *Server) verificationCodes(ctx context.Context, h portfolio.Holdings) (map[string]string, *verify.Withdrawal, error) {
	out := map[string]string{}
	var w *verify.Withdrawal
	if h.Certificate != nil {
		code, err := s.verify.CodeForCertificate(ctx, h.Certificate.ID)
		if err != nil {
			return nil, nil, err
		}
		out[""] = code
		r, err := s.verify.Lookup(ctx, code)
		if err != nil {
			return nil, nil, err
		}
		w = r.Withdrawal
	}
	for _, b := range h.Blocks {
		code, err := s.verify.CodeForBlock(ctx, b.ID)
		if err != nil {
			return nil, nil, err
		}
		out[b.BlockCode] = code
	}
	return out, w, nil
}

// statusList serves the certifier's Bitstring Status List credential,
// signed like the credentials: bit n set means the credential at
// statusListIndex n is revoked (withdrawn).
func (s *Server) statusList(c echo.Context) error {
	ctx := c.Request().Context()
	revoked, highest, err := s.verify.RevokedIndexes(ctx)
	if err != nil {
		return err
	}
	enc, err := verify.EncodeList(revoked, highest)
	if err != nil {
		return err
	}
	jwt, err := s.keys.SignCredential(verify.StatusListCredential(s.addresses(), enc, time.Now()), time.Now())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.Blob(http.StatusOK, "application/vc+jwt", []byte(jwt))
}
