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
	// Shared is set on deliverables of several blocs that are one and the
	// same file (CASP blocs 1 and 2 share their mémoire): the candidate
	// hands it in once and it counts for each bloc. Each bloc keeps its
	// own description, as its source gives it.
	Shared string `json:"shared,omitempty"`
}

// FileKey is the code a candidate's file for d is stored under: the shared
// key when the file serves several blocs, else d's own code.
func (d Deliverable) FileKey() string {
	if d.Shared != "" {
		return d.Shared
	}
	return d.Code
}

// SharedBlocks lists, in the référentiel's order, the codes of the blocs
// whose deliverables share the file key; one bloc for an unshared key.
func (c *Certification) SharedBlocks(key string) []string {
	var out []string
	for _, b := range c.Blocks {
		for _, d := range b.Deliverables {
			if d.FileKey() == key {
				out = append(out, b.Code)
				break
			}
		}
	}
	return out
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
