// Package referentiel holds the certifications: blocs de compétences,
// compétences, deliverables (modalités d'évaluation) and evaluation
// criteria. They are written as YAML files in referentiels/, checked by the
// loader, and stored in PostgreSQL as immutable versions.
package referentiel

// Certification is one référentiel at one version.
type Certification struct {
	Code          string         `json:"code"`
	Title         string         `json:"title"`
	Level         int            `json:"level"`
	Certifier     string         `json:"certifier"`
	Source        string         `json:"source,omitempty"`
	Notes         string         `json:"notes,omitempty"`
	Prerequisites []Prerequisite `json:"prerequisites"`
	// Equivalences are the grounds, stated by the certification's sources,
	// on which a bloc may be validated by équivalence; the certifier
	// accepting a candidate's proof names one of them.
	Equivalences []Equivalence `json:"equivalences"`
	Blocks       []Block       `json:"blocks"`
	// VersionID and ContentHash identify the stored version; ContentHash
	// is the SHA-256 of the source file.
	VersionID   int64  `json:"version_id"`
	ContentHash string `json:"content_hash"`
}

// Prerequisite is a condition of entry, such as a minimum experience.
type Prerequisite struct {
	Code                string `json:"code"`
	Label               string `json:"label"`
	MinExperienceMonths int    `json:"min_experience_months,omitempty"`
}

// Equivalence is one ground for validating blocs by équivalence, quoted
// from the source with where it says so.
type Equivalence struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Block is a bloc de compétences.
type Block struct {
	Code         string        `json:"code"`
	Title        string        `json:"title"`
	Activities   []Activity    `json:"activities,omitempty"`
	Competences  []Competence  `json:"competences"`
	Deliverables []Deliverable `json:"deliverables"`
	Criteria     []Criterion   `json:"criteria"`
}

// Activity is a line of the référentiel d'activités, with its items.
type Activity struct {
	Label string   `json:"label"`
	Items []string `json:"items,omitempty"`
}

// Competence is one compétence of a bloc, with its sub-points.
type Competence struct {
	Code  string   `json:"code"`
	Label string   `json:"label"`
	Items []string `json:"items,omitempty"`
}

// Deliverable is what the candidate hands in (or sits, for an oral).
type Deliverable struct {
	Code          string   `json:"code"`
	Kind          string   `json:"kind"`
	Label         string   `json:"label"`
	Description   string   `json:"description,omitempty"`
	Contents      []string `json:"contents,omitempty"`
	MaxPages      int      `json:"max_pages,omitempty"`
	Upload        bool     `json:"upload"`
	AcceptedTypes []string `json:"accepted_types,omitempty"`
}

// Criterion is one evaluation criterion the jury scores.
type Criterion struct {
	Code       string `json:"code"`
	Label      string `json:"label"`
	Competence string `json:"competence,omitempty"`
}

// DeliverableKinds are the kinds a deliverable may have.
var DeliverableKinds = []string{"memoire", "dossier_professionnel", "carte_mentale", "dossier_complementaire", "entretien_oral"}

// FileTypes are the accepted upload types a deliverable may list.
var FileTypes = []string{"pdf", "odt", "docx", "png", "jpeg"}
