package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz answers 200 when the database answers, 503 otherwise, so a load
// balancer stops sending traffic to an instance that lost its database.
func (s *Server) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "indisponible", "error": "base de données injoignable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
