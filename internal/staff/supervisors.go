package staff

import "time"

// SupervisorObjectives are the content objectives of the supervisors'
// specific training, as seed 001 states them (a) « Formation des
// fonctions d'encadrement »): the training must allow them to…
var SupervisorObjectives = []string{
	"acquérir une compréhension approfondie des principes fondamentaux du modèle de l'emploi accompagné",
	"maîtriser les exigences méthodologiques, déontologiques et organisationnelles associées",
	"garantir une mise en œuvre fidèle, cohérente et éthique du dispositif, tant dans sa dimension stratégique que dans son organisation opérationnelle",
}

// Supervisors follows the supervisors' specific training (seed 001: the
// « personnes assurant des fonctions de pilotage ou de coordination » —
// chefs de service, responsables de dispositif, coordination) for a
// platform, a région or the nation: the staff in post today.
type Supervisors struct {
	Total   int `json:"total"`
	Done    int `json:"done"`    // training followed
	Planned int `json:"planned"` // training scheduled, its date still to come
	Todo    int `json:"todo"`    // nothing scheduled yet: an alert
	Overdue int `json:"overdue"` // scheduled for a day now past and not recorded as followed: an alert
}

// Alerts counts the supervisors whose training needs the manager's
// attention: not scheduled, or its date past without it being followed.
func (s Supervisors) Alerts() int { return s.Todo + s.Overdue }

// add sums two counts, for a région or the nation.
func (s Supervisors) add(o Supervisors) Supervisors {
	return Supervisors{Total: s.Total + o.Total, Done: s.Done + o.Done, Planned: s.Planned + o.Planned, Todo: s.Todo + o.Todo, Overdue: s.Overdue + o.Overdue}
}

// SupervisorState says where a supervisor's specific training stands on
// day today: "done", "planned" (its date, the due date, still to come),
// "overdue" (its date past, not recorded as followed) or "todo" (not
// scheduled); "" for someone who is not a supervisor in post. The seed
// sets no deadline of its own: the due date is the one the manager
// scheduled.
func (m *Member) SupervisorState(today time.Time) string {
	if !m.Function.Supervisory() || !m.Active(today) {
		return ""
	}
	switch m.SupervisorTraining {
	case SupervisorDone:
		return SupervisorDone
	case SupervisorPlanned:
		if m.SupervisorTrainingOn != nil && day(*m.SupervisorTrainingOn).Before(day(today)) {
			return "overdue"
		}
		return SupervisorPlanned
	}
	return SupervisorTodo
}

// countSupervisors counts a roster's supervisors in post by state.
func countSupervisors(members []Member, today time.Time) Supervisors {
	var s Supervisors
	for i := range members {
		switch members[i].SupervisorState(today) {
		case "":
			continue
		case SupervisorDone:
			s.Done++
		case SupervisorPlanned:
			s.Planned++
		case "overdue":
			s.Overdue++
		default:
			s.Todo++
		}
		s.Total++
	}
	return s
}
