package indicators

import (
	"context"
	"math"
	"strconv"

	"github.com/lib/pq"
	"golang.org/x/sync/errgroup"
)

func itoa(n int) string { return strconv.Itoa(n) }

// step is one duration the indicator measures: its label, the SQL giving
// one duration in days per row (column days), and its filter columns.
type step struct {
	label, from string
	cols        cols
}

// Left joins throughout: when no filter reads the candidacy or the
// organisation, PostgreSQL drops the join altogether.
var steps = []step{
	{"Demande de recevabilité → décision",
		`SELECT extract(epoch FROM c.admissibility_decided_at - c.admissibility_submitted_at) / 86400 AS days
		FROM candidacies c LEFT JOIN organisations o ON o.id = c.organisation_id
		WHERE c.admissibility_submitted_at IS NOT NULL AND c.admissibility_decided_at IS NOT NULL AND `,
		cols{date: "(c.admissibility_decided_at AT TIME ZONE 'Europe/Paris')::date", cert: "c.certification_code",
			session:  "EXISTS (SELECT 1 FROM jury_assignments a WHERE a.candidacy_id = c.id AND a.session_id = %s)",
			pathway:  "EXISTS (SELECT 1 FROM candidacy_blocks cb WHERE cb.candidacy_id = c.id AND cb.pathway = %s)",
			platform: "c.organisation_id", region: "o.region_code"}},
	{"Dépôt du dossier → jury",
		`SELECT (r.session_date - (r.submitted_at AT TIME ZONE 'Europe/Paris')::date)::float8 AS days
		FROM results r WHERE r.submitted_at IS NOT NULL AND `, resultCols},
	{"Première candidature → certification",
		`SELECT (ce.awarded_on - ((SELECT min(x.created_at) FROM candidacies x
			WHERE x.candidate_id = ce.user_id AND x.certification_code = ce.certification_code) AT TIME ZONE 'Europe/Paris')::date)::float8 AS days
		FROM certificates ce LEFT JOIN candidacies c ON c.id = ce.candidacy_id LEFT JOIN organisations o ON o.id = c.organisation_id WHERE `, certificateCols},
}

// durations: median and 80th percentile of three delays, in days.
func (s *Store) durations(ctx context.Context, f Filter) (*Table, error) {
	t := &Table{
		Definition: []string{
			"Demande de recevabilité → décision : du dépôt de la demande (dossier de faisabilité) à la décision du certificateur ; période : date de la décision.",
			"Dépôt du dossier → jury : du dépôt du dossier à la date de la session où la candidature est inscrite (absents compris) ; période : date de la session.",
			"Première candidature → certification : de la création de la première candidature de la personne à cette certification jusqu'à la date d'obtention du certificat ; période : date d'obtention.",
			"Médiane et 80e centile par interpolation linéaire (percentile_cont de PostgreSQL) ; en jours, au dixième.",
		},
		Columns:    []Column{{"etape", "Étape", Text}, {"dossiers", "Dossiers", Count}, {"mediane", "Médiane (jours)", Days}, {"p80", "80e centile (jours)", Days}},
		ChartLabel: 0, ChartValue: 2,
	}
	// The three delays read different tables: they run side by side, each
	// on its own connection, so the page waits for the slowest only.
	rows := make([][]any, len(steps))
	notes := make([][]string, len(steps))
	g, gctx := errgroup.WithContext(ctx)
	for i, st := range steps {
		g.Go(func() error {
			var args []any
			w, skipped := f.where(st.cols, &args)
			for _, k := range skipped {
				notes[i] = append(notes[i], "« "+st.label+" » : filtre "+k+" sans objet, non appliqué.")
			}
			var row struct {
				N int
				P pq.Float64Array
			}
			q := `SELECT count(*) AS n, percentile_cont(ARRAY[0.5, 0.8]) WITHIN GROUP (ORDER BY days) AS p FROM (` + st.from + w + `) d`
			if err := s.db.GetContext(gctx, &row, q, args...); err != nil {
				return err
			}
			var med, p80 any
			if row.N > 0 && len(row.P) == 2 {
				// To the tenth of a day, as the definition says, in every
				// form: page, CSV, XLSX and API.
				med, p80 = math.Round(row.P[0]*10)/10, math.Round(row.P[1]*10)/10
			}
			rows[i] = []any{st.label, row.N, med, p80}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	t.Rows = rows
	for _, n := range notes {
		t.Notes = append(t.Notes, n...)
	}
	return t, nil
}
