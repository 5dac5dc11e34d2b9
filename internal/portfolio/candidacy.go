package portfolio

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/civil"
	"acquis/internal/db"
	"acquis/internal/fielderr"
	"acquis/internal/referentiel"
)

var (
	// ErrNotFound means no candidacy, document or deposit has that id.
	ErrNotFound = errors.New("portfolio: introuvable")
	// ErrLocked means the dossier is submitted and cannot change until the
	// jury ends or the certifier reopens it.
	ErrLocked = errors.New("portfolio: dossier verrouillé")
)

// invalid refuses a field: the one field-error shape of every package.
func invalid(field, msg string) error { return fielderr.New(field, msg) }

// Pathway is how a bloc is validated.
type Pathway string

// The pathways (voies d'accès).
const (
	Formation   Pathway = "formation"
	VAE         Pathway = "vae"
	Equivalence Pathway = "equivalence"
)

// Pathways lists them in the order forms show them.
var Pathways = []Pathway{Formation, VAE, Equivalence}

// Label is the pathway's French name.
func (p Pathway) Label() string {
	switch p {
	case Formation:
		return "Formation"
	case VAE:
		return "VAE"
	case Equivalence:
		return "Équivalence"
	}
	return string(p)
}

// AdmissibilityDelay is the certifier's time to rule on admissibility:
// two months, after which silence means admissible (art. L6412-2 du code du
// travail).
const AdmissibilityDelayMonths = 2

// Candidacy is a candidate's application for a certification.
type Candidacy struct {
	ID                       int64       `db:"id" json:"id"`
	CandidateID              int64       `db:"candidate_id" json:"candidate_id"`
	CandidateName            string      `db:"candidate_name" json:"candidate_name"`
	CertificationCode        string      `db:"certification_code" json:"certification_code"`
	CertificationTitle       string      `db:"certification_title" json:"certification_title"`
	VersionID                int64       `db:"version_id" json:"version_id"`
	OrganisationID           *int64      `db:"organisation_id" json:"organisation_id,omitempty"`
	OrganisationName         string      `db:"organisation_name" json:"organisation_name,omitempty"`
	PlatformID               int64       `db:"platform_id" json:"-"`
	RegionCode               string      `db:"region_code" json:"-"`
	State                    State       `db:"state" json:"state"`
	ExperienceMonths         int         `db:"experience_months" json:"experience_months"`
	ExperienceRole           string      `db:"experience_role" json:"experience_role"`
	ExperienceEmployer       string      `db:"experience_employer" json:"experience_employer"`
	CreatedAt                time.Time   `db:"created_at" json:"created_at"`
	StateChangedAt           time.Time   `db:"state_changed_at" json:"state_changed_at"`
	AdmissibilitySubmittedAt *time.Time  `db:"admissibility_submitted_at" json:"admissibility_submitted_at,omitempty"`
	AdmissibilityDue         *civil.Date `db:"admissibility_due" json:"admissibility_due,omitempty"`
	AdmissibilityDecidedAt   *time.Time  `db:"admissibility_decided_at" json:"admissibility_decided_at,omitempty"`
	AdmissibilityReasons     string      `db:"admissibility_reasons" json:"admissibility_reasons,omitempty"`
	SubmittedAt              *time.Time  `db:"submitted_at" json:"submitted_at,omitempty"`
	Locked                   bool        `db:"locked" json:"locked"`
	Blocks                   []Target    `db:"-" json:"blocks"`
	// Equivalences are the blocs aimed at by équivalence: they are not in
	// Blocks, which lists the blocs presented to a jury.
	Equivalences []EquivalenceTarget `db:"-" json:"equivalences"`
}

// Target is one bloc the candidacy aims at, with its pathway.
type Target struct {
	BlockCode string  `db:"block_code" json:"block_code"`
	Pathway   Pathway `db:"pathway" json:"pathway"`
}

// Overdue reports whether the certifier let the two months pass without a
// decision (the candidacy is then admissible by silence).
func (c Candidacy) Overdue(now time.Time) bool {
	return c.State == AdmissibilitySubmitted && c.AdmissibilityDue != nil && now.After(c.AdmissibilityDue.AddDate(0, 0, 1))
}

// Store keeps candidacies in PostgreSQL.
type Store struct {
	db   *sqlx.DB
	refs *referentiel.Store
	now  func() time.Time
}

// NewStore returns a Store on d.
func NewStore(d *sqlx.DB) *Store {
	return &Store{db: d, refs: referentiel.NewStore(d), now: time.Now}
}

// NewCandidacy is what the candidate fills in.
type NewCandidacy struct {
	CandidateID        int64
	CertificationCode  string
	OrganisationID     int64
	Pathways           map[string]Pathway // bloc code → pathway; blocs absent are not targeted
	ExperienceMonths   int
	ExperienceRole     string
	ExperienceEmployer string
}

// CASPCode is the CASP certification, whose training entry requires 18
// months of professional experience (its RNCP fiche).
const CASPCode = "RNCP36625"

// Create opens a candidacy at the certification's current version. It
// targets the blocs given, never a bloc the candidate already holds, and
// checks the certification's experience prerequisite for training entry.
func (s *Store) Create(ctx context.Context, actor audit.Actor, n NewCandidacy) (int64, error) {
	cert, err := s.refs.Certification(ctx, n.CertificationCode)
	if errors.Is(err, referentiel.ErrNotFound) {
		return 0, invalid("certification", "Choisissez une certification de la liste.")
	}
	if err != nil {
		return 0, err
	}
	if n.ExperienceMonths < 0 || n.ExperienceMonths > 720 {
		return 0, invalid("experience_months", "L'expérience professionnelle se compte en mois, entre 0 et 720.")
	}
	n.ExperienceRole = strings.TrimSpace(n.ExperienceRole)
	n.ExperienceEmployer = strings.TrimSpace(n.ExperienceEmployer)
	if len([]rune(n.ExperienceRole)) > 200 || len([]rune(n.ExperienceEmployer)) > 200 {
		return 0, invalid("experience_role", "La fonction et l'employeur ne peuvent dépasser 200 caractères.")
	}
	acquired, err := s.AcquiredBlocks(ctx, n.CandidateID)
	if err != nil {
		return 0, err
	}
	held := map[string]bool{}
	for _, a := range acquired {
		held[a.BlockCode] = true
	}
	known := map[string]bool{}
	for _, b := range cert.Blocks {
		known[b.Code] = true
	}
	for code, p := range n.Pathways {
		if !known[code] {
			return 0, invalid("blocks", "Ce bloc n'appartient pas à la certification choisie.")
		}
		if held[code] {
			return 0, invalid("blocks", fmt.Sprintf("Vous détenez déjà le bloc %s : il est acquis à vie et n'est pas à repasser.", code))
		}
		if p != Formation && p != VAE && p != Equivalence {
			return 0, invalid("blocks", "Choisissez une voie d'accès pour chaque bloc : formation, VAE ou équivalence.")
		}
		if p == Equivalence && len(cert.Equivalences) == 0 {
			return 0, invalid("blocks", fmt.Sprintf("Le référentiel de « %s » ne prévoit pas de validation par équivalence : choisissez la formation ou la VAE.", cert.Title))
		}
	}
	if len(n.Pathways) == 0 {
		remaining := 0
		for _, b := range cert.Blocks {
			if !held[b.Code] {
				remaining++
			}
		}
		if remaining == 0 {
			return 0, invalid("blocks", "Vous détenez déjà tous les blocs de cette certification.")
		}
		return 0, invalid("blocks", "Choisissez au moins un bloc et sa voie d'accès.")
	}
	if err := checkPrerequisites(cert, n); err != nil {
		return 0, err
	}
	var id int64
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var live struct {
			ID    int64 `db:"id"`
			State State `db:"state"`
		}
		switch err := tx.GetContext(ctx, &live, `SELECT id, state FROM candidacies WHERE candidate_id = $1 AND certification_code = $2
			AND state NOT IN ('closed', 'withdrawn', 'not_admissible') LIMIT 1`, n.CandidateID, cert.Code); {
		case err == nil:
			return liveCandidacy(cert.Title, live.State)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var org sql.NullInt64
		if n.OrganisationID != 0 {
			org = sql.NullInt64{Int64: n.OrganisationID, Valid: true}
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO candidacies (candidate_id, certification_code, version_id, organisation_id,
			experience_months, experience_role, experience_employer) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			n.CandidateID, cert.Code, cert.VersionID, org, n.ExperienceMonths, n.ExperienceRole, n.ExperienceEmployer); err != nil {
			return err
		}
		for i, b := range cert.Blocks {
			p, ok := n.Pathways[b.Code]
			if !ok {
				continue
			}
			// A bloc aimed at by équivalence is not presented to a jury: it
			// waits for the candidate's proof and the certifier's decision.
			var err error
			if p == Equivalence {
				_, err = tx.ExecContext(ctx, `INSERT INTO candidacy_equivalences (candidacy_id, block_code, position) VALUES ($1, $2, $3)`, id, b.Code, i+1)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO candidacy_blocks (candidacy_id, block_code, position, pathway) VALUES ($1, $2, $3, $4)`, id, b.Code, i+1, p)
			}
			if err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor.Entry("candidacy.create", "candidacy", strconv.FormatInt(id, 10), map[string]any{
			"certification": cert.Code, "version_id": cert.VersionID, "pathways": n.Pathways, "experience_months": n.ExperienceMonths,
		}))
	})
	if db.IsUniqueViolation(err, "candidacies_one_live") {
		// Two submissions at once: the index refused the second.
		return 0, liveCandidacy(cert.Title, Draft)
	}
	var ve *fielderr.Error
	if errors.As(err, &ve) {
		return 0, err
	}
	if err != nil {
		return 0, fmt.Errorf("portfolio: create: %w", err)
	}
	return id, nil
}

// liveCandidacy is the refusal of a second live candidacy for the same
// certification: the candidate continues the one they have (a partial
// result reopens it for the missing blocs) or withdraws it first.
func liveCandidacy(title string, st State) error {
	return invalid("certification", fmt.Sprintf("Vous avez déjà une candidature en cours pour « %s » (état : %s). Poursuivez-la, ou abandonnez-la avant d'en ouvrir une nouvelle.", title, st.Label()))
}

// checkPrerequisites applies the certification's prerequisites, read from
// its référentiel: a minimum experience for entry into training.
func checkPrerequisites(cert *referentiel.Certification, n NewCandidacy) error {
	training := false
	for _, p := range n.Pathways {
		training = training || p == Formation
	}
	if !training {
		return nil
	}
	for _, pr := range cert.Prerequisites {
		if pr.MinExperienceMonths > 0 && n.ExperienceMonths < pr.MinExperienceMonths {
			return invalid("experience_months", fmt.Sprintf(
				"L'entrée en formation %s demande %d mois d'expérience professionnelle ; vous en déclarez %d. Il vous manque %d mois. La VAE ou l'équivalence restent possibles selon votre situation.",
				cert.Title, pr.MinExperienceMonths, n.ExperienceMonths, pr.MinExperienceMonths-n.ExperienceMonths))
		}
	}
	return nil
}

const candidacyColumns = `c.id, c.candidate_id, u.full_name AS candidate_name, c.certification_code, v.title AS certification_title,
	c.version_id, c.organisation_id, coalesce(o.name, '') AS organisation_name,
	CASE WHEN o.kind = 'platform' THEN o.id ELSE 0 END AS platform_id, coalesce(o.region_code, '') AS region_code,
	c.state, c.experience_months, c.experience_role, c.experience_employer, c.created_at, c.state_changed_at,
	c.admissibility_submitted_at, c.admissibility_due, c.admissibility_decided_at, c.admissibility_reasons, c.submitted_at, c.locked`

const candidacyFrom = ` FROM candidacies c JOIN users u ON u.id = c.candidate_id
	JOIN certification_versions v ON v.id = c.version_id
	LEFT JOIN organisations o ON o.id = c.organisation_id`

// Candidacy returns one candidacy with its targeted blocs.
func (s *Store) Candidacy(ctx context.Context, id int64) (*Candidacy, error) {
	var c Candidacy
	if err := s.db.GetContext(ctx, &c, `SELECT `+candidacyColumns+candidacyFrom+` WHERE c.id = $1`, id); err != nil {
		return nil, db.NotFound(err, ErrNotFound, "portfolio")
	}
	if err := s.db.SelectContext(ctx, &c.Blocks, `SELECT block_code, pathway FROM candidacy_blocks WHERE candidacy_id = $1 ORDER BY position`, id); err != nil {
		return nil, fmt.Errorf("portfolio: blocks: %w", err)
	}
	var err error
	if c.Equivalences, err = s.Equivalences(ctx, id); err != nil {
		return nil, fmt.Errorf("portfolio: equivalences: %w", err)
	}
	return &c, nil
}

// Filter narrows a list of candidacies.
type Filter struct {
	CandidateID int64
	States      []State
	PlatformID  int64
}

// Candidacies lists candidacies, newest first.
func (s *Store) Candidacies(ctx context.Context, f Filter) ([]Candidacy, error) {
	states := make([]string, len(f.States))
	for i, st := range f.States {
		states[i] = string(st)
	}
	var out []Candidacy
	err := s.db.SelectContext(ctx, &out, `SELECT `+candidacyColumns+candidacyFrom+`
		WHERE ($1 = 0 OR c.candidate_id = $1) AND (cardinality($2::text[]) = 0 OR c.state = ANY($2))
		  AND ($3 = 0 OR c.organisation_id = $3)
		ORDER BY c.created_at DESC, c.id DESC LIMIT 1000`, f.CandidateID, pqStrings(states), f.PlatformID)
	if err != nil {
		return nil, fmt.Errorf("portfolio: list: %w", err)
	}
	for i := range out {
		if err := s.db.SelectContext(ctx, &out[i].Blocks, `SELECT block_code, pathway FROM candidacy_blocks WHERE candidacy_id = $1 ORDER BY position`, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
