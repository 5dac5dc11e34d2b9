package indicators_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
	"acquis/internal/db/dbtest"
	"acquis/internal/demo"
	"acquis/internal/indicators"
	"acquis/internal/jury"
)

// TestCertifiedMeansWholeCertification: a candidacy that targeted one bloc
// and validated it is a « réussite des blocs présentés », not a
// certification; the same person certified at a later session (holding
// all three blocs then) counts there.
//
//	S1 2025-03-10  P1 BC01 only (VAE)  réussite totale  → blocs présentés réussis, not certified
//	               P2 ×3 (VAE)         réussite totale  → certified
//	S2 2026-02-05  P1 BC02+BC03        réussite totale  → certified (BC01 held since S1)
func TestCertifiedMeansWholeCertification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := dbtest.New(t)
	at := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 9, 0, 0, 0, time.UTC) }
	p1, p2 := demo.Person{Key: 1, Name: "Personne 1"}, demo.Person{Key: 2, Name: "Personne 2"}
	ok := map[string]string{b1: jury.Valide, b2: jury.Valide, b3: jury.Valide}
	sessions := []demo.PastSession{
		{Certification: "RNCP37779", StartsAt: at(2025, 3, 10), Place: "Rennes", Candidacies: []demo.PastCandidacy{
			{Person: p1, Pathways: map[string]string{b1: "vae"}, Outcome: jury.ReussiteTotale, Decisions: map[string]string{b1: jury.Valide}},
			{Person: p2, Pathways: map[string]string{b1: "vae", b2: "vae", b3: "vae"}, Outcome: jury.ReussiteTotale, Decisions: ok},
		}},
		{Certification: "RNCP37779", StartsAt: at(2026, 2, 5), Place: "Rennes", Candidacies: []demo.PastCandidacy{
			{Person: p1, Pathways: map[string]string{b2: "vae", b3: "vae"}, Outcome: jury.ReussiteTotale, Decisions: map[string]string{b2: jury.Valide, b3: jury.Valide}},
		}},
	}
	if err := db.InTx(ctx, d, func(tx *sqlx.Tx) error {
		w, err := demo.NewHistory(ctx, tx)
		if err != nil {
			return err
		}
		if err := w.Write(ctx, sessions); err != nil {
			return err
		}
		return w.Close(ctx)
	}); err != nil {
		t.Fatal(err)
	}
	h := &handBuilt{d: d, s: indicators.NewStore(d)}
	tb := h.table(t, "taux-certification", url.Values{"du": {"2025-01-01"}})
	// Année, présentées, certifiées, taux, absents, excusés, blocs présentés réussis, taux.
	same(t, "2025", row(t, tb, "2025"), "2025", 2, 1, 0.5, 0, 0, 2, 1.0)
	same(t, "2026", row(t, tb, "2026"), "2026", 1, 1, 1.0, 0, 0, 1, 1.0)
	same(t, "total", row(t, tb, "Total"), "Total", 3, 2, 2.0/3, 0, 0, 3, 1.0)
}
