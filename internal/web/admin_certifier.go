package web

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/certifier"
	"acquis/internal/frsize"
	"acquis/internal/pdf"
)

// adminCertifierView is the form of the certifier's identity, printed on
// every document.
type adminCertifierView struct {
	Layout
	Form    certifier.Identity
	Set     bool   // an identity was saved before
	LogoSay string // the stored logo, in words (« PNG, 12,3 Ko »)
	Errors  FormErrors
}

// adminCertifier shows the certifier's identity.
func (s *Server) adminCertifier(c echo.Context) error {
	id, err := s.certifier.Get(c.Request().Context())
	if err != nil && !errors.Is(err, certifier.ErrNotSet) {
		return err
	}
	return s.renderAdminCertifier(c, http.StatusOK, id, err == nil, nil)
}

func (s *Server) renderAdminCertifier(c echo.Context, status int, form certifier.Identity, set bool, errs FormErrors) error {
	v := adminCertifierView{Layout: s.layout(c, "Identité du certificateur"), Form: form, Set: set, Errors: errs}
	if stored, err := s.certifier.Get(c.Request().Context()); err == nil && stored.LogoType != nil {
		kind := "PNG"
		if *stored.LogoType == "image/jpeg" {
			kind = "JPEG"
		}
		v.LogoSay = kind + ", " + frsize.Format(int64(len(stored.Logo)))
	}
	return s.render.render(c, status, "admin_certifier", v)
}

// certifierForm is the certifier's identity as posted (the logo is a
// file, read apart). Lengths and characters are certifier's rules.
type certifierForm struct {
	Name              string `form:"name"`
	Address           string `form:"address"`
	SignatoryName     string `form:"signatory_name"`
	SignatoryFunction string `form:"signatory_function"`
	RNCPReference     string `form:"rncp_reference"`
	RemoveLogo        string `form:"remove_logo"`
}

// adminCertifierSave stores the identity (audited by the store). The logo
// is optional: without a new file the stored one is kept, unless
// « retirer le logo » is ticked.
func (s *Server) adminCertifierSave(c echo.Context) error {
	var f certifierForm
	if err := bindForm(c, &f); err != nil {
		return err // no rule in the tags: only a malformed body (400)
	}
	id := certifier.Identity{Name: f.Name, Address: f.Address, SignatoryName: f.SignatoryName,
		SignatoryFunction: f.SignatoryFunction, RNCPReference: f.RNCPReference}
	if fh, err := c.FormFile("logo"); err == nil && fh.Size > 0 {
		if fh.Size > certifier.MaxLogoBytes {
			return s.renderAdminCertifier(c, http.StatusUnprocessableEntity, id, false, FormErrors{"logo": "Le logo pèse " + frsize.Format(fh.Size) + " : 512 Ko au plus."})
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		id.Logo, err = io.ReadAll(io.LimitReader(f, certifier.MaxLogoBytes+1))
		f.Close()
		if err != nil {
			return err
		}
	}
	if err := s.certifier.Save(c.Request().Context(), actor(c), id, f.RemoveLogo == "1"); err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderAdminCertifier(c, http.StatusUnprocessableEntity, id, false, errs)
		})
	}
	return redirectWith(c, "/admin/certificateur", "Identité du certificateur enregistrée : elle figure sur les prochains documents.")
}

// issuer is the certifier's identity as the documents print it, or nil
// when none was set (the documents then name the référentiel's certifier).
func (s *Server) issuer(ctx context.Context) (*pdf.Issuer, error) {
	return pdf.IssuerFrom(ctx, s.certifier)
}
