package staff

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/fielderr"
)

// EquivalentCertification is one title the certifier recognises as
// equivalent to RNCP37779 (seed 001: « une certification reconnue comme
// équivalente par l'autorité nationale compétente »), with the reference
// of the decision. The list only grows: an entry is never changed.
type EquivalentCertification struct {
	ID          int64     `db:"id" json:"id"`
	Title       string    `db:"title" json:"title"`
	DecisionRef string    `db:"decision_ref" json:"decision_ref"`
	DecidedOn   time.Time `db:"decided_on" json:"decided_on"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
}

// Equivalents lists the recognised titles, by title.
func (s *Store) Equivalents(ctx context.Context) ([]EquivalentCertification, error) {
	var out []EquivalentCertification
	err := s.db.SelectContext(ctx, &out, `SELECT id, title, decision_ref, decided_on, created_at FROM equivalent_certifications ORDER BY lower(title), id`)
	if err != nil {
		return nil, fmt.Errorf("staff: equivalents: %w", err)
	}
	SortEquivalents(out)
	return out, nil
}

// SortEquivalents puts the titles in French order.
func SortEquivalents(list []EquivalentCertification) {
	c := collate.New(language.French)
	sort.SliceStable(list, func(i, j int) bool { return c.CompareString(list[i].Title, list[j].Title) < 0 })
}

// AddEquivalent records a recognised title with the reference and date of
// the decision, audited. A title already listed (case aside) is refused.
func (s *Store) AddEquivalent(ctx context.Context, actor audit.Actor, title, decisionRef string, decidedOn *time.Time) (int64, error) {
	title = strings.Join(strings.Fields(title), " ")
	decisionRef = strings.TrimSpace(decisionRef)
	var errs []*fielderr.Error
	switch {
	case title == "":
		errs = append(errs, invalid("title", "Le titre de la certification est obligatoire."))
	case len([]rune(title)) > 200:
		errs = append(errs, invalid("title", "Le titre ne peut dépasser 200 caractères."))
	}
	switch {
	case decisionRef == "":
		errs = append(errs, invalid("decision_ref", "La référence de la décision qui reconnaît l'équivalence est obligatoire."))
	case len([]rune(decisionRef)) > 200:
		errs = append(errs, invalid("decision_ref", "La référence ne peut dépasser 200 caractères."))
	}
	switch {
	case decidedOn == nil:
		errs = append(errs, invalid("decided_on", "La date de la décision est obligatoire."))
	case day(*decidedOn).After(day(s.now())):
		errs = append(errs, invalid("decided_on", "La date de la décision (%s) est dans le futur.", decidedOn.Format("02/01/2006")))
	}
	if len(errs) > 0 {
		return 0, errs[0]
	}
	var id int64
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var by *int64
		if actor.UserID != 0 {
			by = &actor.UserID
		}
		// Titles differ by more than case (the database's collation may
		// fold ASCII only): compared here, one addition at a time.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('equivalent_certifications'))`); err != nil {
			return err
		}
		var titles []string
		if err := tx.SelectContext(ctx, &titles, `SELECT title FROM equivalent_certifications`); err != nil {
			return err
		}
		for _, t := range titles {
			if strings.EqualFold(t, title) {
				return invalid("title", "« %s » figure déjà dans la liste.", t)
			}
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO equivalent_certifications (title, decision_ref, decided_on, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
			title, decisionRef, day(*decidedOn), by); err != nil {
			if db.IsUniqueViolation(err, "equivalent_certifications_title_key") {
				return invalid("title", "« %s » figure déjà dans la liste.", title)
			}
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("equivalence.listed", "equivalent_certification", strconv.FormatInt(id, 10),
			map[string]any{"title": title, "decision_ref": decisionRef, "decided_on": decidedOn.Format("2006-01-02")}))
	})
	return id, err
}

// equivalentTitles indexes the list by exact title, for the import.
func equivalentTitles(list []EquivalentCertification) map[string]int64 {
	m := make(map[string]int64, len(list))
	for _, e := range list {
		m[e.Title] = e.ID
	}
	return m
}

// unlistedEquivalent refuses a title the certifier has not listed, and
// says which ones are.
func unlistedEquivalent(title string, list []EquivalentCertification) *fielderr.Error {
	if len(list) == 0 {
		return invalid("equivalent_id", "« %s » ne figure pas dans la liste des certifications reconnues équivalentes : le certificateur n'en a encore reconnu aucune.", title)
	}
	names := make([]string, len(list))
	for i, e := range list {
		names[i] = "« " + e.Title + " »"
	}
	return invalid("equivalent_id", "« %s » ne figure pas dans la liste des certifications reconnues équivalentes par le certificateur : écrivez le titre exact, parmi %s.", title, strings.Join(names, ", "))
}
