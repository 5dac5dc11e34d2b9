package staff

import "time"

// TrainingCount is one nature of training: how many people follow it in
// the year (begun by its end, not ended before its start) and how many
// are planned for the next year.
type TrainingCount struct {
	ThisYear int `json:"this_year"`
	NextYear int `json:"next_year"`
}

// Trainings is the training indicator of seed 001 (« nature et nombre de
// formations réalisées dans l'année et prévues l'année suivante »), read
// from the roster's engagements, for the year of day today.
type Trainings struct {
	Year int `json:"year"`
	// Certifying: people in a certifying training for RNCP37779 (next
	// year: those whose expected end is in or after it, or unknown).
	Certifying TrainingCount `json:"certifying"`
	// VAE: people in a VAE for the title, counted the same way.
	VAE TrainingCount `json:"vae"`
	// PlannedPath: plan members not yet engaged whose planned year is
	// next year (training or VAE still to choose).
	PlannedPath TrainingCount `json:"planned_path"`
	// Supervisors: the supervisors' specific training followed or
	// scheduled in the year, and scheduled for the next.
	Supervisors TrainingCount `json:"supervisors"`
}

// add sums two indicators of the same year.
func (t Trainings) add(o Trainings) Trainings {
	sum := func(a, b TrainingCount) TrainingCount {
		return TrainingCount{a.ThisYear + b.ThisYear, a.NextYear + b.NextYear}
	}
	return Trainings{Year: max(t.Year, o.Year), Certifying: sum(t.Certifying, o.Certifying), VAE: sum(t.VAE, o.VAE),
		PlannedPath: sum(t.PlannedPath, o.PlannedPath), Supervisors: sum(t.Supervisors, o.Supervisors)}
}

// countTrainings reads the roster's engagements for the year of today.
// Someone who left before the year began is not counted; someone who
// leaves before the next year is not planned for it.
func countTrainings(members []Member, today time.Time) Trainings {
	y := today.Year()
	start, next := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
	t := Trainings{Year: y}
	for i := range members {
		m := &members[i]
		if m.LeftOn != nil && m.LeftOn.Before(start) {
			continue
		}
		staysNext := m.LeftOn == nil || !m.LeftOn.Before(next)
		if m.Status.Engaged() && m.StatusOn != nil && m.StatusOn.Before(next) && (m.TrainingEnd == nil || !m.TrainingEnd.Before(start)) {
			c := &t.Certifying
			if m.Status == VAE {
				c = &t.VAE
			}
			c.ThisYear++
			if staysNext && (m.TrainingEnd == nil || !m.TrainingEnd.Before(next)) {
				c.NextYear++
			}
		}
		if m.InPlan() && m.Status == NotEngaged && m.PlannedYear != nil && *m.PlannedYear == y+1 && staysNext {
			t.PlannedPath.NextYear++
		}
		if m.Function.Supervisory() && m.SupervisorTrainingOn != nil && m.SupervisorTraining != SupervisorTodo {
			switch on := m.SupervisorTrainingOn.Year(); {
			case on == y:
				t.Supervisors.ThisYear++
			case on == y+1 && m.SupervisorTraining == SupervisorPlanned && staysNext:
				t.Supervisors.NextYear++
			}
		}
	}
	return t
}

// Next is the year after the indicator's year.
func (t Trainings) Next() int { return t.Year + 1 }
