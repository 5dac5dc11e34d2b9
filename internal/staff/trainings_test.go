package staff

import "testing"

// TestTrainingIndicator (issue 14 #6): the trainings of the year and of
// the next, by nature, from the roster's engagements.
func TestTrainingIndicator(t *testing.T) {
	today := d("2027-05-15")
	roster := []Member{
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: Training, StatusOn: dp("2026-10-01"), TrainingEnd: dp("2027-07-31")}, // this year only
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: Training, StatusOn: dp("2027-02-01")},                                // end unknown: both
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: Training, StatusOn: dp("2025-02-01"), TrainingEnd: dp("2026-06-30")}, // ended last year
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: VAE, StatusOn: dp("2027-03-01"), TrainingEnd: dp("2028-03-01")},      // both
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: NotEngaged, PlannedYear: intp(2028)},                                 // planned next year
		{Function: Counsellor, HiredOn: d("2019-01-01"), Status: NotEngaged, PlannedYear: intp(2028), LeftOn: dp("2027-09-30")},       // leaves first
		{Function: Manager, HiredOn: d("2015-01-01"), SupervisorTraining: SupervisorDone, SupervisorTrainingOn: dp("2027-02-10")},
		{Function: HeadOfUnit, HiredOn: d("2015-01-01"), SupervisorTraining: SupervisorPlanned, SupervisorTrainingOn: dp("2028-01-20")},
	}
	got := BuildPlan(roster, nil, today).Trainings
	want := Trainings{Year: 2027, Certifying: TrainingCount{2, 1}, VAE: TrainingCount{1, 1}, PlannedPath: TrainingCount{0, 1}, Supervisors: TrainingCount{1, 1}}
	if got != want {
		t.Fatalf("indicateur des formations : %+v, attendu %+v", got, want)
	}
	if sum := BuildPlan(nil, nil, today).Add(BuildPlan(roster, nil, today), today).Add(BuildPlan(roster, nil, today), today).Trainings; sum.Certifying.ThisYear != 4 || sum.Year != 2027 {
		t.Errorf("somme : %+v", sum)
	}
}

func intp(n int) *int { return &n }
