package web

import (
	"net/http"
	"strings"
	"testing"

	"acquis/internal/pgembed"
)

// TestHealthzSaysEmbeddedState: /healthz tells a supervisor whether the
// embedded PostgreSQL runs (and how often it was restarted), is being
// restarted, or could not be, in which case acquis exits.
func TestHealthzSaysEmbeddedState(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	for _, tc := range []struct {
		h      pgembed.Health
		status int
		want   string
	}{
		{pgembed.Health{State: pgembed.Running, Restarts: 2}, http.StatusOK, `"redémarrages":2`},
		{pgembed.Health{State: pgembed.Restarting, Restarts: 2, LastError: "postgres s'est arrêté"}, http.StatusServiceUnavailable, "redémarrage en cours"},
		{pgembed.Health{State: pgembed.Failed, Restarts: 2}, http.StatusServiceUnavailable, "non redémarré"},
	} {
		h := tc.h
		a.s.embedded = func() pgembed.Health { return h }
		res := c.get("/healthz")
		if res.Status != tc.status || !strings.Contains(res.Body, tc.want) || !strings.Contains(res.Body, `"état":"`+h.State+`"`) {
			t.Errorf("%s : %d %s", h.State, res.Status, res.Body)
		}
	}
}
