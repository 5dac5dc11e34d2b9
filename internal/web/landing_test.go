package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"acquis/internal/demo"
)

// TestLoginLandsOnOwnSpace: without a page asked for, each person lands on
// their own space after login; a safe « suite » is honoured, an unsafe one
// is not; the home page tells a visitor how to apply and whom to contact.
func TestLoginLandsOnOwnSpace(t *testing.T) {
	a := newApp(t)
	platformA := a.id(`SELECT o.id FROM organisations o JOIN user_roles r ON r.platform_id = o.id JOIN users u ON u.id = r.user_id WHERE u.email = $1`, whoEmails[mgrA])
	for w, want := range map[who]string{
		admin:  "/admin",
		mgrA:   platformPath(platformA),
		obsBzh: "/pilotage",
		juror:  "/jury",
		cand:   "/candidat",
	} {
		for suite, to := range map[string]string{"": want, "/": want, "/compte": "/compte", "//evil.example/": want} {
			c := a.client()
			c.get("/login")
			res := c.post("/login", url.Values{"email": {whoEmails[w]}, "password": {demo.Password}, "suite": {suite}})
			if res.Status != http.StatusSeeOther || res.Location != to {
				t.Fatalf("%s, suite %q : %d vers %q, attendu %q", whoNames[w], suite, res.Status, res.Location, to)
			}
			if suite == "" {
				if page := c.get(to); page.Status != http.StatusOK {
					t.Fatalf("%s : son espace %s répond %d", whoNames[w], to, page.Status)
				}
				// Already signed in, the login form sends them there too.
				if res := c.get("/login"); res.Location != to {
					t.Fatalf("%s : /login renvoie vers %q", whoNames[w], res.Location)
				}
			}
		}
	}
	home := html.UnescapeString(a.client().get("/").Body)
	for _, want := range []string{"Comment candidater", "Qui contacter", "plateforme départementale", "Finistère", "certificateur"} {
		if !strings.Contains(home, want) {
			t.Fatalf("accueil sans « %s »", want)
		}
	}
}
