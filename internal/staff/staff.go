// Package staff keeps the platforms' staff rosters and follows the national
// professionalisation plan of the emploi accompagné counsellors (seed 001,
// box « PLAN DE MONTÉE EN COMPÉTENCES DES PROFESSIONNELS DE L'EMPLOI
// ACCOMPAGNÉ »):
//
//   - from 2026-01-01, a counsellor who takes a post must hold the title
//     RNCP37779 (or a certification recognised as equivalent), or engage a
//     certifying training within the year after taking the post;
//   - counsellors in post on 2026-01-01 without the title form the
//     platform's five-year plan (2026–2030): « sur une base estimée de 600
//     professionnels en poste, ce plan implique la certification d'environ
//     120 professionnels par an, soit en moyenne un professionnel par an et
//     par plateforme »;
//   - supervisory staff (chefs de service, responsables de dispositif,
//     coordination) follow a specific training, tracked apart.
package staff

import (
	"errors"
	"time"

	"acquis/internal/fielderr"
)

// Function is what a staff member does on the platform.
type Function string

// The functions: the counsellor, and the three supervisory ones.
const (
	Counsellor  Function = "conseiller"
	HeadOfUnit  Function = "chef_de_service"
	Manager     Function = "responsable_dispositif"
	Coordinator Function = "coordination"
)

// Functions lists them in the order forms show them.
var Functions = []Function{Counsellor, HeadOfUnit, Manager, Coordinator}

// Label is the function in French.
func (f Function) Label() string {
	switch f {
	case Counsellor:
		return "Conseiller en emploi accompagné"
	case HeadOfUnit:
		return "Chef de service"
	case Manager:
		return "Responsable de dispositif"
	case Coordinator:
		return "Coordination"
	}
	return string(f)
}

// Supervisory reports whether the function is one of encadrement, whose
// holders follow the specific training rather than the title.
func (f Function) Supervisory() bool { return f == HeadOfUnit || f == Manager || f == Coordinator }

// Status is where a staff member stands towards the title.
type Status string

// The statuses.
const (
	Holder     Status = "holder"      // holds RNCP37779
	Equivalent Status = "equivalent"  // holds a certification recognised as equivalent
	Training   Status = "training"    // in a certifying training
	VAE        Status = "vae"         // VAE in progress
	NotEngaged Status = "not_engaged" // nothing yet
)

// Statuses lists them in the order forms show them.
var Statuses = []Status{Holder, Equivalent, Training, VAE, NotEngaged}

// Label is the status in French.
func (s Status) Label() string {
	switch s {
	case Holder:
		return "Titulaire du titre RNCP37779"
	case Equivalent:
		return "Titulaire d'une certification équivalente"
	case Training:
		return "En formation certifiante"
	case VAE:
		return "VAE en cours"
	case NotEngaged:
		return "Non engagé"
	}
	return string(s)
}

// Certified reports whether the status counts as holding the title (or an
// equivalent recognised by the competent authority).
func (s Status) Certified() bool { return s == Holder || s == Equivalent }

// Engaged reports whether the person is on the way to the title.
func (s Status) Engaged() bool { return s == Training || s == VAE }

// Supervisor-training states.
const (
	SupervisorTodo    = "todo"
	SupervisorPlanned = "planned"
	SupervisorDone    = "done"
)

// SupervisorLabel says a supervisor-training state in French.
func SupervisorLabel(s string) string {
	switch s {
	case SupervisorDone:
		return "Suivie"
	case SupervisorPlanned:
		return "Programmée"
	}
	return "À programmer"
}

// Member is one person of a platform's roster. Status, StatusOn and
// CertificateNumber are the effective ones: when FromCandidacy is set they
// come from the person's candidacy in acquis, not from what was recorded.
type Member struct {
	ID                   int64      `db:"id" json:"id"`
	PlatformID           int64      `db:"platform_id" json:"platform_id"`
	FullName             string     `db:"full_name" json:"full_name"`
	Email                *string    `db:"email" json:"email,omitempty"`
	UserID               *int64     `db:"user_id" json:"user_id,omitempty"`
	Function             Function   `db:"function" json:"function"`
	FTE                  float64    `db:"fte" json:"fte"`
	HiredOn              time.Time  `db:"hired_on" json:"hired_on"`
	LeftOn               *time.Time `db:"left_on" json:"left_on,omitempty"`
	LeftReason           string     `db:"left_reason" json:"left_reason,omitempty"` // why the person left, when they did
	Employer             string     `db:"employer" json:"employer"`
	Status               Status     `db:"status" json:"status"`
	StatusOn             *time.Time `db:"status_on" json:"status_on,omitempty"`
	CertificateNumber    string     `db:"certificate_number" json:"certificate_number,omitempty"`
	EquivalentName       string     `db:"equivalent_name" json:"equivalent_name,omitempty"`
	TrainingBody         string     `db:"training_body" json:"training_body,omitempty"`
	TrainingEnd          *time.Time `db:"training_end" json:"training_end,omitempty"`
	PlannedYear          *int       `db:"planned_year" json:"planned_year,omitempty"`
	SupervisorTraining   string     `db:"supervisor_training" json:"supervisor_training"`
	SupervisorTrainingOn *time.Time `db:"supervisor_training_on" json:"supervisor_training_on,omitempty"`
	EvidenceSHA256       *string    `db:"evidence_sha256" json:"evidence_sha256,omitempty"`
	EvidenceName         string     `db:"evidence_name" json:"evidence_name,omitempty"`
	EvidenceMIME         string     `db:"evidence_mime" json:"-"`
	// EquivalentID names the recognised title in the certifier's list
	// (EquivalentName is its title, copied by the database).
	EquivalentID *int64 `db:"equivalent_id" json:"equivalent_id,omitempty"`
	// Accompanied is how many persons the counsellor accompanies today,
	// Veille how many of them are in « veille » (seed 001); nil: not said.
	Accompanied   *int   `db:"persons_accompanied" json:"persons_accompanied,omitempty"`
	Veille        *int   `db:"persons_veille" json:"persons_veille,omitempty"`
	FromCandidacy bool   `db:"from_candidacy" json:"from_candidacy"`
	CandidacyID   *int64 `db:"candidacy_id" json:"candidacy_id,omitempty"`
}

// ErrNotFound is returned for an unknown staff member.
var ErrNotFound = errors.New("staff: introuvable")

// invalid refuses a field (and, in an import, its line is set after):
// the one field-error shape of every package.
func invalid(field, format string, args ...any) *fielderr.Error {
	return fielderr.Newf(field, format, args...)
}
