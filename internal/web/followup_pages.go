package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

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

// followupRecord records one answer.
func (s *Server) followupRecord(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("cert"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	on, err := time.Parse("2006-01-02", strings.TrimSpace(c.FormValue("answered_on")))
	if err != nil {
		return s.renderFollowups(c, http.StatusUnprocessableEntity, FormErrors{"": "Date de réponse invalide : attendu AAAA-MM-JJ."})
	}
	err = s.indicators.RecordFollowup(c.Request().Context(), actor(c), id, c.FormValue("horizon"), c.FormValue("situation"), on, time.Now())
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderFollowups(c, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, "/certificateur/suivi", "Réponse enregistrée.")
}
