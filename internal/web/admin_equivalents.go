package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/form"
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
// equivalentForm is a title recognised as equivalent, with its decision.
type equivalentForm struct {
	Title       string `form:"title"`
	DecisionRef string `form:"decision_ref"`
	DecidedOn   string `form:"decided_on" label:"La date de la décision" validate:"omitempty,isodate"`
}

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
	var f equivalentForm
	err := bindForm(c, &f)
	var decided *time.Time
	if t, ok := form.ParseDate(f.DecidedOn); ok {
		decided = &t
	}
	if err == nil {
		_, err = s.staff.AddEquivalent(c.Request().Context(), actor(c), f.Title, f.DecisionRef, decided)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderAdminEquivalents(c, http.StatusUnprocessableEntity, f, errs)
		})
	}
	return redirectWith(c, "/admin/certifications-equivalentes", "« "+strings.Join(strings.Fields(f.Title), " ")+" » est ajoutée à la liste des certifications reconnues équivalentes.")
}
