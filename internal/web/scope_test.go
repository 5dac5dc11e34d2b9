package web

import (
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/portfolio"
)

// TestScopeNeedsItsParameters: a scope registered on a path without the
// parameter it reads stops start-up (a panic while the routes are
// registered), instead of answering 404 to every request; the same scope
// on a path that has it registers. A handler of the wrong record type
// does not compile at all, so it has no test.
func TestScopeNeedsItsParameters(t *testing.T) {
	s := &Server{echo: echo.New()}
	h := func(echo.Context, *portfolio.Candidacy) error { return nil }
	handleIn(s, "GET", "/candidatures/:id", account.ActCandidacyRead, s.candidacyScope(), h)
	if len(s.Routes()) != 1 {
		t.Fatalf("route non enregistrée : %v", s.Routes())
	}
	defer func() {
		r := recover()
		if msg, _ := r.(string); !strings.Contains(msg, ":id") {
			t.Fatalf("une portée sans son paramètre devrait arrêter le démarrage, obtenu %v", r)
		}
	}()
	handleIn(s, "GET", "/candidatures/:cid", account.ActCandidacyRead, s.candidacyScope(), h)
}
