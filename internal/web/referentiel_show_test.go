package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestReferentielPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	res := c.get("/")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Conseiller en emploi accompagné") || !strings.Contains(res.Body, `lang="fr"`) {
		t.Fatalf("accueil : %d", res.Status)
	}
	res = c.get("/referentiels")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "RNCP37779") || !strings.Contains(res.Body, "RNCP36625") {
		t.Fatalf("liste : %d", res.Status)
	}
	res = c.get("/referentiels/RNCP36625")
	if res.Status != http.StatusOK {
		t.Fatalf("CASP : %d", res.Status)
	}
	for _, want := range []string{"RNCP36625BC01", "RNCP36625BC03", "Critères d'évaluation", "Un choix argumenté des partenaires à mobiliser est présenté."} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("page CASP : %q manque", want)
		}
	}
	// Blocs appear in the document's order.
	if i1, i3 := strings.Index(res.Body, `id="RNCP36625BC01"`), strings.Index(res.Body, `id="RNCP36625BC03"`); i1 < 0 || i3 < i1 {
		t.Error("blocs dans le désordre")
	}
	res = c.get("/referentiels/RNCP00000")
	if res.Status != http.StatusNotFound || !strings.Contains(res.Body, "Cette certification n&#39;existe pas.") {
		t.Fatalf("inconnu : %d %s", res.Status, res.Body)
	}
	if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("en-têtes de sécurité absents")
	}
}

func TestCertificationAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	res := c.get("/api/v1/certifications")
	var list struct {
		Certifications []struct {
			Code   string `json:"code"`
			Title  string `json:"title"`
			Blocks int    `json:"blocks"`
		} `json:"certifications"`
	}
	if err := json.Unmarshal([]byte(res.Body), &list); err != nil || res.Status != http.StatusOK {
		t.Fatalf("liste : %d %v", res.Status, err)
	}
	if len(list.Certifications) != 2 || list.Certifications[0].Code != "RNCP36625" || list.Certifications[1].Blocks != 3 {
		t.Fatalf("liste : %+v", list)
	}
	res = c.get("/api/v1/certifications/RNCP37779")
	var cert struct {
		Code   string `json:"code"`
		Blocks []struct {
			Code         string `json:"code"`
			Competences  []struct{ Code, Label string }
			Criteria     []struct{ Code, Label string }
			Deliverables []struct {
				Code, Label, Kind string
			}
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(res.Body), &cert); err != nil || res.Status != http.StatusOK {
		t.Fatalf("détail : %d %v", res.Status, err)
	}
	if cert.Code != "RNCP37779" || len(cert.Blocks) != 3 || cert.Blocks[0].Code != "RNCP37779BC01" {
		t.Fatalf("détail : %+v", cert)
	}
	for _, b := range cert.Blocks {
		if len(b.Criteria) == 0 || len(b.Competences) == 0 || len(b.Deliverables) == 0 || b.Criteria[0].Code == "" || b.Criteria[0].Label == "" {
			t.Errorf("bloc %s incomplet", b.Code)
		}
	}
	res = c.get("/api/v1/certifications/INCONNU")
	var e struct {
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal([]byte(res.Body), &e); err != nil || res.Status != http.StatusNotFound || e.Detail == "" {
		t.Fatalf("inconnu : %d %s", res.Status, res.Body)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Error("erreur d'API pas en application/problem+json")
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	if res := c.get("/healthz"); res.Status != http.StatusOK {
		t.Fatalf("healthz : %d", res.Status)
	}
	a.db.Close()
	if res := c.get("/healthz"); res.Status != http.StatusServiceUnavailable {
		t.Fatalf("healthz sans base : %d", res.Status)
	}
}

func TestStaticAssetsHashed(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	url := a.s.assets.url("acquis.css")
	if !strings.HasPrefix(url, "/static/acquis.") || url == "/static/acquis.css" {
		t.Fatalf("URL non versionnée : %s", url)
	}
	res := c.get(url)
	if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("feuille de style : %d %v", res.Status, res.Header)
	}
	if res := c.get("/static/acquis.css"); res.Status != http.StatusNotFound {
		t.Fatalf("URL sans empreinte : %d", res.Status)
	}
}

// TestReferentielPageCached checks that the référentiel page, whose
// content is rendered once per version (refPages), is byte for byte the
// page rendered whole from the template, for every certification, and
// that the second request (from the cache) equals the first.
func TestReferentielPageCached(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	list, err := a.s.refs.Certifications(ctx)
	if err != nil || len(list) == 0 {
		t.Fatalf("certifications: %v", err)
	}
	c := a.client()
	c.login(whoEmails[juror])
	reqID := regexp.MustCompile(`réf\. [A-Za-z0-9]+`)
	for _, sum := range list {
		first := c.get("/referentiels/" + sum.Code)
		second := c.get("/referentiels/" + sum.Code)
		if first.Status != http.StatusOK || reqID.ReplaceAllString(first.Body, "") != reqID.ReplaceAllString(second.Body, "") {
			t.Fatalf("%s: %d, the second answer differs from the first", sum.Code, first.Status)
		}
		cert, err := a.s.refs.Certification(ctx, sum.Code)
		if err != nil {
			t.Fatal(err)
		}
		layout := Layout{Title: cert.Title, CSRF: "jeton", RequestID: "req", Static: a.s.assets.url,
			User: &CurrentUser{ID: 1, Name: "Hélène Marchand", Menu: []MenuItem{{"Mes jurys", "/jury"}}}}
		whole := renderTo(t, a, "referentiel", referentielView{Layout: layout, Cert: cert})
		vid, _ := a.s.refs.CurrentVersionID(ctx, sum.Code)
		p, ok := a.s.refPages.m.Load(vid)
		if !ok {
			t.Fatalf("%s: not kept after a request", sum.Code)
		}
		kept := renderTo(t, a, "prerendered", prerenderedView{Layout: layout, Body: p.(keptPage).body})
		if whole != kept || p.(keptPage).title != cert.Title {
			t.Fatalf("%s: the kept page differs from the whole rendering", sum.Code)
		}
	}
}

// renderTo renders a page as a handler would and returns its body.
func renderTo(t *testing.T, a *app, page string, data any) string {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := a.s.render.render(a.s.echo.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec), http.StatusOK, page, data); err != nil {
		t.Fatal(err)
	}
	return rec.Body.String()
}
