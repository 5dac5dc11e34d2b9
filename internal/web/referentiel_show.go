package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/referentiel"
)

type referentielListView struct {
	Layout
	Certifications []referentiel.Summary
}

func (s *Server) referentielList(c echo.Context) error {
	list, err := s.refs.Certifications(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "referentiels", referentielListView{Layout: s.layout(c, "Référentiels"), Certifications: list})
}

type referentielView struct {
	Layout
	Cert *referentiel.Certification
	// Certifier may offer a template per deliverable; Templates are those
	// offered now, by deliverable code.
	Certifier bool
	Templates map[string]*referentiel.Template
	Errors    FormErrors
}

func (s *Server) referentielShow(c echo.Context) error {
	cert, err := s.refs.Certification(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return s.renderReferentiel(c, cert, http.StatusOK, nil)
}

func (s *Server) apiCertificationList(c echo.Context) error {
	list, err := s.refs.Certifications(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"certifications": list})
}

func (s *Server) apiCertificationShow(c echo.Context) error {
	cert, err := s.refs.Certification(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cert)
}
