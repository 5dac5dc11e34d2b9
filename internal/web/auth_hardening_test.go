package web

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"acquis/internal/blob"
	"acquis/internal/config"
	"acquis/internal/db/dbtest"
	"acquis/internal/demo"
)

// newAppWith is newApp with a changed configuration.
func newAppWith(t *testing.T, change func(*config.Config), log *slog.Logger) *app {
	t.Helper()
	d := dbtest.New(t)
	cfg := config.Defaults()
	cfg.BaseURL = "http://acquis.test"
	change(&cfg)
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := New(Deps{Config: cfg, DB: d, Blobs: blobs, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &app{t: t, db: d, srv: srv, s: s}
}

// postFrom posts a form as if relayed for client (X-Forwarded-For).
func (c *client) postFrom(path, client string, form url.Values) response {
	c.a.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	form.Set("_csrf", c.csrf)
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", client)
	return c.do(req)
}

// TestLoginThrottleBypass (issue 13, finding 1): 150 wrong passwords with
// padded, re-cased e-mails and a forged X-Forwarded-For each time are
// throttled, while the account's owner, from the browser they signed in
// with before, still gets in (finding 2).
func TestLoginThrottleBypass(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	const victim = "karim.benali@demo.acquis.fr"
	owner := a.client()
	owner.login(victim)
	owner.post("/logout", nil)

	attacker := a.client()
	variants := []string{" " + victim, strings.ToUpper(victim), victim + "  ", "\t" + victim, " Karim.Benali@Demo.Acquis.fr\n"}
	counts := map[int]int{}
	for i := 0; i < 150; i++ {
		forged := fmt.Sprintf("%d.%d.%d.%d", 1+i%200, i%250, (i*7)%250, 1+i%250)
		res := attacker.postFrom("/login", forged, url.Values{"email": {variants[i%len(variants)]}, "password": {fmt.Sprintf("essai-%d", i)}})
		counts[res.Status]++
	}
	if counts[http.StatusUnauthorized] > 5 || counts[http.StatusTooManyRequests] < 145 {
		t.Fatalf("150 essais : %v (attendu au plus 5 réponses 401, les autres 429)", counts)
	}
	// Even the right password waits, from the attacker's client.
	if res := attacker.postFrom("/login", "203.0.113.9", url.Values{"email": {victim}, "password": {demo.Password}}); res.Status != http.StatusTooManyRequests {
		t.Fatalf("bon mot de passe depuis le client de l'attaquant : %d", res.Status)
	}
	// The owner's known browser is not locked out.
	owner.get("/login")
	if res := owner.post("/login", url.Values{"email": {victim}, "password": {demo.Password}}); res.Status != http.StatusSeeOther {
		t.Fatalf("le propriétaire est bloqué : %d", res.Status)
	}
}

// TestTrustedProxies: behind a configured proxy, X-Forwarded-For names the
// client, so one client's failures do not hold back another; a client
// that is not a trusted proxy cannot forge it.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	a := newAppWith(t, func(c *config.Config) { c.TrustedProxies = []*net.IPNet{loopback} }, nil)
	const victim = "karim.benali@demo.acquis.fr"
	attacker := a.client()
	for i := 0; i < 6; i++ {
		attacker.postFrom("/login", "198.51.100.9", url.Values{"email": {victim}, "password": {"mauvais"}})
	}
	if res := attacker.postFrom("/login", "198.51.100.9", url.Values{"email": {victim}, "password": {demo.Password}}); res.Status != http.StatusTooManyRequests {
		t.Fatalf("attaquant derrière le proxy : %d", res.Status)
	}
	// Another client behind the same proxy, never seen before: not held back.
	other := a.client()
	if res := other.postFrom("/login", "203.0.113.5", url.Values{"email": {victim}, "password": {demo.Password}}); res.Status != http.StatusSeeOther {
		t.Fatalf("autre client derrière le proxy : %d", res.Status)
	}
	// The audit log records the client, not the proxy.
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'user.login' AND ip = '203.0.113.5'`); n != 1 {
		t.Fatalf("adresse du client non retenue : %d", n)
	}
	// Without trusted proxies, the header is ignored.
	b := newApp(t)
	c := b.client()
	c.login("admin@demo.acquis.fr")
	c.postFrom("/logout", "198.51.100.1", url.Values{})
	c.get("/login")
	c.postFrom("/login", "198.51.100.1", url.Values{"email": {"admin@demo.acquis.fr"}, "password": {demo.Password}})
	if n := b.id(`SELECT count(*) FROM audit_log WHERE ip = '198.51.100.1'`); n != 0 {
		t.Fatalf("X-Forwarded-For cru sans proxy de confiance : %d lignes", n)
	}
}
