package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestPostedKeepsChoicesNotSecrets: the form kept for a page after an
// error holds every choice, per form, and never a password or the token.
func TestPostedKeepsChoicesNotSecrets(t *testing.T) {
	form := url.Values{"vers": {"not_admissible"}, "evaluators": {"3", "5"}, "password": {"secret"}, "_csrf": {"tok"}}
	req := httptest.NewRequest(http.MethodPost, "/certificateur/candidatures/7/etat", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p := postedOf(echo.New().NewContext(req, httptest.NewRecorder()))
	path := "/certificateur/candidatures/7/etat"
	if !p.Is(path, "vers", "not_admissible") || p.Is(path, "vers", "admissible") || !p.Is(path, "evaluators", "5") {
		t.Fatalf("choix perdus : %+v", p)
	}
	if p.Is("/autre", "vers", "not_admissible") || p.Get("/autre", "vers") != "" {
		t.Fatal("un autre formulaire de la page reprend ces valeurs")
	}
	if p.Get(path, "password") != "" || p.Get(path, "_csrf") != "" {
		t.Fatal("un secret est gardé pour la page")
	}
	get := httptest.NewRequest(http.MethodGet, "/x?vers=admissible", nil)
	if q := postedOf(echo.New().NewContext(get, httptest.NewRecorder())); q.From("/x") {
		t.Fatal("une page ouverte par GET se croit renvoyée après erreur")
	}
}
