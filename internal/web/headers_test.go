package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"acquis/internal/config"
	"acquis/internal/demo"
)

// TestNoStoreWhenSignedIn (issue 13, finding 17): no signed-in answer may
// be kept by a browser or a shared cache: pages, documents, exports, JSON,
// the outbox.
func TestNoStoreWhenSignedIn(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd, doc := a.candidacyWithDocument(whoEmails[cand])
	pA := itoa(a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`))
	check := func(who string, paths ...string) {
		c := a.client()
		c.login(who)
		for _, p := range paths {
			res := c.get(p)
			if res.Status != http.StatusOK {
				t.Errorf("%s %s : %d", who, p, res.Status)
				continue
			}
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("%s %s : Cache-Control %q", who, p, cc)
			}
		}
	}
	check(whoEmails[admin], "/", "/compte", "/compte/donnees", "/admin/users", "/admin/outbox", "/admin/audit",
		"/indicateurs/blocs", "/indicateurs/blocs/csv", "/indicateurs/durees/xlsx", "/api/v1/indicators",
		"/plateformes/"+pA, "/plateformes/"+pA+"/effectif.csv", "/plateformes/"+pA+"/plan.csv", "/plateformes/"+pA+"/effectif.xlsx",
		"/candidatures/"+itoa(cd), "/documents/"+itoa(doc))
	check(whoEmails[cand], "/candidat", "/candidatures/"+itoa(cd), "/documents/"+itoa(doc), "/api/v1/candidacies", "/api/v1/candidacies/"+itoa(cd))
	// Static assets stay cacheable.
	c := a.client()
	res := c.get("/login")
	i := strings.Index(res.Body, "/static/")
	if i < 0 {
		t.Fatal("pas de ressource statique sur la page de connexion")
	}
	asset := res.Body[i : i+strings.IndexAny(res.Body[i:], `"'`)]
	fresh := a.client() // no cookie yet: nothing may be set on a cached asset
	if r := fresh.get(asset); r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || len(r.Header.Values("Set-Cookie")) > 0 {
		t.Errorf("%s : %d %q, cookies %v", asset, r.Status, r.Header.Get("Cache-Control"), r.Header.Values("Set-Cookie"))
	}
}

// TestHTTPSHeaders: under an https base URL, HSTS is sent and every
// cookie, the flash message's included, is Secure; under http, neither.
func TestHTTPSHeaders(t *testing.T) {
	t.Parallel()
	a := newAppWith(t, func(c *config.Config) { c.BaseURL = "https://acquis.test" }, nil)
	c := a.client()
	res := c.get("/login")
	if hsts := res.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Fatalf("pas de HSTS sous https : %q", hsts)
	}
	// The jar does not send Secure cookies over the test's plain http: the
	// login's answer itself is examined.
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/login", strings.NewReader(url.Values{
		"email": {"admin@demo.acquis.fr"}, "password": {demo.Password}, "_csrf": {c.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range res.Header.Values("Set-Cookie") {
		name, rest, _ := strings.Cut(ck, "=")
		value, _, _ := strings.Cut(rest, ";")
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("connexion : %d", resp.StatusCode)
	}
	names := map[string]bool{}
	for _, ck := range resp.Cookies() {
		names[ck.Name] = true
		if !ck.Secure {
			t.Errorf("cookie %s sans Secure sous https", ck.Name)
		}
	}
	if !names[flashCookie] || !names[sessionCookie] {
		t.Fatalf("cookies posés : %v", names)
	}
	b := newApp(t)
	if hsts := b.client().get("/login").Header.Get("Strict-Transport-Security"); hsts != "" {
		t.Errorf("HSTS sous http : %q", hsts)
	}
}
