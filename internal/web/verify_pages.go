package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/verify"
)

// addresses are the public addresses of credentials and verification.
func (s *Server) addresses() verify.Addresses { return verify.Addresses{Base: s.cfg.BaseURL} }

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
