package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestNewCandidacyShowsChosenBlocsOnly: without any script, the form asks
// for the certification first, then shows that certification's blocs only;
// an error keeps the certification and the pathways chosen.
func TestNewCandidacyShowsChosenBlocsOnly(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login(whoEmails[cand])
	step1 := c.get("/candidat/nouvelle")
	if step1.Status != http.StatusOK || !strings.Contains(step1.Body, `<form method="get" action="/candidat/nouvelle">`) || strings.Contains(step1.Body, `name="pathway_`) {
		t.Fatalf("étape 1 : %d", step1.Status)
	}
	step2 := c.get("/candidat/nouvelle?certification=RNCP37779")
	if !strings.Contains(step2.Body, `name="pathway_RNCP37779BC01"`) || strings.Contains(step2.Body, `name="pathway_RNCP36625`) ||
		!strings.Contains(step2.Body, `<input type="hidden" name="certification" value="RNCP37779">`) {
		t.Fatal("étape 2 : blocs d'une autre certification, ou certification perdue")
	}
	res := c.post("/candidat/nouvelle", url.Values{"certification": {"RNCP37779"}, "pathway_RNCP37779BC02": {"formation"}, "experience_months": {"-3"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `<option value="formation" selected>`) || strings.Contains(res.Body, `name="pathway_RNCP36625`) {
		t.Fatalf("erreur : %d, choix perdus", res.Status)
	}
	bad := c.get("/candidat/nouvelle?certification=RNCP00000")
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(bad.Body), "n'est pas proposée") {
		t.Fatalf("certification inconnue : %d", bad.Status)
	}
}
