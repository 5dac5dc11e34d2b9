package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestPlanAnnualSeries (issue 14 #3): /pilotage, the platform page and
// GET /api/v1/plan show the annual indicator « nombre de professionnels
// titulaires » as a series: the years frozen at 31 December, a
// correction shown « corrigé le … » with its reason, and the live current
// year marked « provisoire ».
func TestPlanAnnualSeries(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	obs := a.client()
	obs.login(whoEmails[obsNat])
	if p := obs.get("/pilotage"); p.Status != http.StatusOK || !strings.Contains(p.Body, "Suivi annuel") || !strings.Contains(p.Body, "provisoire") {
		t.Fatalf("pilotage sans année arrêtée : %d", p.Status)
	}
	// 2026 frozen (as the server's housekeeping does on 1 January 2027),
	// then corrected: figures written here so that the test does not
	// depend on the day it runs.
	first := a.id(`INSERT INTO plan_freezes (year, taken_at) VALUES (2026, '2027-01-01 00:05:00+01') RETURNING id`)
	fix := a.id(`INSERT INTO plan_freezes (year, taken_at, correction) VALUES (2026, '2027-02-10 14:30:00+01', 'Deux titres de décembre saisis en retard') RETURNING id`)
	for _, f := range []struct {
		id      int64
		holders int
	}{{first, 41}, {fix, 43}} {
		a.db.MustExec(`INSERT INTO plan_snapshots (freeze_id, scope, holders, baseline, left_plan, certified, cumulative_target, cumulative_certified) VALUES ($1, 'nation', $2, 600, 3, 120, 120, 120)`, f.id, f.holders)
		a.db.MustExec(`INSERT INTO plan_snapshots (freeze_id, scope, region_code, holders, baseline, left_plan, certified, cumulative_target, cumulative_certified) VALUES ($1, 'region', '53', $2, 30, 0, 6, 6, 6)`, f.id, f.holders-30)
		a.db.MustExec(`INSERT INTO plan_snapshots (freeze_id, scope, platform_id, region_code, holders, baseline, left_plan, certified, cumulative_target, cumulative_certified) VALUES ($1, 'platform', $2, '53', $3, 7, 0, 1, 1, 1)`, f.id, pA, f.holders-37)
	}
	for _, c := range []struct {
		path, holders string
	}{{"/pilotage", "<td class=\"num\">43</td>"}, {"/pilotage?region=53", "<td class=\"num\">13</td>"}, {"/plateformes/" + itoa(pA), "<td class=\"num\">6</td>"}} {
		p := obs.get(c.path)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "<th scope=\"row\">2026</th>"+c.holders) ||
			!strings.Contains(p.Body, "arrêtés le 01/01/2027 à 00:05") || !strings.Contains(p.Body, "corrigé le 10/02/2027 à 14:30</strong> : Deux titres de décembre saisis en retard") {
			t.Errorf("%s : %d, série arrêtée absente", c.path, p.Status)
		}
	}
	res := obs.get("/api/v1/plan")
	var body planJSON
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil || len(body.Annual) == 0 {
		t.Fatalf("API : %v %s", err, res.Body)
	}
	y := body.Annual[0]
	if y.Year != 2026 || y.Holders != 43 || y.Provisional || y.CorrectedAt == nil || y.Correction != "Deux titres de décembre saisis en retard" {
		t.Errorf("API, 2026 : %+v", y)
	}
	for _, y := range body.Annual[1:] {
		if !y.Provisional {
			t.Errorf("API, année non arrêtée : %+v", y)
		}
	}
}
