package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
	"acquis/internal/jury"
)

// HistoryStats counts what the national history wrote.
type HistoryStats struct {
	Sessions, Candidacies, BlockDecisions, Verdicts, Certificates int
	Took                                                          time.Duration
}

// The national history's shape, from a fixed seed so every run gives the
// same figures: ten years of monthly sessions per certification and
// région, about 300 new candidacies a month (85 % RNCP37779, 15 % CASP),
// outcomes 60 % full success, 25 % partial, 8 % not validated, 4 %
// absent, 3 % excused; 70 % of those not fully certified come back 6 to 12
// months later for the blocs they miss.
const (
	historyStart      = 2016
	historyMonths     = 10 * 12
	newPerMonth       = 325
	sessionSize       = 25
	returnProbability = 0.7
)

// LoadNationalHistory writes ten years of jury history at national scale
// (about 50,000 candidacies, 150,000 bloc decisions, 2 million criterion
// verdicts) across every platform, in one transaction. It refuses to run
// twice.
func LoadNationalHistory(ctx context.Context, d *sqlx.DB, progress io.Writer) (*HistoryStats, error) {
	start := time.Now()
	var already int
	if err := d.GetContext(ctx, &already, `SELECT count(*) FROM users WHERE email LIKE '%@historique.demo.acquis.fr'`); err != nil {
		return nil, err
	}
	if already > 0 {
		return nil, fmt.Errorf("l'historique national est déjà chargé (%d personnes)", already)
	}
	var platforms []struct {
		ID     int64  `db:"id"`
		Region string `db:"region_code"`
	}
	if err := d.SelectContext(ctx, &platforms, `SELECT id, region_code FROM organisations WHERE kind = 'platform' ORDER BY id`); err != nil {
		return nil, err
	}
	if len(platforms) == 0 {
		return nil, fmt.Errorf("aucune plateforme : chargez d'abord la démonstration")
	}
	rng := rand.New(rand.NewPCG(2016, 2026))
	st := &HistoryStats{}
	err := db.InTx(ctx, d, func(tx *sqlx.Tx) error {
		h, err := NewHistory(ctx, tx)
		if err != nil {
			return err
		}
		type pending struct {
			person       PastCandidacy
			cert, region string
			month        int
		}
		var returning []pending
		key := 0
		for m := 0; m < historyMonths; m++ {
			month := time.Date(historyStart, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC)
			groups := map[string][]PastCandidacy{} // cert|région → candidacies
			var order []string
			add := func(cert, region string, c PastCandidacy) {
				g := cert + "|" + region
				if _, ok := groups[g]; !ok {
					order = append(order, g)
				}
				groups[g] = append(groups[g], c)
			}
			var keep []pending
			for _, p := range returning {
				if p.month == m {
					add(p.cert, p.region, p.person)
				} else {
					keep = append(keep, p)
				}
			}
			returning = keep
			for i := 0; i < newPerMonth; i++ {
				key++
				pf := platforms[rng.IntN(len(platforms))]
				cert := "RNCP37779"
				if rng.Float64() < 0.15 {
					cert = "RNCP36625"
				}
				pw := map[string]string{}
				mode := rng.Float64()
				for bi, b := range h.Blocks(cert) {
					switch {
					case mode < 0.45:
						pw[b] = "vae"
					case mode < 0.95:
						pw[b] = "formation"
					default:
						pw[b] = []string{"vae", "formation", "vae"}[bi%3]
					}
				}
				person := Person{Key: key, Name: fmt.Sprintf("%s %s", firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]), Organisation: pf.ID}
				add(cert, pf.Region, PastCandidacy{Person: person, Pathways: pw})
			}
			var batch []PastSession
			for _, g := range order {
				list := groups[g]
				cert, region, _ := strings.Cut(g, "|")
				for len(list) > 0 {
					n := min(sessionSize, len(list))
					day := 2 + rng.IntN(25)
					s := PastSession{Certification: cert, StartsAt: month.AddDate(0, 0, day-1).Add(9 * time.Hour), Place: "Session régionale"}
					for _, c := range list[:n] {
						c = decide(rng, h, cert, c)
						c.Submitted = s.StartsAt.AddDate(0, 0, -15-rng.IntN(45))
						c.AdmissibilityDecided = c.Submitted.AddDate(0, -3-rng.IntN(6), 0)
						c.AdmissibilitySubmitted = c.AdmissibilityDecided.AddDate(0, 0, -10-rng.IntN(50))
						c.CreatedAt = c.AdmissibilitySubmitted.AddDate(0, 0, -1-rng.IntN(20))
						s.Candidacies = append(s.Candidacies, c)
						if c.Outcome != jury.ReussiteTotale && rng.Float64() < returnProbability && m+6 < historyMonths {
							missing := map[string]string{}
							for b, p := range c.Pathways {
								if c.Decisions[b] != jury.Valide {
									missing[b] = p
								}
							}
							returning = append(returning, pending{PastCandidacy{Person: c.Person, Pathways: missing}, cert, region, m + 6 + rng.IntN(7)})
						}
						st.Candidacies++
						st.BlockDecisions += len(c.Decisions)
						for b := range c.Decisions {
							st.Verdicts += 2 * len(h.Criteria(cert, b))
						}
					}
					batch = append(batch, s)
					list = list[n:]
				}
			}
			st.Sessions += len(batch)
			if err := h.Write(ctx, batch); err != nil {
				return fmt.Errorf("historique %s : %w", month.Format("2006-01"), err)
			}
			if progress != nil && m%12 == 11 {
				fmt.Fprintf(progress, "historique : %d écrit (%d candidatures, %s)\n", month.Year(), st.Candidacies, time.Since(start).Round(time.Second))
			}
		}
		if progress != nil {
			fmt.Fprintf(progress, "historique : signature et projection des %d sessions…\n", st.Sessions)
		}
		if err := h.Close(ctx); err != nil {
			return err
		}
		st.Certificates = h.Counts["certificates"]
		// Follow-up answers for most certificates old enough, spread by id.
		_, err = tx.ExecContext(ctx, `INSERT INTO followups (certificate_id, horizon, situation, answered_on)
			SELECT ce.id, h.horizon, (ARRAY['emploi_metier', 'emploi_metier', 'emploi_metier', 'emploi_autre', 'formation', 'sans_emploi', 'sans_reponse'])[1 + (ce.id * 7 + h.months) % 7],
				ce.awarded_on + make_interval(months => h.months, days => 10)
			FROM certificates ce CROSS JOIN (VALUES ('6m', 6), ('24m', 24)) AS h(horizon, months)
			WHERE ce.awarded_on + make_interval(months => h.months, days => 10) <= current_date AND (ce.id * 13 + h.months) % 10 < 7
			ON CONFLICT DO NOTHING`)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := civilStatuses(ctx, d); err != nil {
		return nil, err
	}
	if _, err := d.ExecContext(ctx, `ANALYZE`); err != nil {
		return nil, err
	}
	st.Took = time.Since(start)
	return st, nil
}

// decide draws an outcome, the bloc decisions and the `non acquis`
// verdicts that go with them.
func decide(rng *rand.Rand, h *History, cert string, c PastCandidacy) PastCandidacy {
	r := rng.Float64()
	switch {
	case r < 0.60:
		c.Outcome = jury.ReussiteTotale
	case r < 0.85:
		c.Outcome = jury.ReussitePartielle
	case r < 0.93:
		c.Outcome = jury.NonValidation
	case r < 0.97:
		c.Outcome = jury.Absent
	default:
		c.Outcome = jury.Excuse
	}
	if !c.Outcome.Presented() {
		return c
	}
	var blocks []string
	for _, b := range h.Blocks(cert) {
		if _, ok := c.Pathways[b]; ok {
			blocks = append(blocks, b)
		}
	}
	c.Decisions = map[string]string{}
	c.NonAcquis = [2]map[string][]string{{}, {}}
	failed := -1
	if c.Outcome == jury.ReussitePartielle && len(blocks) > 1 {
		failed = rng.IntN(len(blocks))
	}
	for i, b := range blocks {
		ok := c.Outcome == jury.ReussiteTotale || (c.Outcome == jury.ReussitePartielle && len(blocks) > 1 && i != failed)
		crit := h.Criteria(cert, b)
		if ok {
			c.Decisions[b] = jury.Valide
			if rng.Float64() < 0.3 { // a reservation from one evaluator
				c.NonAcquis[rng.IntN(2)][b] = []string{crit[rng.IntN(len(crit))]}
			}
			continue
		}
		c.Decisions[b] = jury.NonValide
		for e := 0; e < 2; e++ {
			n := 1 + rng.IntN(max(1, len(crit)/3))
			seen := map[string]bool{}
			for len(c.NonAcquis[e][b]) < n {
				// Earlier criteria of a bloc fail more often: a skew the
				// « critères » indicator should show.
				x := crit[min(rng.IntN(len(crit)), rng.IntN(len(crit)))]
				if !seen[x] {
					seen[x] = true
					c.NonAcquis[e][b] = append(c.NonAcquis[e][b], x)
				}
			}
		}
	}
	if c.Outcome == jury.ReussitePartielle && len(blocks) == 1 {
		c.Outcome = jury.NonValidation // one bloc failed is no partial success
	}
	return c
}
