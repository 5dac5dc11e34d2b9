package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/referentiel"
)

type homeView struct {
	Layout
	Certifications []referentiel.Summary
}

func (s *Server) home(c echo.Context) error {
	list, err := s.refs.Certifications(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "home", homeView{Layout: s.layout(c, "Accueil"), Certifications: list})
}
