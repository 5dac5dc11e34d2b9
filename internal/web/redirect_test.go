package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"acquis/internal/demo"
)

// TestSafeNext (issue 13, finding 7): only a local path survives as the
// post-login destination; every way browsers have of reading a string as
// another site falls back to the home page.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	off := []string{
		"", "x", "evil.example", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\r\n/evil.example", "\t//evil.example", " //evil.example",
		"/\x00/evil.example", "/\x0b/evil.example", "/\x7f/evil.example", "/\u0085/evil.example", "/\u2028/evil.example",
		"/%09/evil.example", "/%0a/evil.example", "/%0D/evil.example", "/%2F/evil.example", "/%2f%2fevil.example", "/%5C/evil.example", "/%5c%5cevil.example",
		"https:evil.example", "https://evil.example", "http:/evil.example", "javascript:alert(1)", "data:text/html,x", "HTTPS://evil.example",
		"/compte\\..\\..\\evil", "/%zz", "/\xff/x",
	}
	for _, v := range off {
		if got := safeNext(v); got != "/" {
			t.Errorf("safeNext(%q) = %q, attendu /", v, got)
		}
	}
	local := []string{"/", "/compte", "/candidatures/12", "/indicateurs/blocs?region=53&du=2024-01-01", "/referentiels/RNCP37779#blocs", "/a/b//c", "/caf%C3%A9"}
	for _, v := range local {
		if got := safeNext(v); got != v {
			t.Errorf("safeNext(%q) = %q, attendu inchangé", v, got)
		}
	}
}

// TestLoginRedirectStaysLocal: the login form itself refuses a tab-split
// destination.
func TestLoginRedirectStaysLocal(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, next := range []string{"/\t/evil.example", "/\n/evil.example", "/%09/evil.example"} {
		c := a.client()
		c.get("/login?suite=" + url.QueryEscape(next))
		res := c.post("/login", url.Values{"email": {"gaelle.lebihan@demo.acquis.fr"}, "password": {demo.Password}, "suite": {next}})
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/plateformes/") { // her own space
			t.Errorf("suite %q : %d %q", next, res.Status, res.Location)
		}
	}
}
