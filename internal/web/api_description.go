package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/web/apidoc"
)

// apiDescription serves the OpenAPI 3.1 description of the JSON API, the
// one embedded in the binary (see package apidoc).
func (s *Server) apiDescription(c echo.Context) error {
	b, err := apidoc.JSON()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}
