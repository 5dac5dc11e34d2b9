package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/form"
	"acquis/internal/indicators"
)

type followupView struct {
	Layout
	Due        []indicators.Due
	Situations []struct{ Code, Label string }
	Today      time.Time
	Errors     FormErrors
}

// followups lists the certified people whose 6-month or 2-year survey
// answer is due, each with a form to record it.
func (s *Server) followups(c echo.Context) error { return s.renderFollowups(c, http.StatusOK, nil) }

func (s *Server) renderFollowups(c echo.Context, status int, errs FormErrors) error {
	due, err := s.indicators.FollowupsDue(c.Request().Context(), time.Now(), 200)
	if err != nil {
		return err
	}
	return s.render.render(c, status, "followups", followupView{Layout: s.layout(c, "Suivi des certifiés"), Due: due,
		Situations: indicators.Situations, Today: time.Now(), Errors: errs})
}

// followupForm is one answer of a follow-up survey. The page lists every
// certificate with a small form each: the messages go on top ("" field).
type followupForm struct {
	Horizon    string `form:"horizon"`
	Situation  string `form:"situation"`
	AnsweredOn string `form:"answered_on" validate:"isodate" msg:"Date de réponse invalide : attendu AAAA-MM-JJ."`
}

// followupRecord records one answer.
func (s *Server) followupRecord(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("cert"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	var f followupForm
	err = bindForm(c, &f)
	on, _ := form.ParseDate(f.AnsweredOn)
	if err == nil {
		err = s.indicators.RecordFollowup(c.Request().Context(), actor(c), id, f.Horizon, f.Situation, on, time.Now())
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderFollowups(c, http.StatusUnprocessableEntity, errs.Whole()) })
	}
	return redirectWith(c, "/certificateur/suivi", "Réponse enregistrée.")
}
