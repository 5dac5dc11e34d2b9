package staff

import "testing"

// TestSupervisorsTraining (issue 14 #4): the supervisors' specific
// training counted per platform and summed for a région or the nation,
// with alerts for a training not scheduled or scheduled for a day past
// without being followed; the seed's three objectives.
func TestSupervisorsTraining(t *testing.T) {
	today := d("2027-05-15")
	a := []Member{
		{PlatformID: 1, Function: HeadOfUnit, HiredOn: d("2015-01-05"), SupervisorTraining: SupervisorDone, SupervisorTrainingOn: dp("2026-05-12")},
		{PlatformID: 1, Function: Manager, HiredOn: d("2016-01-05"), SupervisorTraining: SupervisorPlanned, SupervisorTrainingOn: dp("2027-09-01")},
		{PlatformID: 1, Function: Coordinator, HiredOn: d("2017-01-05"), SupervisorTraining: SupervisorPlanned, SupervisorTrainingOn: dp("2027-03-01")}, // past: overdue
		{PlatformID: 1, Function: Counsellor, HiredOn: d("2017-01-05")},                                                                                 // not a supervisor
		{PlatformID: 1, Function: Manager, HiredOn: d("2015-01-05"), LeftOn: dp("2026-12-31")},                                                          // gone
	}
	b := []Member{{PlatformID: 2, Function: Coordinator, HiredOn: d("2019-01-05"), SupervisorTraining: SupervisorTodo}}
	pa, pb := BuildPlan(a, nil, today), BuildPlan(b, nil, today)
	if s := pa.Supervisors; s != (Supervisors{Total: 3, Done: 1, Planned: 1, Overdue: 1}) || s.Alerts() != 1 {
		t.Errorf("plateforme A : %+v", s)
	}
	nation := BuildPlan(nil, nil, today).Add(pa, today).Add(pb, today)
	if s := nation.Supervisors; s.Total != 4 || s.Todo != 1 || s.Alerts() != 2 {
		t.Errorf("national : %+v", s)
	}
	if len(SupervisorObjectives) != 3 || SupervisorObjectives[1] != "maîtriser les exigences méthodologiques, déontologiques et organisationnelles associées" {
		t.Errorf("objectifs : %v", SupervisorObjectives)
	}
}
