package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestPlanAPI (issue 14 #14): GET /api/v1/plan serves the national plan
// to a national key, a région's to a regional key (and refuses it another
// région), nothing without a key; the CSV and XLSX downloads hold the
// same table.
func TestPlanAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	adm := a.client()
	adm.login(whoEmails[admin])
	adm.get("/admin/api-keys")
	issue := func(name, region string) string {
		res := adm.post("/admin/api-keys", url.Values{"name": {name}, "region": {region}})
		m := issuedKey.FindStringSubmatch(res.Body)
		if res.Status != http.StatusCreated || m == nil {
			t.Fatalf("émission : %d", res.Status)
		}
		return m[1]
	}
	national, breton := issue("Tableau de bord national", ""), issue("ARS Bretagne", "53")
	api := func(key, path string) (int, planJSON) {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body planJSON
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	st, nat := api(national, "/api/v1/plan")
	if st != http.StatusOK || nat.Scope != "national" || len(nat.Years) != 5 || nat.Platforms < 100 {
		t.Fatalf("plan national : %d %+v", st, nat)
	}
	sum := 0
	for i, y := range nat.Years {
		sum += y.Target
		if y.Year != 2026+i || (i > 0 && y.CumulativeTarget != nat.Years[i-1].CumulativeTarget+y.Target) {
			t.Errorf("année %d : %+v", 2026+i, y)
		}
	}
	// 2026's target within one of the baseline / 5; all of them add up to
	// the baseline less the leavers.
	if d := 5*nat.Years[0].Target - nat.Baseline; d < -5 || d > 5 || sum != nat.Baseline-nat.Left {
		t.Errorf("objectifs %v pour une base de %d, %d sortis", nat.Years, nat.Baseline, nat.Left)
	}
	if nat.Years[0].Gap == nil || nat.Years[4].Gap != nil {
		t.Error("écart : connu pour 2026, inconnu pour 2030")
	}
	st, bzh := api(breton, "/api/v1/plan")
	if st != http.StatusOK || bzh.Scope != "region" || bzh.Region != "53" || bzh.RegionName != "Bretagne" || bzh.Baseline >= nat.Baseline || bzh.Baseline == 0 {
		t.Fatalf("plan breton : %d %+v", st, bzh)
	}
	if st, _ := api(breton, "/api/v1/plan?region=84"); st != http.StatusForbidden {
		t.Errorf("clé bretonne sur une autre région : %d", st)
	}
	if st, _ := api("", "/api/v1/plan"); st != http.StatusUnauthorized {
		t.Errorf("sans clé : %d", st)
	}
	// A valid key on a route keys do not open is refused (403), not asked
	// to sign in (issue 15 #6).
	if st, _ := api(national, "/api/v1/candidacies"); st != http.StatusForbidden {
		t.Errorf("la clé ouvre une autre API : %d", st)
	}
	// The downloads, for a signed-in observer: the same figures.
	obs := a.client()
	obs.login(whoEmails[obsNat])
	csv := obs.get("/pilotage/plan.csv")
	if csv.Status != http.StatusOK || !strings.Contains(csv.Body, "année;objectif;") ||
		!strings.Contains(csv.Body, "\r\n2026;"+strconv.Itoa(nat.Years[0].Target)+";") {
		t.Errorf("plan CSV : %d\n%s", csv.Status, csv.Body)
	}
	x := obs.get("/pilotage/plan.xlsx?region=53")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if x.Status != http.StatusOK || err != nil {
		t.Fatalf("plan XLSX : %d %v", x.Status, err)
	}
	if v, _ := f.GetCellValue("Plan", "B2"); v != strconv.Itoa(bzh.Years[0].Target) {
		t.Errorf("XLSX breton, objectif 2026 : %q, attendu %d", v, bzh.Years[0].Target)
	}
	if typ, _ := f.GetCellType("Plan", "B2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("XLSX : objectif écrit comme du texte")
	}
}
