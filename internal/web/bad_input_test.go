package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestBadInputIs400 (issue 13, finding 16): a NUL byte or invalid UTF-8 in
// any parameter, a page number past any list, an unknown région are the
// client's mistakes: 400 with a French message, never 500, nothing stored.
// Acting on a signed session is a conflict: 409.
func TestBadInputIs400(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	anon := a.client()
	anon.get("/login")
	users := a.id(`SELECT count(*) FROM users`)
	expect := func(c *client, what string, res response, want int, words ...string) {
		t.Helper()
		if res.Status != want {
			t.Errorf("%s : %d, attendu %d\n%.300s", what, res.Status, want, res.Body)
			return
		}
		for _, w := range words {
			if !strings.Contains(res.Body, w) {
				t.Errorf("%s : le message ne dit pas « %s »\n%.300s", what, w, res.Body)
			}
		}
	}
	const nul = "caractère"
	expect(anon, "connexion, NUL dans l'adresse", anon.post("/login", url.Values{"email": {"admin@demo.acquis.fr\x00"}, "password": {"x"}}), 400, nul)
	expect(anon, "connexion, NUL dans le mot de passe", anon.post("/login", url.Values{"email": {"admin@demo.acquis.fr"}, "password": {"a\x00b"}}), 400, nul)
	expect(anon, "mot de passe oublié, NUL", anon.post("/mot-de-passe-oublie", url.Values{"email": {"a\x00@exemple.fr"}}), 400, nul)
	expect(anon, "connexion, UTF-8 invalide", anon.post("/login", url.Values{"email": {"adm\xffin@demo.acquis.fr"}, "password": {"x"}}), 400, nul)
	expect(anon, "référentiel, NUL dans le chemin", anon.get("/referentiels/RNCP%00"), 400, nul)
	expect(anon, "référentiel, UTF-8 invalide dans le chemin", anon.get("/referentiels/%ff"), 400, nul)
	expect(anon, "lien de réinitialisation, NUL", anon.get("/reinitialiser/abc%00def"), 400, nul)
	expect(anon, "API, NUL", anon.get("/api/v1/certifications/RNCP%0037779"), 400, nul)

	admin := a.client()
	admin.login("admin@demo.acquis.fr")
	expect(admin, "recherche d'utilisateur, NUL", admin.get("/admin/users?q=a%00b"), 400, nul)
	expect(admin, "journal, NUL", admin.get("/admin/audit?action=x%00"), 400, nul)
	admin.get("/admin/users")
	expect(admin, "invitation, NUL dans le nom", admin.post("/admin/users", url.Values{"email": {"nul@exemple.fr"}, "full_name": {"Jean\x00"}, "role": {"observer"}}), 400, nul)
	for _, p := range []string{"99999999999999999999", "9223372036854775807", "100000000", "-3", "abc"} {
		expect(admin, "journal, page "+p, admin.get("/admin/audit?page="+p), 400, "page")
	}
	for _, p := range []string{"/pilotage?region=ZZ", "/indicateurs?region=99", "/indicateurs/blocs?region=ZZ", "/indicateurs/blocs/csv?region=ZZ"} {
		expect(admin, p, admin.get(p), 400, "Région inconnue")
	}
	res := admin.get("/api/v1/indicators/annuel?region=ZZ")
	expect(admin, "API indicateurs, région inconnue", res, 400, "Région inconnue")
	// The verdicts' JSON autosave: a NUL escaped in JSON.
	session, candidacy, evaluators, criteria := a.scoringSession()
	path := fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/verdicts", session, candidacy)
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(`{"criterion":"`+criteria[0]+`","verdict":"acquis","comment":"a\u0000b"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", evaluators[0].csrf)
	expect(evaluators[0], "sauvegarde JSON, NUL", evaluators[0].do(req), 400, nul)

	if n := a.id(`SELECT count(*) FROM users`); n != users {
		t.Errorf("%d compte(s) créé(s) par une requête refusée", n-users)
	}

	// A signed session can be neither opened nor deliberated again.
	a.history(1)
	signed := a.id(`SELECT min(id) FROM jury_sessions WHERE status = 'signed'`)
	for _, act := range []string{"ouvrir", "deliberer"} {
		admin.get(fmt.Sprintf("/certificateur/jurys/%d", signed))
		expect(admin, "session signée, "+act, admin.post(fmt.Sprintf("/certificateur/jurys/%d/%s", signed, act), nil), 409, "signé")
	}
}

// TestHugeNumbersNever500: ids and numbers past any column's range, in the
// path or the query, are answered as not found or refused, never 500.
func TestHugeNumbersNever500(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[admin])
	for _, h := range []string{"99999999999999999999", "9223372036854775807", "2147483648", "-1", "0"} {
		for _, p := range []string{
			fmt.Sprintf("/candidatures/%d/depots/%s", cd, h), fmt.Sprintf("/candidatures/%d/depots/%s/recepisse.pdf", cd, h),
			"/candidatures/" + h, "/documents/" + h, "/admin/users/" + h, "/plateformes/" + h, "/certificateur/jurys/" + h,
			"/jury/sessions/" + h + "/proces-verbal/1", "/indicateurs/blocs?session=" + h, "/indicateurs/blocs?plateforme=" + h,
			"/admin/audit?acteur=" + h, "/admin/audit?id=" + h, "/admin/audit?du=" + h,
		} {
			if res := c.get(p); res.Status >= 500 {
				t.Errorf("%s : %d", p, res.Status)
			}
		}
	}
	if res := c.get("/admin/users/2147483648"); res.Status != http.StatusNotFound {
		t.Errorf("compte inexistant : %d, attendu 404", res.Status)
	}
	if res := c.get("/admin/audit?acteur=2147483648"); res.Status != http.StatusOK {
		t.Errorf("journal, acteur au-delà de 2^31 : %d, attendu 200", res.Status)
	}
}
