package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestNoPreSessionCookieOnPublicAnswers: answers that shared caches may
// keep (the published keys, the status list, the issuer, the signing
// certificates, the API description, static files) carry no Set-Cookie;
// a page with a form still gives an anonymous browser its pre-session
// secret, and its form still posts.
func TestNoPreSessionCookieOnPublicAnswers(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, path := range []string{"/.well-known/jwks.json", "/statut/liste", "/emetteur", "/emetteur/certificats.pem", "/api/v1/openapi.json", "/healthz", a.s.assets.url("acquis.css")} {
		res := a.client().get(path)
		if res.Status != http.StatusOK {
			t.Fatalf("%s : %d", path, res.Status)
		}
		if c := res.Header.Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("%s pose un cookie : %v", path, c)
		}
	}
	c := a.client()
	page := c.get("/login")
	if !strings.Contains(strings.Join(page.Header.Values("Set-Cookie"), " "), csrfCookie+"=") {
		t.Fatal("la page de connexion ne donne pas de secret avant session")
	}
	c.login(whoEmails[cand])
}
