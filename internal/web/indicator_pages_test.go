package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"

	"acquis/internal/db"
	"acquis/internal/demo"
	"acquis/internal/jury"
)

// TestIndicatorPages: the certifier reads an indicator on its page, with
// its definition, chart and table, and downloads it; bad filters are
// refused in French; a regional observer stays in their région.
func TestIndicatorPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.history(2)
	c := a.client()
	c.login(whoEmails[admin])
	for _, key := range []string{"taux-certification", "blocs", "resultats", "criteres", "durees", "annuel"} {
		res := c.get("/indicateurs/" + key + "?du=2020-01-01&au=2030-12-31")
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "<svg") || !strings.Contains(res.Body, "Définition") || !strings.Contains(res.Body, "<caption>") {
			t.Fatalf("%s : %d\n%s", key, res.Status, res.Body)
		}
	}
	if res := c.get("/indicateurs/taux-certification"); !strings.Contains(res.Body, "exclus du dénominateur") {
		t.Fatal("la page ne dit pas que les absents sont exclus du dénominateur")
	}
	if res := c.get("/indicateurs/taux-certification?du=2020-01-01"); !strings.Contains(res.Body, `<th scope="row">Total</th><td class="num">4</td><td class="num">2</td><td class="num">50,0 %</td>`) {
		t.Fatalf("taux attendu 2 / 4 :\n%s", res.Body)
	}
	res := c.get("/indicateurs/taux-certification/csv?du=2020-01-01")
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "\ufeffAnnée;Candidatures présentées") || !strings.Contains(res.Header.Get("Content-Disposition"), "indicateur-taux-certification-2020-01-01") {
		t.Fatalf("CSV : %d %q", res.Status, res.Body)
	}
	res = c.get("/indicateurs/blocs/xlsx")
	if f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body))); err != nil || f.GetSheetName(0) != "Indicateur" {
		t.Fatalf("XLSX : %d %v", res.Status, err)
	}
	for _, q := range []string{"du=2026-13-01", "voie=apprentissage", "du=2026-05-01&au=2026-01-01"} {
		if res := c.get("/indicateurs/blocs?" + q); res.Status != http.StatusBadRequest {
			t.Fatalf("%s : %d", q, res.Status)
		}
	}
	if res := c.get("/indicateurs/inconnu"); res.Status != http.StatusNotFound {
		t.Fatalf("indicateur inconnu : %d", res.Status)
	}
	bzh := a.client()
	bzh.login(whoEmails[obsBzh])
	if res := bzh.get("/indicateurs/blocs?region=84"); res.Status != http.StatusForbidden {
		t.Fatalf("observateur Bretagne sur une autre région : %d", res.Status)
	}
	if res := bzh.get("/indicateurs/blocs"); res.Status != http.StatusOK || !strings.Contains(res.Body, `<option value="53" selected>`) || strings.Contains(res.Body, `<option value="">Toutes</option></select></div>
  <div class="field"><label for="plateforme">`) {
		t.Fatalf("observateur Bretagne : %d", res.Status)
	}
}

// history writes n past signed sessions of RNCP37779 with two
// candidacies each, one certified, one partial.
func (a *app) history(n int) {
	a.t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, a.db, func(tx *sqlx.Tx) error {
		h, err := demo.NewHistory(ctx, tx)
		if err != nil {
			return err
		}
		blocks := h.Blocks("RNCP37779")
		var sessions []demo.PastSession
		for i := 0; i < n; i++ {
			all, pw := map[string]string{}, map[string]string{}
			for _, b := range blocks {
				all[b], pw[b] = jury.Valide, "vae"
			}
			partial := map[string]string{blocks[0]: jury.Valide, blocks[1]: jury.NonValide, blocks[2]: jury.Valide}
			failing := [2]map[string][]string{{blocks[1]: h.Criteria("RNCP37779", blocks[1])[:1]}}
			sessions = append(sessions, demo.PastSession{Certification: "RNCP37779", StartsAt: time.Date(2024+i, 6, 10, 9, 0, 0, 0, time.UTC), Place: "Paris",
				Candidacies: []demo.PastCandidacy{
					{Person: demo.Person{Key: 2 * i, Name: "Certifiée " + itoa(int64(i))}, Pathways: pw, Outcome: jury.ReussiteTotale, Decisions: all},
					{Person: demo.Person{Key: 2*i + 1, Name: "Partiel " + itoa(int64(i))}, Pathways: pw, Outcome: jury.ReussitePartielle, Decisions: partial, NonAcquis: failing},
				}})
		}
		if err := h.Write(ctx, sessions); err != nil {
			return err
		}
		return h.Close(ctx)
	})
	if err != nil {
		a.t.Fatal(err)
	}
}

var issuedKey = regexp.MustCompile(`<code>(acq_[A-Za-z0-9_-]+)</code>`)

// TestIndicatorAPIKeys: the national pilot's tools read the API with a
// key the admin issued; a missing, unknown, revoked or out-of-scope key
// is refused, and a key opens nothing but the indicators.
func TestIndicatorAPIKeys(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.history(1)
	adm := a.client()
	adm.login(whoEmails[admin])
	adm.get("/admin/api-keys")
	if res := adm.post("/admin/api-keys", url.Values{"name": {" "}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Donnez à la clé un nom") {
		t.Fatalf("clé sans nom : %d", res.Status)
	}
	issue := func(name, region string) string {
		res := adm.post("/admin/api-keys", url.Values{"name": {name}, "region": {region}})
		m := issuedKey.FindStringSubmatch(res.Body)
		if res.Status != http.StatusCreated || m == nil {
			t.Fatalf("émission : %d\n%s", res.Status, res.Body)
		}
		return m[1]
	}
	national, breton := issue("Tableau de bord DGEFP", ""), issue("ARS Bretagne", "53")
	// Each call is a fresh client (no session): only the key speaks, and
	// the response is checked against the OpenAPI description.
	var last response
	api := func(key, path string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		last = a.client().do(req)
		var body map[string]any
		_ = json.Unmarshal([]byte(last.Body), &body)
		return last.Status, body
	}
	if st, body := api(national, "/api/v1/indicators/taux-certification?from=2020-01-01"); st != http.StatusOK || body["key"] != "taux-certification" || body["rows"] == nil || len(body["definition"].([]any)) == 0 {
		t.Fatalf("clé nationale : %d %v", st, body)
	}
	if st, body := api(national, "/api/v1/indicators"); st != http.StatusOK || len(body["indicators"].([]any)) != 6 {
		t.Fatalf("catalogue : %d %v", st, body)
	}
	if st, body := api("", "/api/v1/indicators/blocs"); st != http.StatusUnauthorized || body["detail"] == nil || last.Header.Get("WWW-Authenticate") != `Bearer realm="acquis"` {
		t.Fatalf("sans clé : %d %v %q", st, body, last.Header.Get("WWW-Authenticate"))
	}
	if st, body := api("acq_inventee", "/api/v1/indicators/blocs"); st != http.StatusUnauthorized || body["detail"] != "Clé d'API inconnue." || !strings.Contains(last.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("clé inconnue : %d %v %q", st, body, last.Header.Get("WWW-Authenticate"))
	}
	if st, _ := api(breton, "/api/v1/indicators/blocs?region=84"); st != http.StatusForbidden {
		t.Fatalf("clé bretonne sur une autre région : %d", st)
	}
	if st, body := api(breton, "/api/v1/indicators/blocs"); st != http.StatusOK || body["filter"].(map[string]any)["region"] != "53" {
		t.Fatalf("clé bretonne : %d %v", st, body)
	}
	// A valid key on a route keys do not open is refused (403, not "sign
	// in"), on the API and on the pages alike; public routes stay open.
	for _, p := range []string{"/api/v1/candidacies", "/pilotage", "/indicateurs/blocs"} {
		if st, _ := api(national, p); st != http.StatusForbidden {
			t.Fatalf("une clé ouvre %s : %d", p, st)
		}
	}
	if st, body := api(national, "/api/v1/candidacies"); !strings.Contains(fmt.Sprint(body["detail"]), "/api/v1/indicators") {
		t.Fatalf("refus de clé sans explication : %d %v", st, body)
	}
	if st, _ := api(national, "/api/v1/certifications"); st != http.StatusOK {
		t.Fatalf("route publique avec une clé : %d", st)
	}
	kid := a.id(`SELECT id FROM api_keys WHERE name = 'ARS Bretagne'`)
	adm.get("/admin/api-keys")
	if res := adm.post("/admin/api-keys/"+itoa(kid)+"/revoquer", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("révocation : %d", res.Status)
	}
	if st, body := api(breton, "/api/v1/indicators/blocs"); st != http.StatusUnauthorized || body["detail"] != "Clé d'API révoquée." {
		t.Fatalf("clé révoquée : %d %v", st, body)
	}
	if a.id(`SELECT count(*) FROM audit_log WHERE action IN ('api_key.issued', 'api_key.revoked')`) != 3 {
		t.Fatal("émissions et révocation non auditées")
	}
	if a.id(`SELECT count(*) FROM api_keys WHERE token_hash LIKE 'acq_%'`) != 0 {
		t.Fatal("jeton stocké en clair")
	}
}

// TestIndicatorLinksKeepFilters: every tab and every download link on the
// indicator pages carries every filter of the page it is on, so that an
// observer who filtered on one région and one year does not open or
// download the national figures of the default period.
func TestIndicatorLinksKeepFilters(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.login(whoEmails[admin])
	want := url.Values{"du": {"2027-01-01"}, "au": {"2027-12-31"}, "region": {"53"}, "voie": {"vae"}, "certification": {"RNCP37779"}}
	href := regexp.MustCompile(`href="(/(?:indicateurs|api/v1/indicators)/[^"]*)"`)
	for _, page := range []string{"/indicateurs", "/indicateurs/blocs", "/indicateurs/taux-certification"} {
		res := c.get(page + "?" + want.Encode())
		if res.Status != http.StatusOK {
			t.Fatalf("%s : %d", page, res.Status)
		}
		links := href.FindAllStringSubmatch(res.Body, -1)
		if len(links) < 6 {
			t.Fatalf("%s : %d liens d'indicateur seulement", page, len(links))
		}
		for _, m := range links {
			u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
			if err != nil {
				t.Fatalf("%s : lien %q illisible : %v", page, m[1], err)
			}
			got := u.Query()
			for k := range want {
				if got.Get(k) != want.Get(k) {
					t.Errorf("%s : le lien %q perd le filtre %s=%s (a %q)", page, m[1], k, want.Get(k), got.Get(k))
				}
			}
		}
	}
}
