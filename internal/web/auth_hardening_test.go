package web

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
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
	// The signing keys are made in the data dir: never in the source tree.
	cfg.DataDir = t.TempDir()
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
	counts := map[int]int{}
	for i := 0; i < 150; i++ {
		// Every attempt spells the address differently (padding before and
		// after, case) and claims another client address.
		email := victim
		if i%2 == 1 {
			email = strings.ToUpper(email)
		}
		email = strings.Repeat(" ", i%10) + email + strings.Repeat("\t", i/10)
		forged := fmt.Sprintf("%d.%d.%d.%d", 1+i%200, i%250, (i*7)%250, 1+i%250)
		res := attacker.postFrom("/login", forged, url.Values{"email": {email}, "password": {fmt.Sprintf("essai-%d", i)}})
		counts[res.Status]++
	}
	t.Logf("150 essais : %v", counts)
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

// TestForgotPasswordThrottled (finding 3): the reset form is limited per
// address (however it is typed) and per client, counted alike for known
// and unknown addresses.
func TestForgotPasswordThrottled(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.get("/mot-de-passe-oublie")
	variants := []string{"admin@demo.acquis.fr", " ADMIN@demo.acquis.fr", "Admin@Demo.Acquis.fr "}
	for i, v := range variants {
		if res := c.postFrom("/mot-de-passe-oublie", fmt.Sprintf("198.51.100.%d", i+1), url.Values{"email": {v}}); res.Status != http.StatusOK {
			t.Fatalf("demande %d : %d", i+1, res.Status)
		}
	}
	res := c.postFrom("/mot-de-passe-oublie", "198.51.100.99", url.Values{"email": {"admin@demo.acquis.fr"}})
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "attendez") || res.Header.Get("Retry-After") == "" {
		t.Fatalf("quatrième demande pour la même adresse : %d", res.Status)
	}
	if n := a.id(`SELECT count(*) FROM outbox WHERE to_addr = 'admin@demo.acquis.fr'`); n != int64(len(variants)) {
		t.Fatalf("%d courriels envoyés, attendu %d", n, len(variants))
	}
	// Per client: ten requests for different addresses, then a wait (on a
	// fresh instance: every test client shares the loopback address).
	d := newApp(t).client()
	d.get("/mot-de-passe-oublie")
	var statuses []int
	for i := 0; i < 12; i++ {
		statuses = append(statuses, d.post("/mot-de-passe-oublie", url.Values{"email": {fmt.Sprintf("inconnu%d@exemple.fr", i)}}).Status)
	}
	if statuses[9] == http.StatusTooManyRequests || statuses[10] != http.StatusTooManyRequests || statuses[11] != http.StatusTooManyRequests {
		t.Fatalf("demandes d'un même poste : %v", statuses)
	}
}

// TestTokensNeverLogged (finding 3): reset and invitation links' tokens
// appear neither in the application log nor in the audit log, whatever
// the request does with them.
func TestTokensNeverLogged(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	a := newAppWith(t, func(*config.Config) {}, slog.New(slog.NewTextHandler(&buf, nil)))
	c := a.client()
	c.get("/mot-de-passe-oublie")
	c.post("/mot-de-passe-oublie", url.Values{"email": {"admin@demo.acquis.fr"}})
	admin := a.client()
	admin.login("admin@demo.acquis.fr")
	admin.get("/admin/users")
	admin.post("/admin/users", url.Values{"email": {"nouvelle@exemple.fr"}, "full_name": {"Nouvelle"}, "role": {"observer"}})
	var tokens []string
	for _, q := range []struct{ to, marker string }{{"admin@demo.acquis.fr", "/reinitialiser/"}, {"nouvelle@exemple.fr", "/invitation/"}} {
		var body string
		if err := a.db.Get(&body, `SELECT body FROM outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1`, q.to); err != nil {
			t.Fatal(err)
		}
		i := strings.Index(body, q.marker)
		if i < 0 {
			t.Fatalf("pas de lien dans le courriel à %s", q.to)
		}
		tok := strings.Fields(body[i+len(q.marker):])[0]
		tokens = append(tokens, tok)
		page := q.marker + tok
		c.get(page)
		c.get(page + "/inconnu")                                         // 404
		c.postRaw(page, url.Values{"password": {"x"}, "confirm": {"y"}}) // CSRF refusal, audited
		c.post(page, url.Values{"password": {"x"}, "confirm": {"y"}})    // mismatch
		c.post(page, url.Values{"password": {"phrase de passe longue et neuve"}, "confirm": {"phrase de passe longue et neuve"}})
	}
	var audit []string
	if err := a.db.Select(&audit, `SELECT coalesce(entity_id, '') || ' ' || coalesce(change::text, '') FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	logged := buf.String()
	if !strings.Contains(logged, "[masqué]") {
		t.Fatal("le journal ne montre pas les requêtes aux liens (test sans effet)")
	}
	for _, tok := range tokens {
		if strings.Contains(logged, tok) {
			t.Errorf("le jeton %s… apparaît dans le journal", tok[:6])
		}
		for _, line := range audit {
			if strings.Contains(line, tok) {
				t.Errorf("le jeton %s… apparaît dans le journal d'audit : %s", tok[:6], line)
			}
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestCSRFBoundToSession (finding 5): a token is worth something only
// with the session it was derived from; it changes at login; an empty
// cookie and an empty field never pass; a Bearer header does not excuse a
// request a session cookie authenticated.
func TestCSRFBoundToSession(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	u := mustURL(a.srv.URL)
	users := func() int64 { return a.id(`SELECT count(*) FROM users`) }
	before := users()
	invite := func(email string) url.Values {
		return url.Values{"email": {email}, "full_name": {"X"}, "role": {"observer"}}
	}

	// A token read before login no longer works after it.
	victim := a.client()
	victim.get("/login")
	preLogin := victim.csrf
	victim.post("/login", url.Values{"email": {"admin@demo.acquis.fr"}, "password": {demo.Password}})
	f := invite("avant@exemple.fr")
	f.Set("_csrf", preLogin)
	if res := victim.postRaw("/admin/users", f); res.Status != http.StatusForbidden {
		t.Fatalf("jeton d'avant la connexion accepté : %d", res.Status)
	}

	// An attacker plants a CSRF cookie of their choosing and submits the
	// matching value: the victim's session does not accept it.
	planted := strings.Repeat("A", 43)
	victim.http.Jar.SetCookies(u, []*http.Cookie{{Name: csrfCookie, Value: planted, Path: "/"}})
	for _, tok := range []string{planted, csrfToken(planted, "anonymous"), csrfToken(planted, "session")} {
		f := invite("plante@exemple.fr")
		f.Set("_csrf", tok)
		if res := victim.postRaw("/admin/users", f); res.Status != http.StatusForbidden {
			t.Fatalf("cookie CSRF planté accepté : %d", res.Status)
		}
	}

	// Another signed-in user's token does not work in the victim's session.
	attacker := a.client()
	attacker.login("karim.benali@demo.acquis.fr")
	attacker.get("/compte")
	f = invite("autre@exemple.fr")
	f.Set("_csrf", attacker.csrf)
	if res := victim.postRaw("/admin/users", f); res.Status != http.StatusForbidden {
		t.Fatalf("jeton d'une autre session accepté : %d", res.Status)
	}

	// Empty cookie, empty field: refused, signed in or not.
	anon := a.client()
	anon.http.Jar.SetCookies(u, []*http.Cookie{{Name: csrfCookie, Value: "", Path: "/"}})
	if res := anon.postRaw("/login", url.Values{"email": {"admin@demo.acquis.fr"}, "password": {demo.Password}, "_csrf": {""}}); res.Status != http.StatusForbidden {
		t.Fatalf("cookie et champ vides à la connexion : %d", res.Status)
	}
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/admin/users?_csrf=", strings.NewReader(invite("vide@exemple.fr").Encode()+"&_csrf="))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", "")
	if res := victim.do(req); res.Status != http.StatusForbidden {
		t.Fatalf("jeton vide accepté : %d", res.Status)
	}

	// A Bearer header beside the session cookie does not skip the check.
	req, _ = http.NewRequest(http.MethodPost, a.srv.URL+"/admin/users", strings.NewReader(invite("bearer@exemple.fr").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer n-importe-quoi")
	if res := victim.do(req); res.Status != http.StatusForbidden {
		t.Fatalf("en-tête Bearer et cookie de session sans jeton : %d", res.Status)
	}

	if after := users(); after != before {
		t.Fatalf("%d compte(s) créé(s) sans jeton valable", after-before)
	}
	// The victim's own token still works.
	victim.get("/admin/users")
	if res := victim.post("/admin/users", invite("legitime@exemple.fr")); res.Status != http.StatusSeeOther {
		t.Fatalf("jeton valable refusé : %d %s", res.Status, res.Body)
	}
}
