package staff

import (
	"math"
	"sort"
	"time"
)

// PlanStart is the day the rules take effect and the plan's baseline is
// counted: « à compter du 1er janvier 2026 ».
var PlanStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// The plan's years: « un plan de professionnalisation sur cinq ans ».
const (
	FirstYear = 2026
	LastYear  = 2030
)

// day truncates t to its calendar date, in UTC, as dates are stored.
func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// InPostAtStart reports whether the person was in post on 2026-01-01:
// taken on before that day and not gone by it. Someone taken on on
// 2026-01-01 itself is a new hire (« toute personne recrutée à compter du
// 1er janvier 2026 »).
func (m *Member) InPostAtStart() bool {
	return m.HiredOn.Before(PlanStart) && (m.LeftOn == nil || !m.LeftOn.Before(PlanStart))
}

// Active reports whether the person is in post on day t.
func (m *Member) Active(t time.Time) bool {
	t = day(t)
	return !m.HiredOn.After(t) && (m.LeftOn == nil || !m.LeftOn.Before(t))
}

// certifiedOn returns the day the person obtained the title or an
// equivalent, if they hold one.
func (m *Member) certifiedOn() (time.Time, bool) {
	if !m.Status.Certified() || m.StatusOn == nil {
		return time.Time{}, false
	}
	return day(*m.StatusOn), true
}

// InPlan reports whether the person is part of the platform's five-year
// plan: a counsellor in post on 2026-01-01 who did not hold the title (or
// an equivalent) by then.
func (m *Member) InPlan() bool {
	if m.Function != Counsellor || !m.InPostAtStart() {
		return false
	}
	on, ok := m.certifiedOn()
	return !ok || !on.Before(PlanStart)
}

// NewHire reports whether the 2026 hiring rule applies: a counsellor who
// took the post on or after 2026-01-01.
func (m *Member) NewHire() bool { return m.Function == Counsellor && !m.HiredOn.Before(PlanStart) }

// Deadline is the last day a new hire may engage a certifying path: one
// year after taking the post (taken on 2026-03-01, engaged on 2027-03-01
// at the latest, the 365th day after).
func (m *Member) Deadline() time.Time { return day(m.HiredOn).AddDate(1, 0, 0) }

// Compliance states.
const (
	Compliant     = "compliant"     // holds the title, or engaged in time
	Pending       = "pending"       // new hire, before the deadline
	DueSoon       = "due_soon"      // new hire, within three months of the deadline
	NonCompliant  = "non_compliant" // new hire, deadline passed without engaging
	PlanMember    = "plan"          // in post on 2026-01-01: follows the plan
	NotApplicable = "n/a"           // supervisory staff, or gone
)

// Compliance says where the person stands against the hiring rule on
// day today, with the deadline when there is one.
type Compliance struct {
	State    string
	Deadline *time.Time
}

// Label says the compliance state in French.
func (c Compliance) Label() string {
	switch c.State {
	case Compliant:
		return "Conforme"
	case Pending:
		return "À engager avant l'échéance"
	case DueSoon:
		return "Échéance dans moins de trois mois"
	case NonCompliant:
		return "Non conforme : échéance dépassée"
	case PlanMember:
		return "Plan de professionnalisation 2026–2030"
	}
	return "—"
}

// Alert reports whether the state needs the manager's attention.
func (c Compliance) Alert() bool { return c.State == DueSoon || c.State == NonCompliant }

// ComplianceOn applies the hiring rule: a new hire is compliant when they
// hold the title or an equivalent, or engaged a certifying training or a
// VAE no later than the deadline (engaged later: still non-compliant). Three months before it, a warning;
// after it, non-compliance.
func (m *Member) ComplianceOn(today time.Time) Compliance {
	today = day(today)
	switch {
	case m.Function != Counsellor || (m.LeftOn != nil && m.LeftOn.Before(today)):
		return Compliance{State: NotApplicable}
	case !m.NewHire():
		if _, ok := m.certifiedOn(); ok {
			return Compliance{State: Compliant}
		}
		return Compliance{State: PlanMember}
	}
	d := m.Deadline()
	c := Compliance{Deadline: &d}
	if m.StatusOn != nil {
		on := day(*m.StatusOn)
		// Holding the title settles it whenever it was obtained; a
		// training or VAE counts only if engaged by the deadline.
		if (m.Status.Certified() && !on.After(today)) || (m.Status.Engaged() && !on.After(d)) {
			c.State = Compliant
			return c
		}
	}
	switch {
	case today.After(d):
		c.State = NonCompliant
	case !today.Before(d.AddDate(0, -3, 0)):
		c.State = DueSoon
	default:
		c.State = Pending
	}
	return c
}

// Spread divides the baseline over the plan's five years evenly, by
// largest remainders (equal remainders: earlier years first): 600 → 120 a
// year; 7 → 2, 2, 1, 1, 1.
func Spread(baseline int) [LastYear - FirstYear + 1]int {
	var out [LastYear - FirstYear + 1]int
	copy(out[:], spreadOver(baseline, len(out)))
	return out
}

// spreadOver divides n over k years evenly, earlier years first.
func spreadOver(n, k int) []int {
	out := make([]int, k)
	for i := range out {
		out[i] = n / k
		if i < n%k {
			out[i]++
		}
	}
	return out
}

// Apportion gives each platform its five default targets from the
// platforms' baselines, so that (seed 001: « environ 600 professionnels
// … environ 120 professionnels par an ») every platform's targets add up
// to its baseline and differ by at most one from year to year, and every
// year's national total is the national baseline spread evenly (within
// one of baseline/5, which rounding requires). Rounding each platform up
// front would load the early years (the demo had 175 / 146 / 110 / 101 /
// 101 for 633).
//
// Each platform takes baseline/5 a year, and its remainder (0 to 4) as
// one more in as many consecutive years, the years running on from where
// the previous platform's remainder stopped, round the five years. The
// remainders thus fill the years in turn, and the national totals are
// exactly Spread(national baseline).
func Apportion(baselines []int) [][LastYear - FirstYear + 1]int {
	const n = LastYear - FirstYear + 1
	out := make([][n]int, len(baselines))
	next := 0
	for p, b := range baselines {
		for y := range n {
			out[p][y] = b / n
		}
		for range b % n {
			out[p][next]++
			next = (next + 1) % n
		}
	}
	return out
}

// Defaults computes every platform's default targets from every staff
// member of every platform, as of day today (issue 14 #1 and #2):
//
//   - the national baseline is apportioned to the platforms (Apportion),
//     platforms in the order of their ids, so each keeps its targets from
//     one view to the next;
//   - a plan member who leaves without the title leaves the plan from
//     their leave date: the years up to the year they left keep their
//     targets, and the later years share again what is left (per
//     platform: its baseline, less its leavers, less the targets of the
//     years before). Each later year gets that share rounded down, and
//     the remainders go, one per year, to the years whose national total
//     is lowest (largest remainders first), so the nation's later years
//     stay within one of each other.
func Defaults(members []Member, today time.Time) map[int64][LastYear - FirstYear + 1]int {
	const n = LastYear - FirstYear + 1
	type platform struct {
		id       int64
		baseline int
		leftIn   [n]int
	}
	byID := map[int64]*platform{}
	var ps []*platform
	for i := range members {
		m := &members[i]
		p, ok := byID[m.PlatformID]
		if !ok {
			p = &platform{id: m.PlatformID}
			byID[m.PlatformID] = p
			ps = append(ps, p)
		}
		if !m.InPlan() {
			continue
		}
		p.baseline++
		if m.leaver(today) {
			if y := m.LeftOn.Year() - FirstYear; y >= 0 && y < n {
				p.leftIn[y]++
			}
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].id < ps[j].id })
	bs := make([]int, len(ps))
	for i, p := range ps {
		bs[i] = p.baseline
	}
	t := Apportion(bs)
	leftBefore := make([]int, len(ps))
	for y := 1; y < n; y++ {
		// When someone left anywhere the year before, every platform's
		// later years are shared again (a platform without leavers keeps
		// its sum and its floor; only where its one-more years fall may
		// move), so the nation's later years stay even.
		left := false
		for _, p := range ps {
			left = left || p.leftIn[y-1] > 0
		}
		if !left {
			continue
		}
		moved := make([]int, len(ps))
		for i := range moved {
			moved[i] = i
		}
		k := n - y
		extra := map[int]int{}
		for _, i := range moved {
			leftBefore[i] += ps[i].leftIn[y-1]
			done := 0
			for _, v := range t[i][:y] {
				done += v
			}
			rest := max(ps[i].baseline-leftBefore[i]-done, 0)
			for j := y; j < n; j++ {
				t[i][j] = rest / k
			}
			extra[i] = rest % k
		}
		var total [n]int
		for i := range ps {
			for j := y; j < n; j++ {
				total[j] += t[i][j]
			}
		}
		sort.SliceStable(moved, func(a, b int) bool { return extra[moved[a]] > extra[moved[b]] })
		for _, i := range moved {
			years := make([]int, 0, k)
			for j := y; j < n; j++ {
				years = append(years, j)
			}
			sort.SliceStable(years, func(a, b int) bool { return total[years[a]] < total[years[b]] })
			for _, j := range years[:extra[i]] {
				t[i][j]++
				total[j]++
			}
		}
	}
	out := make(map[int64][n]int, len(ps))
	for i, p := range ps {
		out[p.id] = t[i]
	}
	return out
}

// Projection estimates the year the plan completes at the current pace:
// the plan's members certified since 2026-01-01 per year elapsed. It is
// not known before the first certification.
func Projection(baseline, certified int, today time.Time) (year int, ok bool) {
	if baseline <= 0 {
		return FirstYear, true
	}
	if certified <= 0 {
		return 0, false
	}
	elapsed := day(today).Sub(PlanStart).Hours() / 24 / 365.25
	if elapsed < 1.0/12 {
		elapsed = 1.0 / 12 // less than a month of data says nothing of a pace
	}
	if certified >= baseline {
		return day(today).Year(), true
	}
	remaining := float64(baseline-certified) / (float64(certified) / elapsed)
	return PlanStart.Year() + int(math.Floor(elapsed+remaining)), true
}
