package staff

import (
	"math/rand/v2"
	"testing"
)

// checkApportion verifies the rules of issue 14 #1 on one set of
// baselines: each platform's five targets add up to its baseline and are
// its baseline/5 rounded down or up; each year's national total is within
// one of the national baseline/5.
func checkApportion(t *testing.T, baselines []int) [5]int {
	t.Helper()
	got := Apportion(baselines)
	var nation [5]int
	total := 0
	for p, b := range baselines {
		sum := 0
		for y, v := range got[p] {
			sum += v
			nation[y] += v
			if v != b/5 && v != b/5+1 {
				t.Fatalf("plateforme %d (base %d) : %v", p, b, got[p])
			}
		}
		if sum != b {
			t.Fatalf("plateforme %d : objectifs %v, somme %d, base %d", p, got[p], sum, b)
		}
		total += b
	}
	for y, v := range nation {
		if d := 5*v - total; d < -5 || d > 5 { // |v − total/5| ≤ 1
			t.Fatalf("année %d : %d pour une base nationale de %d", FirstYear+y, v, total)
		}
	}
	return nation
}

// TestApportionSeedFigures: seed 001's figures — about 600 professionals,
// about 120 a year, about one per platform per year.
func TestApportionSeedFigures(t *testing.T) {
	// 101 platforms (every département but one) of 5 to 7 counsellors,
	// 600 in all: 120 each year, not front-loaded.
	var bs []int
	for i := range 101 {
		bs = append(bs, []int{5, 6, 7}[i%3])
	}
	for sum(bs) > 600 {
		bs[len(bs)-1-sum(bs)%101]--
	}
	if sum(bs) != 600 {
		t.Fatalf("jeu de données : %d", sum(bs))
	}
	if nation := checkApportion(t, bs); nation != [5]int{120, 120, 120, 120, 120} {
		t.Errorf("600 → %v, attendu 120 par an", nation)
	}
	// The same baselines, each rounded up in its early years (the former
	// rule), load 2026 and 2027.
	var early [5]int
	for _, b := range bs {
		for y, v := range Spread(b) {
			early[y] += v
		}
	}
	if early[0]-early[4] < 2 {
		t.Fatalf("l'ancienne règle ne chargeait pas les premières années : %v", early)
	}
	// A platform of 7: five targets adding up to 7, ones and twos.
	if got := Apportion([]int{7})[0]; got != [5]int{2, 2, 1, 1, 1} {
		t.Errorf("7 → %v", got)
	}
	second := Apportion([]int{7, 7})
	if second[1] != [5]int{1, 1, 2, 2, 1} {
		t.Errorf("deuxième plateforme de 7 → %v : ses années de plus suivent celles de la première", second[1])
	}
	// The demo's national baseline (633): 127, 127, 127, 126, 126.
	demo := append([]int(nil), bs...)
	for i := range 33 {
		demo[i*3]++
	}
	if nation := checkApportion(t, demo); nation != [5]int{127, 127, 127, 126, 126} {
		t.Errorf("633 → %v", nation)
	}
	// Any nation.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		bs := make([]int, 1+rng.IntN(120))
		for i := range bs {
			bs[i] = rng.IntN(15)
		}
		checkApportion(t, bs)
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// TestDefaultsStableByPlatform: a platform's default targets come from the
// national apportionment, in the order of platform ids, whatever order
// the staff come in.
func TestDefaultsStableByPlatform(t *testing.T) {
	var members []Member
	for p := int64(1); p <= 3; p++ {
		for range 7 {
			members = append(members, Member{PlatformID: p, Function: Counsellor, HiredOn: d("2019-01-01"), Status: NotEngaged})
		}
	}
	got := Defaults(members, d("2026-05-15"))
	rev := append([]Member(nil), members...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if again := Defaults(rev, d("2026-05-15")); again[1] != got[1] || again[3] != got[3] {
		t.Fatalf("ordre des personnes : %v / %v", got, again)
	}
	if got[1] != [5]int{2, 2, 1, 1, 1} || got[2] != [5]int{1, 1, 2, 2, 1} || got[3] != [5]int{2, 1, 1, 1, 2} {
		t.Errorf("trois plateformes de 7 : %v", got)
	}
	p := BuildPlanWith(members[7:14], nil, got[2], d("2026-05-15"))
	if p.Years[2].Target != 2 || p.Years[0].Target != 1 || p.Baseline != 7 {
		t.Errorf("plan de la plateforme 2 : %+v", p.Years)
	}
}

// TestLeaversLeaveThePlan (issue 14 #2): a counsellor who leaves without
// the title leaves the plan from their leave date; the targets of later
// years are spread again over who is left; someone certified before
// leaving stays in the history; a manager's reasoned target stands; a
// departure still to come changes nothing yet.
func TestLeaversLeaveThePlan(t *testing.T) {
	today := d("2027-05-15")
	roster := []Member{
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: NotEngaged, LeftOn: dp("2026-06-30"), LeftReason: "Démission"},  // left in 2026
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: Holder, StatusOn: dp("2026-05-02"), LeftOn: dp("2026-09-30")},   // certified, then left
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: Training, StatusOn: dp("2026-02-01"), LeftOn: dp("2027-09-30")}, // leaves later
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: NotEngaged},
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: NotEngaged},
	}
	p := BuildPlan(roster, []Target{{Year: 2029, Target: 0, Reason: "Congé maternité prévu."}}, today)
	if p.Baseline != 5 || p.Left != 1 || p.Certified != 1 || p.Engaged != 1 || p.NotStarted != 2 {
		t.Fatalf("plan : base %d, sortis %d, certifiés %d, engagés %d, pas engagés %d", p.Baseline, p.Left, p.Certified, p.Engaged, p.NotStarted)
	}
	// 5 → 1 a year; after the 2026 departure, 2027–2030 share 5 − 1 left
	// − 1 (2026's target) = 3: 1, 1, 1, 0; 2029 changed by the manager.
	want := []struct{ target, def, left int }{{1, 1, 1}, {1, 1, 0}, {1, 1, 0}, {0, 1, 0}, {0, 0, 0}}
	for i, y := range p.Years {
		if y.Target != want[i].target || y.Default != want[i].def || y.Left != want[i].left {
			t.Errorf("%d : objectif %d (défaut %d), sortis %d ; attendu %+v", y.Year, y.Target, y.Default, y.Left, want[i])
		}
	}
	if p.Years[0].Certified != 1 || p.Years[4].CumTarget != 3 {
		t.Errorf("historique 2026 : %d certifié ; objectif cumulé 2030 : %d", p.Years[0].Certified, p.Years[4].CumTarget)
	}
	// Without the manager's change, the later years add up to who is left.
	p = BuildPlan(roster, nil, today)
	if p.Years[4].CumTarget != p.Baseline-p.Left {
		t.Errorf("objectif cumulé 2030 : %d, attendu %d", p.Years[4].CumTarget, p.Baseline-p.Left)
	}
	// Two years on, the third has left too: 2028 on shares what is left.
	p = BuildPlan(roster, nil, d("2028-01-10"))
	if p.Left != 2 || p.Years[4].CumTarget != 3 || p.Years[1].Target != 1 {
		t.Errorf("après le second départ : %d sortis, objectif cumulé %d, %+v", p.Left, p.Years[4].CumTarget, p.Years)
	}
}

// TestLeaversNationalTotalsStayEven: when counsellors leave on many
// platforms, each platform's later years share again what it has left,
// and the nation's later years stay within one of their mean.
func TestLeaversNationalTotalsStayEven(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	today := d("2027-11-20")
	for round := range 200 {
		var members []Member
		for p := int64(1); p <= int64(20+rng.IntN(90)); p++ {
			for range 3 + rng.IntN(7) {
				m := Member{PlatformID: p, Function: Counsellor, HiredOn: d("2019-01-01"), Status: NotEngaged}
				if rng.IntN(12) == 0 {
					m.LeftOn = dp([]string{"2026-06-30", "2027-03-31"}[rng.IntN(2)])
				}
				members = append(members, m)
			}
		}
		got := Defaults(members, today)
		var nation [5]int
		base, left := map[int64]int{}, map[int64]int{}
		for _, m := range members {
			base[m.PlatformID]++
			if m.LeftOn != nil {
				left[m.PlatformID]++
			}
		}
		totalBase, totalLeft := 0, 0
		for id, ts := range got {
			s := 0
			for y, v := range ts {
				s += v
				nation[y] += v
			}
			// The targets add up to who is left, unless the years kept
			// (up to a departure) already ask more: then the later ones
			// are nought.
			if s < base[id]-left[id] || (s > base[id]-left[id] && ts[2]+ts[3]+ts[4] != 0) {
				t.Fatalf("tour %d, plateforme %d : %v, somme %d, base %d, sortis %d", round, id, ts, s, base[id], left[id])
			}
			totalBase += base[id]
			totalLeft += left[id]
		}
		// 2026 is the national baseline / 5; 2028–2030 share what is left.
		if d := 5*nation[0] - totalBase; d < -5 || d > 5 {
			t.Fatalf("tour %d : 2026 = %d pour %d", round, nation[0], totalBase)
		}
		rest := nation[2] + nation[3] + nation[4]
		for y := 2; y < 5; y++ {
			if d := 3*nation[y] - rest; d < -3 || d > 3 {
				t.Fatalf("tour %d : années suivantes %v", round, nation)
			}
		}
	}
}
