package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestStaffingPages (issue 14 #5): a manager records how many persons a
// counsellor accompanies and how many are in « veille »; a count of
// veille above the persons accompanied is refused on its field and
// changes nothing; the platform page, /pilotage and GET /api/v1/plan show
// the ETP and the persons per counsellor ETP outside « veille », with
// seed 001's ceiling of 20 flagged.
func TestStaffingPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	base := fmt.Sprintf("/plateformes/%d", pA)
	// The demo's counsellors of this platform said nothing yet.
	a.db.MustExec(`UPDATE staff SET persons_accompanied = NULL, persons_veille = NULL WHERE platform_id = $1`, pA)
	mgr := a.client()
	mgr.login(whoEmails[mgrA])
	mgr.get(base + "/personnel/nouveau")
	form := url.Values{"full_name": {"Solène Quéré"}, "function": {"conseiller"}, "fte": {"1"}, "hired_on": {"2026-09-01"}, "status": {"not_engaged"},
		"persons_accompanied": {"25"}, "persons_veille": {"30"}}
	res := mgr.post(base+"/personnel", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="persons_veille-err"`) ||
		a.id(`SELECT count(*) FROM staff WHERE full_name = 'Solène Quéré'`) != 0 {
		t.Fatalf("veille au-delà des personnes accompagnées : %d", res.Status)
	}
	form.Set("persons_veille", "2")
	if res := mgr.post(base+"/personnel", form); res.Status != http.StatusSeeOther {
		t.Fatalf("ajout : %d", res.Status)
	}
	if got := a.id(`SELECT persons_accompanied * 100 + persons_veille FROM staff WHERE full_name = 'Solène Quéré'`); got != 2502 {
		t.Fatalf("enregistré : %d", got)
	}
	page := mgr.get(base)
	for _, want := range []string{"Ressources mobilisées", "ETP dédiés à l'accompagnement (conseillers)", "<strong>23</strong> — <strong>au-dessus du plafond de 20</strong>",
		"25 (2) <strong>&gt; 20 par ETP</strong>", "n'excède pas 20 personnes hors veille"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("page de la plateforme : %q manque", want)
		}
	}
	obs := a.client()
	obs.login(whoEmails[obsNat])
	if p := obs.get("/pilotage?region=53"); !strings.Contains(p.Body, "1 plateforme au-dessus de 20") || !strings.Contains(p.Body, "23 <strong>(&gt; 20)</strong>") {
		t.Errorf("pilotage régional : plafond non signalé")
	}
	res = obs.get("/api/v1/plan?region=53")
	var body planJSON
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		t.Fatal(err)
	}
	s := body.Staffing
	if s.Ceiling != 20 || s.PlatformsAbove != 1 || s.Accompanied < 25 || s.PersonsPerFTE == nil || s.FTE <= s.CounsellorFTE-0.001 {
		t.Errorf("API : %+v", s)
	}
}
