package staff

import "time"

// PlanYear is one year of a platform's plan.
type PlanYear struct {
	Year      int    `json:"year"`
	Target    int    `json:"target"`
	Default   int    `json:"default_target"`
	Reason    string `json:"reason,omitempty"` // why the manager changed the target
	Certified int    `json:"certified"`        // plan members certified that year
	Engaged   int    `json:"engaged"`          // plan members who engaged that year and are not yet certified
	Left      int    `json:"left"`             // plan members who left that year without the title
	CumTarget int    `json:"cumulative_target"`
	CumDone   int    `json:"cumulative_certified"`
	Gap       int    `json:"gap"`  // CumTarget − CumDone, for years begun
	Past      bool   `json:"past"` // the year has begun: its gap is known
}

// Plan is a platform's (or a région's, or the nation's) professionalisation
// plan and the annual follow-up indicator.
type Plan struct {
	Baseline   int        `json:"baseline"` // counsellors in post on 2026-01-01 without the title
	Left       int        `json:"left"`     // of them, who left without the title: out of the plan
	Years      []PlanYear `json:"years"`
	Certified  int        `json:"certified"`   // plan members certified since 2026-01-01
	Engaged    int        `json:"engaged"`     // plan members engaged and not yet certified
	NotStarted int        `json:"not_started"` // plan members neither certified nor engaged
	// Holders is the annual indicator « nombre de professionnels titulaires
	// du titre professionnel »: staff in post today holding RNCP37779.
	Holders int `json:"holders"`
	// Gap is how far behind the cumulative target of the current year the
	// plan is (negative: ahead).
	Gap             int  `json:"gap"`
	ProjectedYear   int  `json:"projected_year,omitempty"`
	ProjectionKnown bool `json:"projection_known"`
	// Alerts counts new hires due soon or past their deadline.
	Alerts int `json:"alerts"`
	// Supervisors follows the supervisors' specific training.
	Supervisors Supervisors `json:"supervisors"`
	// Trainings is the training indicator: trainings of the year and of
	// the next, by nature.
	Trainings Trainings `json:"trainings"`
	// Staffing is the resources indicators: ETP and persons accompanied
	// per counsellor ETP against the ceiling of 20.
	Staffing Staffing `json:"staffing"`
}

// Target is a manager's change to a year's default target.
type Target struct {
	PlatformID int64  `db:"platform_id" json:"platform_id"`
	Year       int    `db:"year" json:"year"`
	Target     int    `db:"target" json:"target"`
	Reason     string `db:"reason" json:"reason"`
}

// BuildPlan computes one platform's plan from its roster and the targets
// the manager changed, as of day today, as if it were the only platform
// (Defaults over its roster alone). The national view and the platform
// page use BuildPlanWith and the national apportionment instead.
func BuildPlan(members []Member, targets []Target, today time.Time) Plan {
	var pid int64
	if len(members) > 0 {
		pid = members[0].PlatformID
	}
	return BuildPlanWith(members, targets, Defaults(members, today)[pid], today)
}

// leaver reports whether a plan member has left the plan by day today:
// gone on or before today without the title (someone who obtained it
// before leaving is an achievement and stays in the history).
func (m *Member) leaver(today time.Time) bool {
	return m.LeftOn != nil && !day(*m.LeftOn).After(day(today)) && !m.Status.Certified()
}

// BuildPlanWith computes a plan from a roster, the targets the manager
// changed and the default targets of the five years (from Defaults: they
// add up to the baseline less the leavers), as of day today. A plan
// member who left without the title is counted apart (Left) and not as
// engaged or not started; what was certified before leaving stays in the
// history. A manager's reasoned change of a year's target stands over the
// computed one.
func BuildPlanWith(members []Member, targets []Target, defaults [LastYear - FirstYear + 1]int, today time.Time) Plan {
	var p Plan
	certifiedIn := map[int]int{}
	engagedIn := map[int]int{}
	leftIn := map[int]int{}
	for i := range members {
		m := &members[i]
		// A holder counts from the day they obtained the title: a year
		// frozen at 31 December leaves out who obtained it later.
		if m.Status == Holder && m.Active(today) && (m.StatusOn == nil || !day(*m.StatusOn).After(day(today))) {
			p.Holders++
		}
		if m.ComplianceOn(today).Alert() {
			p.Alerts++
		}
		if !m.InPlan() {
			continue
		}
		p.Baseline++
		switch {
		case m.Status.Certified() && m.StatusOn != nil:
			p.Certified++
			certifiedIn[m.StatusOn.Year()]++
		case m.leaver(today):
			p.Left++
			leftIn[m.LeftOn.Year()]++
		case m.Status.Engaged() && m.StatusOn != nil:
			p.Engaged++
			y := m.StatusOn.Year()
			if y < FirstYear {
				y = FirstYear // engaged before the plan: counted in its first year
			}
			engagedIn[y]++
		default:
			p.NotStarted++
		}
	}
	p.Supervisors = countSupervisors(members, today)
	p.Trainings = countTrainings(members, today)
	p.Staffing = countStaffing(members, today)
	computed := defaults
	over := map[int]Target{}
	for _, t := range targets {
		over[t.Year] = t
	}
	cumT, cumD := 0, 0
	for i := range computed {
		y := PlanYear{Year: FirstYear + i, Default: computed[i], Target: computed[i], Certified: certifiedIn[FirstYear+i],
			Engaged: engagedIn[FirstYear+i], Left: leftIn[FirstYear+i]}
		if t, ok := over[y.Year]; ok {
			y.Target, y.Reason = t.Target, t.Reason
		}
		cumT += y.Target
		cumD += y.Certified
		y.CumTarget, y.CumDone = cumT, cumD
		y.Past = y.Year <= today.Year()
		if y.Past {
			y.Gap = cumT - cumD
			p.Gap = y.Gap
		}
		p.Years = append(p.Years, y)
	}
	p.ProjectedYear, p.ProjectionKnown = Projection(p.Baseline-p.Left, p.Certified, today)
	return p
}

// Add sums two plans, for a région or the nation: every count adds up,
// and the projection is recomputed from the totals.
func (p Plan) Add(q Plan, today time.Time) Plan {
	out := Plan{Baseline: p.Baseline + q.Baseline, Left: p.Left + q.Left, Certified: p.Certified + q.Certified, Engaged: p.Engaged + q.Engaged,
		NotStarted: p.NotStarted + q.NotStarted, Holders: p.Holders + q.Holders, Gap: p.Gap + q.Gap, Alerts: p.Alerts + q.Alerts,
		Supervisors: p.Supervisors.add(q.Supervisors), Trainings: p.Trainings.add(q.Trainings),
		Staffing: p.Staffing.add(q.Staffing)}
	for i := range max(len(p.Years), len(q.Years)) {
		var a, b PlanYear
		if i < len(p.Years) {
			a = p.Years[i]
		}
		if i < len(q.Years) {
			b = q.Years[i]
		}
		y := a
		y.Year = FirstYear + i
		y.Target, y.Default, y.Certified, y.Engaged, y.Left = a.Target+b.Target, a.Default+b.Default, a.Certified+b.Certified, a.Engaged+b.Engaged, a.Left+b.Left
		y.CumTarget, y.CumDone, y.Gap = a.CumTarget+b.CumTarget, a.CumDone+b.CumDone, a.Gap+b.Gap
		y.Past = y.Year <= today.Year()
		y.Reason = ""
		out.Years = append(out.Years, y)
	}
	out.ProjectedYear, out.ProjectionKnown = Projection(out.Baseline-out.Left, out.Certified, today)
	return out
}
