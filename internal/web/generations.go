package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/generation"
)

// ctxGenerations holds the generations the session lookup read.
const ctxGenerations = "generations"

// generations returns the counters of the kept results (package
// generation) as committed when the request began: read with the session
// when there is one (no round trip of its own), otherwise read now. A
// request that writes reads them again, after its own writes, so that it
// never serves a page kept from before them.
func (s *Server) generations(c echo.Context) (generation.Generations, error) {
	if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
		if g, ok := c.Get(ctxGenerations).(generation.Generations); ok {
			return g, nil
		}
	}
	return s.gens.Read(c.Request().Context())
}
