package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"acquis/internal/pdf"
	"acquis/internal/portfolio"
	"acquis/internal/verify"
)

// withdrawForm is a certificate's withdrawal; verify.Withdraw requires
// the reason.
type withdrawForm struct {
	Reason string `form:"reason"`
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
	cd, _ := s.portfolio.CertificateCandidacy(c.Request().Context(), id)
	var f withdrawForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	err = s.verify.Withdraw(c.Request().Context(), actor(c), id, f.Reason)
	if err != nil { // a refused reason is a 422 with its message (errors.go)
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
		if w, err = s.verify.WithdrawalOf(ctx, code); err != nil {
			return nil, nil, err
		}
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

// refuseWithdrawn refuses to print again a document the certifier
// withdrew: a fresh signed copy would look valid to whoever skips the
// verification page.
func (s *Server) refuseWithdrawn(c echo.Context, code string) error {
	w, err := s.verify.WithdrawalOf(c.Request().Context(), code)
	if err != nil {
		return err
	}
	if w != nil {
		return fail(http.StatusGone, "Ce document a été retiré par le certificateur le "+pdf.FormatDate(w.At)+" : il n'est plus délivré.")
	}
	return nil
}
