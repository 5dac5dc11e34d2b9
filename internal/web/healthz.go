package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/pgembed"
)

// healthz answers 200 when the database answers, 503 otherwise, so a load
// balancer stops sending traffic to an instance that lost its database.
// With the embedded PostgreSQL it also says whether it runs, is being
// restarted after dying, or could not be restarted (acquis then exits
// non-zero for its supervisor to start it again), and how many restarts
// there were.
func (s *Server) healthz(c echo.Context) error {
	body := map[string]any{"status": "ok"}
	status := http.StatusOK
	if s.embedded != nil {
		h := s.embedded()
		base := map[string]any{"mode": "embarquée", "état": h.State, "redémarrages": h.Restarts}
		if h.LastError != "" {
			base["dernière_erreur"] = h.LastError
		}
		switch h.State {
		case pgembed.Restarting:
			body["status"], body["error"] = "indisponible", "PostgreSQL embarqué arrêté : redémarrage en cours"
			status = http.StatusServiceUnavailable
		case pgembed.Failed:
			body["status"], body["error"] = "indisponible", "PostgreSQL embarqué arrêté et non redémarré : acquis s'arrête pour être relancé par son superviseur"
			status = http.StatusServiceUnavailable
		}
		body["base"] = base
	}
	if status == http.StatusOK {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := s.db.PingContext(ctx); err != nil {
			body["status"], body["error"] = "indisponible", "base de données injoignable"
			status = http.StatusServiceUnavailable
		}
	}
	return c.JSON(status, body)
}
