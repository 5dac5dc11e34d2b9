package staff

import (
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func dp(s string) *time.Time { t := d(s); return &t }

func TestSpread(t *testing.T) {
	for _, c := range []struct {
		n    int
		want [5]int
	}{
		{600, [5]int{120, 120, 120, 120, 120}},
		{7, [5]int{2, 2, 1, 1, 1}},
		{0, [5]int{}},
		{4, [5]int{1, 1, 1, 1, 0}},
		{13, [5]int{3, 3, 3, 2, 2}},
	} {
		if got := Spread(c.n); got != c.want {
			t.Errorf("Spread(%d) = %v, attendu %v", c.n, got, c.want)
		}
	}
}

// TestHiringRuleEdges: the rule starts on 2026-01-01, and a new hire has
// until the same day one year later (the 365th day after taking the post)
// to engage a certifying path.
func TestHiringRuleEdges(t *testing.T) {
	before := Member{Function: Counsellor, HiredOn: d("2025-12-31"), Status: NotEngaged}
	on := Member{Function: Counsellor, HiredOn: d("2026-01-01"), Status: NotEngaged}
	if !before.InPlan() || before.NewHire() {
		t.Error("embauché le 31/12/2025 : doit relever du plan, pas de la règle d'embauche")
	}
	if on.InPlan() || !on.NewHire() {
		t.Error("embauché le 01/01/2026 : doit relever de la règle d'embauche")
	}
	hired := d("2026-03-01")
	day365 := hired.AddDate(0, 0, 365) // 2027-03-01
	day366 := hired.AddDate(0, 0, 366)
	inTime := Member{Function: Counsellor, HiredOn: hired, Status: Training, StatusOn: &day365}
	late := Member{Function: Counsellor, HiredOn: hired, Status: Training, StatusOn: &day366}
	today := d("2027-06-01")
	if c := inTime.ComplianceOn(today); c.State != Compliant || !c.Deadline.Equal(day365) {
		t.Errorf("engagé le 365e jour : %+v", c)
	}
	if c := late.ComplianceOn(today); c.State != NonCompliant {
		t.Errorf("engagé le 366e jour : %+v", c)
	}
	waiting := Member{Function: Counsellor, HiredOn: hired, Status: NotEngaged}
	for _, c := range []struct {
		today string
		want  string
	}{
		{"2026-11-30", Pending},
		{"2026-12-01", DueSoon}, // three months before 2027-03-01
		{"2027-03-01", DueSoon}, // the deadline itself
		{"2027-03-02", NonCompliant},
	} {
		if got := waiting.ComplianceOn(d(c.today)); got.State != c.want {
			t.Errorf("non engagé, le %s : %s, attendu %s", c.today, got.State, c.want)
		}
	}
	holder := Member{Function: Counsellor, HiredOn: hired, Status: Holder, StatusOn: dp("2020-06-30")}
	if c := holder.ComplianceOn(today); c.State != Compliant {
		t.Errorf("titulaire à l'embauche : %+v", c)
	}
	chief := Member{Function: HeadOfUnit, HiredOn: hired}
	if c := chief.ComplianceOn(today); c.State != NotApplicable || chief.InPlan() {
		t.Errorf("encadrement : %+v", c)
	}
}

func TestPlanBaselineAndTable(t *testing.T) {
	today := d("2027-05-15")
	roster := []Member{
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: NotEngaged},                                                     // in plan, not started
		{Function: Counsellor, HiredOn: d("2020-01-01"), Status: Holder, StatusOn: dp("2026-06-30")},                             // in plan, certified 2026
		{Function: Counsellor, HiredOn: d("2021-01-01"), Status: Training, StatusOn: dp("2027-02-01")},                           // in plan, engaged 2027
		{Function: Counsellor, HiredOn: d("2018-01-01"), Status: Holder, StatusOn: dp("2023-01-01")},                             // already a holder: not in plan
		{Function: Counsellor, HiredOn: d("2018-01-01"), LeftOn: dp("2025-06-30"), Status: NotEngaged},                           // gone before 2026
		{Function: Counsellor, HiredOn: d("2026-02-01"), Status: NotEngaged},                                                     // new hire, past deadline → alert
		{Function: Manager, HiredOn: d("2015-01-01"), Status: NotEngaged, SupervisorTraining: SupervisorPlanned},                 // encadrement
		{Function: Counsellor, HiredOn: d("2022-01-01"), Status: Equivalent, StatusOn: dp("2027-01-10"), EquivalentName: "DEES"}, // in plan, certified 2027
	}
	p := BuildPlan(roster, []Target{{Year: 2027, Target: 2, Reason: "Deux départs en formation prévus."}}, today)
	if p.Baseline != 4 || p.Certified != 2 || p.Engaged != 1 || p.NotStarted != 1 {
		t.Fatalf("plan : %+v", p)
	}
	if p.Holders != 2 || p.Alerts != 1 {
		t.Errorf("titulaires %d (attendu 2), alertes %d (attendu 1)", p.Holders, p.Alerts)
	}
	// Default spread of 4: 1,1,1,1,0; 2027 changed to 2.
	wantTargets := []int{1, 2, 1, 1, 0}
	for i, y := range p.Years {
		if y.Target != wantTargets[i] {
			t.Errorf("%d : objectif %d, attendu %d", y.Year, y.Target, wantTargets[i])
		}
	}
	if y := p.Years[1]; y.Certified != 1 || y.Engaged != 1 || y.CumTarget != 3 || y.CumDone != 2 || y.Gap != 1 || !y.Past || y.Reason == "" {
		t.Errorf("2027 : %+v", y)
	}
	if p.Years[2].Past || p.Gap != 1 {
		t.Errorf("écart courant %d ; 2028 commencée : %v", p.Gap, p.Years[2].Past)
	}
	// Two certified in ~1.37 years: 2 left at ~1.46 a year → 2028.
	if !p.ProjectionKnown || p.ProjectedYear != 2028 {
		t.Errorf("projection : %d (%v)", p.ProjectedYear, p.ProjectionKnown)
	}
	if _, ok := Projection(10, 0, today); ok {
		t.Error("projection sans aucune certification")
	}
}
