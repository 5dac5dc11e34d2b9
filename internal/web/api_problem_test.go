package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestAPIErrorsAreProblemDetails (issue 15, finding 6): every API error is
// an RFC 9457 problem document (type, title, status, detail in French,
// instance, the request id), a 401 carries WWW-Authenticate, and a
// validation error names the member at fault.
func TestAPIErrorsAreProblemDetails(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	anon := a.client()
	cnd := a.client()
	cnd.login(whoEmails[cand])
	session, candidacy, evaluators, criteria := a.scoringSession()
	verdicts := fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/verdicts", session, candidacy)
	cases := []struct {
		name   string
		res    response
		status int
		detail string
		field  string
	}{
		{"inconnu", anon.get("/api/v1/certifications/INCONNU"), 404, "Cette certification n'existe pas.", ""},
		{"route inconnue", anon.get("/api/v1/nulle-part"), 404, "Cette page n'existe pas.", ""},
		{"sans session", anon.get("/api/v1/candidacies"), 401, "Veuillez vous connecter.", ""},
		{"hors périmètre", cnd.get("/api/v1/indicators"), 403, "Vous n'avez pas accès", ""},
		{"verdict inconnu", evaluators[0].postJSON(verdicts, map[string]string{"criterion": criteria[0], "verdict": "bof"}), 422, "non_acquis", "verdict"},
		{"commentaire manquant", evaluators[0].postJSON(verdicts, map[string]string{"criterion": criteria[0], "verdict": "non acquis"}), 422, "commentaire", "comment"},
	}
	for _, tc := range cases {
		var p map[string]any
		if err := json.Unmarshal([]byte(tc.res.Body), &p); err != nil {
			t.Errorf("%s : corps illisible %q", tc.name, tc.res.Body)
			continue
		}
		if tc.res.Status != tc.status || p["status"] != float64(tc.status) {
			t.Errorf("%s : statut %d / %v, attendu %d", tc.name, tc.res.Status, p["status"], tc.status)
		}
		if ct := tc.res.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s : Content-Type %q", tc.name, ct)
		}
		if p["type"] != "about:blank" || p["title"] == "" || p["title"] == nil {
			t.Errorf("%s : type/titre %v / %v", tc.name, p["type"], p["title"])
		}
		if d, _ := p["detail"].(string); !strings.Contains(d, tc.detail) {
			t.Errorf("%s : detail %q, attendu %q", tc.name, d, tc.detail)
		}
		if inst, _ := p["instance"].(string); !strings.HasPrefix(inst, "/api/v1/") {
			t.Errorf("%s : instance %q", tc.name, inst)
		}
		if id, _ := p["request_id"].(string); id == "" || id != tc.res.Header.Get("X-Request-Id") {
			t.Errorf("%s : request_id %q, en-tête %q", tc.name, id, tc.res.Header.Get("X-Request-Id"))
		}
		if f, _ := p["field"].(string); f != tc.field {
			t.Errorf("%s : field %q, attendu %q", tc.name, f, tc.field)
		}
		if got := tc.res.Header.Get("WWW-Authenticate"); (tc.status == http.StatusUnauthorized) != (got == `Bearer realm="acquis"`) {
			t.Errorf("%s : WWW-Authenticate %q", tc.name, got)
		}
	}
}

// TestAPIVerdictSpellings (issue 15, finding 7): the verdict API reads
// « non acquis » as people write it, and non_acquis as stored.
func TestAPIVerdictSpellings(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	session, candidacy, evaluators, criteria := a.scoringSession()
	verdicts := fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/verdicts", session, candidacy)
	for i, v := range []string{"non acquis", "non_acquis", "Non-Acquis", "acquis"} {
		res := evaluators[0].postJSON(verdicts, map[string]string{"criterion": criteria[i], "verdict": v, "comment": "Preuves insuffisantes."})
		var got struct{ Verdict string }
		if res.Status != http.StatusOK || json.Unmarshal([]byte(res.Body), &got) != nil {
			t.Fatalf("%q : %d %s", v, res.Status, res.Body)
		}
		want := "non_acquis"
		if v == "acquis" {
			want = "acquis"
		}
		if got.Verdict != want {
			t.Errorf("%q enregistré comme %q", v, got.Verdict)
		}
	}
}

// TestOpenAPIDescriptionServed (issue 15, finding 5): the description is
// public at /api/v1/openapi.json, is the embedded one, and describes
// every /api/v1 route of the routing table.
func TestOpenAPIDescriptionServed(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	res := a.client().get("/api/v1/openapi.json")
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(res.Body), &doc) != nil {
		t.Fatalf("%d %q", res.Status, res.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("version %q", doc.OpenAPI)
	}
	described := map[string]bool{}
	for _, r := range a.s.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		p := apiParam.ReplaceAllString(r.Path, "{$1}")
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s absent de la description", r.Method, p)
		}
		described[p] = true
	}
	for p := range doc.Paths {
		if !described[p] {
			t.Errorf("%s décrit mais sans route", p)
		}
	}
}

var apiParam = regexp.MustCompile(`:([a-z_]+)`)
