package indicators

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Store computes indicators from the database.
type Store struct{ db *sqlx.DB }

// NewStore returns a Store on d.
func NewStore(d *sqlx.DB) *Store { return &Store{db: d} }

// Indicator is one entry of the catalogue.
type Indicator struct {
	Key   string
	Title string
	// Summary is one line for the index page.
	Summary string
	compute func(*Store, context.Context, Filter) (*Table, error)
}

// Catalogue lists the indicators in the order pages show them. Keys are
// the URL segment of the page, the exports and the API.
var Catalogue = []Indicator{
	{"taux-certification", "Taux de certification", "Candidatures certifiées (certification entière obtenue) sur candidatures présentées au jury, par année ; à part, la réussite des blocs présentés.", (*Store).certificationRate},
	{"blocs", "Réussite par bloc", "Blocs validés sur blocs évalués, par bloc de compétences.", (*Store).blockRates},
	{"resultats", "Répartition des résultats", "Réussite totale, partielle, non-validation, absents et excusés.", (*Store).outcomes},
	{"criteres", "Critères le plus souvent non acquis", "Les cinq critères de chaque bloc le plus souvent jugés « non acquis ».", (*Store).criteria},
	{"durees", "Durées de parcours", "Médiane et 80e centile des délais, en jours.", (*Store).durations},
	{"annuel", "Chiffres annuels France Compétences", "Certifiés par année, dont par VAE, et taux d'insertion à 6 mois et 2 ans.", (*Store).annual},
}

// Find returns the indicator with that key.
func Find(key string) (Indicator, bool) {
	for _, i := range Catalogue {
		if i.Key == key {
			return i, true
		}
	}
	return Indicator{}, false
}

// Compute runs one indicator for f.
func (s *Store) Compute(ctx context.Context, key string, f Filter) (*Table, error) {
	ind, ok := Find(key)
	if !ok {
		return nil, fmt.Errorf("%w: indicateur %q inconnu", ErrInvalid, key)
	}
	t, err := ind.compute(s, ctx, f)
	if err != nil {
		return nil, err
	}
	t.Key, t.Title, t.Filter = ind.Key, ind.Title, f
	return t, nil
}

// singleSQL maps the indicators that run one statement to its builder.
var singleSQL = map[string]func(Filter) (string, []any, []string){
	"taux-certification": rateSQL, "blocs": blockSQL, "resultats": outcomeSQL, "criteres": criteriaSQL, "annuel": annualSQL,
}

// SQL returns the statement and arguments an indicator runs for f, for
// the benchmark that compares the page's time with its SQL alone; false
// for the durations, which run three statements side by side.
func SQL(key string, f Filter) (string, []any, bool) {
	build, ok := singleSQL[key]
	if !ok {
		return "", nil, false
	}
	q, a, _ := build(f)
	return q, a, true
}

// skippedNote says which filters an indicator could not apply.
func skippedNote(skipped []string) []string {
	if len(skipped) == 0 {
		return nil
	}
	return []string{"Filtre sans objet pour cet indicateur, non appliqué : " + strings.Join(skipped, ", ") + "."}
}

// The filter columns of each source. results and block_results carry
// their own copies (migration 00008); the others reach the organisation
// through the candidacy.
var (
	resultCols = cols{date: "r.session_date", cert: "r.certification_code", session: "r.session_id",
		pathway: "%s = ANY (r.pathways)", platform: "r.organisation_id", region: "r.region_code"}
	blockCols = cols{date: "b.session_date", cert: "b.certification_code", session: "b.session_id",
		pathway: "b.pathway", platform: "b.organisation_id", region: "b.region_code"}
	certificateCols = cols{date: "ce.awarded_on", cert: "ce.certification_code",
		session:  "EXISTS (SELECT 1 FROM results rr WHERE rr.candidacy_id = ce.candidacy_id AND rr.session_id = %s)",
		pathway:  "EXISTS (SELECT 1 FROM candidacy_blocks cb WHERE cb.candidacy_id = ce.candidacy_id AND cb.pathway = %s)",
		platform: "c.organisation_id", region: "o.region_code"}
)
