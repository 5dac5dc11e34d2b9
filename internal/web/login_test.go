package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"acquis/internal/demo"
)

func TestLoginLogout(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	res := c.get("/compte")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/login?suite=") {
		t.Fatalf("anonyme sur /compte : %d %s", res.Status, res.Location)
	}
	c.get("/login")
	res = c.post("/login", url.Values{"email": {"gaelle.lebihan@demo.acquis.fr"}, "password": {demo.Password}, "suite": {"/compte"}})
	if res.Status != http.StatusSeeOther || res.Location != "/compte" {
		t.Fatalf("connexion : %d %s", res.Status, res.Location)
	}
	var sc *http.Cookie
	u, _ := url.Parse(a.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			sc = ck
		}
	}
	if sc == nil {
		t.Fatal("pas de cookie de session")
	}
	res = c.get("/compte")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Gaëlle Le Bihan") {
		t.Fatalf("compte : %d", res.Status)
	}
	// An open redirect is refused.
	c2 := a.client()
	c2.get("/login")
	res = c2.post("/login", url.Values{"email": {"gaelle.lebihan@demo.acquis.fr"}, "password": {demo.Password}, "suite": {"//evil.example/"}})
	if !strings.HasPrefix(res.Location, "/plateformes/") { // her own space, not the external page
		t.Fatalf("redirection externe : %s", res.Location)
	}
	// Logout invalidates on the server: replaying the old cookie fails.
	c.post("/logout", nil)
	replay := a.client()
	replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: sc.Value, Path: "/"}})
	if res := replay.get("/compte"); res.Status != http.StatusSeeOther {
		t.Fatalf("ancien cookie encore valide : %d", res.Status)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.get("/login")
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/login", strings.NewReader(url.Values{"email": {"admin@demo.acquis.fr"}, "password": {demo.Password}, "_csrf": {c.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var found bool
	for _, line := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(line, sessionCookie+"=") {
			found = true
			if !strings.Contains(line, "HttpOnly") || !strings.Contains(line, "SameSite=Lax") {
				t.Errorf("cookie : %s", line)
			}
		}
	}
	if !found {
		t.Fatal("pas de cookie de session")
	}
}

func TestCSRFRefusedAndAudited(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.login("admin@demo.acquis.fr")
	before := a.id(`SELECT count(*) FROM users`)
	audits := a.id(`SELECT count(*) FROM audit_log WHERE action = 'access.denied' AND entity = 'csrf'`)
	res := c.postRaw("/admin/users", url.Values{"email": {"x@exemple.fr"}, "full_name": {"X"}, "role": {"candidate"}})
	if res.Status != http.StatusForbidden && res.Status != http.StatusBadRequest {
		t.Fatalf("sans jeton CSRF : %d", res.Status)
	}
	if !strings.Contains(res.Body, "formulaire a expiré") {
		t.Errorf("message : %s", res.Body)
	}
	res = c.postRaw("/admin/users", url.Values{"email": {"x@exemple.fr"}, "full_name": {"X"}, "role": {"candidate"}, "_csrf": {"faux"}})
	if res.Status != http.StatusForbidden {
		t.Fatalf("jeton CSRF faux : %d", res.Status)
	}
	if after := a.id(`SELECT count(*) FROM users`); after != before {
		t.Fatal("un compte a été créé sans jeton CSRF")
	}
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'access.denied' AND entity = 'csrf'`); n < audits+2 {
		t.Fatal("refus CSRF non audité")
	}
}

func TestLoginThrottleMessage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.get("/login")
	for i := 0; i < 5; i++ {
		res := c.post("/login", url.Values{"email": {"karim.benali@demo.acquis.fr"}, "password": {"mauvais"}})
		if res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, "Adresse électronique ou mot de passe incorrect.") {
			t.Fatalf("essai %d : %d", i, res.Status)
		}
	}
	res := c.post("/login", url.Values{"email": {"karim.benali@demo.acquis.fr"}, "password": {demo.Password}})
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "attendez") || res.Header.Get("Retry-After") == "" {
		t.Fatalf("sixième essai : %d %s", res.Status, res.Body)
	}
}

func TestForgotPasswordNoEnumeration(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.get("/mot-de-passe-oublie")
	known := c.post("/mot-de-passe-oublie", url.Values{"email": {"admin@demo.acquis.fr"}})
	unknown := c.post("/mot-de-passe-oublie", url.Values{"email": {"personne@demo.acquis.fr"}})
	if known.Status != unknown.Status || known.Status != http.StatusOK {
		t.Fatalf("statuts : %d / %d", known.Status, unknown.Status)
	}
	reqID := regexp.MustCompile(`réf\. [A-Za-z0-9]+`)
	strip := func(s string) string { return reqID.ReplaceAllString(csrfField.ReplaceAllString(s, ""), "") }
	if strip(known.Body) != strip(unknown.Body) {
		t.Fatal("la réponse révèle si le compte existe")
	}
	var body string
	if err := a.db.Get(&body, `SELECT body FROM outbox WHERE to_addr = 'admin@demo.acquis.fr' ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	i := strings.Index(body, "/reinitialiser/")
	token := strings.Fields(body[i+len("/reinitialiser/"):])[0]
	res := c.get("/reinitialiser/" + token)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Claire Dubois") {
		t.Fatalf("formulaire : %d", res.Status)
	}
	res = c.post("/reinitialiser/"+token, url.Values{"password": {"nouvelle phrase secrète"}, "confirm": {"nouvelle phrase secrète"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("réinitialisation : %d %s", res.Status, res.Body)
	}
	res = c.post("/reinitialiser/"+token, url.Values{"password": {"encore une autre phrase"}, "confirm": {"encore une autre phrase"}})
	if res.Status != http.StatusGone || !strings.Contains(res.Body, "n'est plus valable") {
		t.Fatalf("réutilisation : %d", res.Status)
	}
}

func TestAdminInviteFlow(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.client()
	admin.login("admin@demo.acquis.fr")
	admin.get("/admin/users")
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	// A forged role is refused with a message, nothing stored.
	res := admin.post("/admin/users", url.Values{"email": {"new@exemple.fr"}, "full_name": {"Nouvelle"}, "role": {"superadmin"}})
	if res.Status != http.StatusUnprocessableEntity || a.id(`SELECT count(*) FROM users WHERE email = 'new@exemple.fr'`) != 0 {
		t.Fatalf("rôle forgé : %d", res.Status)
	}
	if a.id(`SELECT count(*) FROM audit_log WHERE action = 'input.refused' AND change LIKE '%superadmin%'`) != 1 {
		t.Fatal("rôle forgé non audité")
	}
	res = admin.post("/admin/users", url.Values{"email": {"new@exemple.fr"}, "full_name": {"Nouvelle Gestionnaire"}, "role": {"platform_manager"}, "platform": {itoa(pA)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("invitation : %d %s", res.Status, res.Body)
	}
	res = admin.get("/admin/outbox")
	if !strings.Contains(res.Body, "new@exemple.fr") || !strings.Contains(res.Body, "/invitation/") {
		t.Fatal("l'invitation n'est pas dans la boîte d'envoi")
	}
	var body string
	if err := a.db.Get(&body, `SELECT body FROM outbox WHERE to_addr = 'new@exemple.fr'`); err != nil {
		t.Fatal(err)
	}
	i := strings.Index(body, "/invitation/")
	token := strings.Fields(body[i+len("/invitation/"):])[0]
	invitee := a.client()
	invitee.get("/invitation/" + token)
	res = invitee.post("/invitation/"+token, url.Values{"password": {"ma phrase de passe"}, "confirm": {"ma phrase de passe"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("activation : %d %s", res.Status, res.Body)
	}
	invitee.get("/login")
	res = invitee.post("/login", url.Values{"email": {"new@exemple.fr"}, "password": {"ma phrase de passe"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("connexion : %d", res.Status)
	}
	if res := invitee.get(platformPath(pA)); res.Status != http.StatusOK {
		t.Fatalf("plateforme : %d", res.Status)
	}
}
