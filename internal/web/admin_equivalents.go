package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/staff"
)

// adminEquivalentsView is the certifier's list of equivalent
// certifications and the form that adds one.
type adminEquivalentsView struct {
	Layout
	List   []staff.EquivalentCertification
	Form   equivalentForm
	Errors FormErrors
}

// equivalentForm is the form as typed, shown again on a refusal.
type equivalentForm struct{ Title, DecisionRef, DecidedOn string }

// adminEquivalents lists the titles recognised as equivalent (issue 14 #8).
func (s *Server) adminEquivalents(c echo.Context) error {
	return s.renderAdminEquivalents(c, http.StatusOK, equivalentForm{}, nil)
}

func (s *Server) renderAdminEquivalents(c echo.Context, status int, form equivalentForm, errs FormErrors) error {
	list, err := s.staff.Equivalents(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render.render(c, status, "admin_equivalents", adminEquivalentsView{Layout: s.layout(c, "Certifications reconnues équivalentes"),
		List: list, Form: form, Errors: errs})
}

// adminEquivalentCreate adds a recognised title with its decision.
func (s *Server) adminEquivalentCreate(c echo.Context) error {
	form := equivalentForm{Title: c.FormValue("title"), DecisionRef: c.FormValue("decision_ref"), DecidedOn: strings.TrimSpace(c.FormValue("decided_on"))}
	var decided *time.Time
	if form.DecidedOn != "" {
		t, err := time.Parse("2006-01-02", form.DecidedOn)
		if err != nil {
			return s.renderAdminEquivalents(c, http.StatusUnprocessableEntity, form, FormErrors{"decided_on": "Date invalide (attendu : AAAA-MM-JJ)."})
		}
		decided = &t
	}
	_, err := s.staff.AddEquivalent(c.Request().Context(), actor(c), form.Title, form.DecisionRef, decided)
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderAdminEquivalents(c, http.StatusUnprocessableEntity, form, errs)
		})
	}
	return redirectWith(c, "/admin/certifications-equivalentes", "« "+strings.Join(strings.Fields(form.Title), " ")+" » est ajoutée à la liste des certifications reconnues équivalentes.")
}
