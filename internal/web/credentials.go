package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/portfolio"
	"acquis/internal/verify"
)

// jwks publishes every credential public key, old ones included, so that
// a credential issued before a rotation still verifies.
func (s *Server) jwks(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSON(http.StatusOK, s.keys.JWKS())
}

// issuerProfile is the Open Badges issuer profile, at a stable address.
func (s *Server) issuerProfile(c echo.Context) error {
	return c.JSON(http.StatusOK, verify.IssuerProfile(s.addresses(), s.certifier.Name(c.Request().Context())))
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
func (s *Server) certificateCredential(c echo.Context, cd *portfolio.Candidacy) error {
	h, _, code, err := s.heldCertificate(c, cd)
	if err != nil {
		return err
	}
	return s.credential(c, code, "certificat-"+h.Certificate.Number+".jwt")
}

// attestationCredential downloads a bloc's attestation as an Open
// Badges 3.0 credential.
func (s *Server) attestationCredential(c echo.Context, cd *portfolio.Candidacy) error {
	b, _, code, err := s.heldBlock(c, cd)
	if err != nil {
		return err
	}
	return s.credential(c, code, "attestation-"+b.BlockCode+".jwt")
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
