package indicators_test

import (
	"context"
	"errors"
	"math"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/demo"
	"acquis/internal/indicators"
	"acquis/internal/jury"
)

func TestMain(m *testing.M) { dbtest.Main(m, seed.Referentiels) }

var today = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

const (
	b1, b2, b3 = "RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03"
	x1, x2     = "RNCP37779BC01-CR01", "RNCP37779BC01-CR02"
	y1, y2     = "RNCP37779BC02-CR01", "RNCP37779BC02-CR02"
)

// handBuilt is the data set every expected figure below is computed from
// by hand:
//
//	S1 2025-03-10 RNCP37779
//	  c1 P1 (A, Bretagne) VAE ×3      réussite totale        ev0: BC01 non acquis CR01
//	  c2 P2 (A) formation ×3          réussite partielle     BC02 non validé; both evaluators BC02 CR01, CR02
//	  c3 P3 (B, Auvergne-Rhône-Alpes) VAE ×3   absent
//	  c4 P4 (B) BC01 VAE + BC02 formation     non-validation  ev0: BC01 CR01, CR02; ev1: BC02 CR01
//	  c5 P5 (B) VAE ×3                excusé
//	S2 2026-02-05 RNCP37779
//	  c6 P2 (A) BC02 formation only (BC01, BC03 acquired at S1) réussite totale → certified
//	  c7 P6 (A) VAE ×3                réussite totale
//	S3 2026-03-01 CASP
//	  c8 P7 (B) formation ×3          non-validation
type handBuilt struct {
	d          *sqlx.DB
	s          *indicators.Store
	bzh, rhone int64
}

func build(t *testing.T) *handBuilt {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	acc := account.NewStore(d)
	sys := audit.Actor{Role: "test"}
	org := func(dept, name string) int64 {
		lead, err := acc.CreateOrganisation(ctx, sys, account.NewOrganisation{Kind: account.OrgEmployer, Name: "Porteur " + name})
		if err != nil {
			t.Fatal(err)
		}
		id, err := acc.CreateOrganisation(ctx, sys, account.NewOrganisation{Kind: account.OrgPlatform, Name: name, DepartementCode: dept, LeadID: lead})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	h := &handBuilt{d: d, s: indicators.NewStore(d), bzh: org("35", "Plateforme A"), rhone: org("69", "Plateforme B")}
	p := func(k int, o int64) demo.Person {
		return demo.Person{Key: k, Name: "Personne " + string(rune('0'+k)), Organisation: o}
	}
	all := func(pw string) map[string]string { return map[string]string{b1: pw, b2: pw, b3: pw} }
	ok3 := map[string]string{b1: jury.Valide, b2: jury.Valide, b3: jury.Valide}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, time.UTC) }
	s1dec := at(2025, 3, 10).AddDate(0, 0, -30).AddDate(0, -4, 0)
	casp := map[string]string{"RNCP36625BC01": "formation", "RNCP36625BC02": "formation", "RNCP36625BC03": "formation"}
	sessions := []demo.PastSession{
		{Certification: "RNCP37779", StartsAt: at(2025, 3, 10), Place: "Rennes", Candidacies: []demo.PastCandidacy{
			{Person: p(1, h.bzh), Pathways: all("vae"), Outcome: jury.ReussiteTotale, Decisions: ok3,
				NonAcquis: [2]map[string][]string{{b1: {x1}}}, CreatedAt: day(2024, 3, 10), AdmissibilitySubmitted: s1dec.AddDate(0, 0, -60)},
			{Person: p(2, h.bzh), Pathways: all("formation"), Outcome: jury.ReussitePartielle,
				Decisions: map[string]string{b1: jury.Valide, b2: jury.NonValide, b3: jury.Valide},
				NonAcquis: [2]map[string][]string{{b2: {y1, y2}}, {b2: {y1, y2}}}, CreatedAt: day(2024, 2, 5), AdmissibilitySubmitted: s1dec.AddDate(0, 0, -90)},
			{Person: p(3, h.rhone), Pathways: all("vae"), Outcome: jury.Absent},
			{Person: p(4, h.rhone), Pathways: map[string]string{b1: "vae", b2: "formation"}, Outcome: jury.NonValidation,
				Decisions: map[string]string{b1: jury.NonValide, b2: jury.NonValide},
				NonAcquis: [2]map[string][]string{{b1: {x1, x2}}, {b2: {y1}}}},
			{Person: p(5, h.rhone), Pathways: all("vae"), Outcome: jury.Excuse},
		}},
		{Certification: "RNCP37779", StartsAt: at(2026, 2, 5), Place: "Lyon", Candidacies: []demo.PastCandidacy{
			{Person: p(2, h.bzh), Pathways: map[string]string{b2: "formation"}, Outcome: jury.ReussiteTotale, Decisions: map[string]string{b2: jury.Valide}},
			{Person: p(6, h.bzh), Pathways: all("vae"), Outcome: jury.ReussiteTotale, Decisions: ok3, CreatedAt: day(2025, 8, 5)},
		}},
		{Certification: "RNCP36625", StartsAt: at(2026, 3, 1), Place: "Lyon", Candidacies: []demo.PastCandidacy{
			{Person: p(7, h.rhone), Pathways: casp, Outcome: jury.NonValidation,
				Decisions: map[string]string{"RNCP36625BC01": jury.NonValide, "RNCP36625BC02": jury.NonValide, "RNCP36625BC03": jury.NonValide},
				NonAcquis: [2]map[string][]string{{"RNCP36625BC01": {"RNCP36625BC01-C01"}, "RNCP36625BC02": {"RNCP36625BC02-C01"}, "RNCP36625BC03": {"RNCP36625BC03-C01"}}}},
		}},
	}
	err := db.InTx(ctx, d, func(tx *sqlx.Tx) error {
		w, err := demo.NewHistory(ctx, tx)
		if err != nil {
			return err
		}
		if err := w.Write(ctx, sessions); err != nil {
			return err
		}
		return w.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *handBuilt) table(t *testing.T, key string, q url.Values) *indicators.Table {
	t.Helper()
	f, err := indicators.ParseFilter(q, today)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := h.s.Compute(context.Background(), key, f)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// row finds the row whose first cell is label.
func row(t *testing.T, tb *indicators.Table, label string) []any {
	t.Helper()
	for _, r := range tb.Rows {
		if r[0] == label {
			return r
		}
	}
	t.Fatalf("%s : pas de ligne %q dans %v", tb.Key, label, tb.Rows)
	return nil
}

func same(t *testing.T, what string, got []any, want ...any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s : %v, attendu %v", what, got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if gf, ok := g.(float64); ok {
			if wf, ok := w.(float64); !ok || math.Abs(gf-wf) > 1e-9 {
				t.Fatalf("%s, colonne %d : %v, attendu %v (ligne %v)", what, i, g, w, got)
			}
			continue
		}
		if g != w {
			t.Fatalf("%s, colonne %d : %v, attendu %v (ligne %v)", what, i, g, w, got)
		}
	}
}

func TestIndicatorsOnHandBuiltData(t *testing.T) {
	t.Parallel()
	h := build(t)
	none := url.Values{}

	rate := h.table(t, "taux-certification", none)
	same(t, "2025", row(t, rate, "2025"), "2025", 3, 1, 1.0/3, 1, 1, 1, 1.0/3)
	same(t, "2026", row(t, rate, "2026"), "2026", 3, 2, 2.0/3, 0, 0, 2, 2.0/3)
	same(t, "total", row(t, rate, "Total"), "Total", 6, 3, 0.5, 1, 1, 3, 0.5)
	same(t, "VAE", row(t, h.table(t, "taux-certification", url.Values{"voie": {"vae"}}), "Total"), "Total", 3, 2, 2.0/3, 1, 1, 2, 2.0/3)
	same(t, "Bretagne", row(t, h.table(t, "taux-certification", url.Values{"region": {"53"}}), "Total"), "Total", 4, 3, 0.75, 0, 0, 3, 0.75)
	same(t, "CASP", row(t, h.table(t, "taux-certification", url.Values{"certification": {"RNCP36625"}}), "Total"), "Total", 1, 0, 0.0, 0, 0, 0, 0.0)
	same(t, "2025 seul", row(t, h.table(t, "taux-certification", url.Values{"du": {"2025-01-01"}, "au": {"2025-12-31"}}), "Total"), "Total", 3, 1, 1.0/3, 1, 1, 1, 1.0/3)
	same(t, "plateforme B", row(t, h.table(t, "taux-certification", url.Values{"plateforme": {itoa(h.rhone)}}), "Total"), "Total", 2, 0, 0.0, 1, 1, 0, 0.0)

	blocks := h.table(t, "blocs", url.Values{"certification": {"RNCP37779"}})
	same(t, "BC01", row(t, blocks, b1), b1, 4, 3, 0.75)
	same(t, "BC02", row(t, blocks, b2), b2, 5, 3, 0.6)
	same(t, "BC03", row(t, blocks, b3), b3, 3, 3, 1.0)
	// The bloc's own pathway: BC02 by formation is c2, c4, c6.
	same(t, "BC02 formation", row(t, h.table(t, "blocs", url.Values{"voie": {"formation"}, "certification": {"RNCP37779"}}), b2), b2, 3, 1, 1.0/3)

	out := h.table(t, "resultats", none)
	same(t, "totale", row(t, out, jury.ReussiteTotale.Label()), jury.ReussiteTotale.Label(), 3, 3.0/8, 0.5)
	same(t, "absent", row(t, out, jury.Absent.Label()), jury.Absent.Label(), 1, 1.0/8, nil)
	same(t, "total", row(t, out, "Total"), "Total", 8, 1.0, 1.0)

	crit := h.table(t, "criteres", url.Values{"certification": {"RNCP37779"}})
	// BC02: 5 evaluations × 2 evaluators = 10 verdicts per criterion.
	if len(crit.Rows) != 4 {
		t.Fatalf("critères : %v", crit.Rows)
	}
	same(t, "BC01 CR01", crit.Rows[0][:2], b1, x1)
	same(t, "BC01 CR01 chiffres", crit.Rows[0][3:], 2, 8, 0.25)
	same(t, "BC01 CR02", append(crit.Rows[1][:2:2], crit.Rows[1][3:]...), b1, x2, 1, 8, 0.125)
	same(t, "BC02 CR01", append(crit.Rows[2][:2:2], crit.Rows[2][3:]...), b2, y1, 3, 10, 0.3)
	same(t, "BC02 CR02", append(crit.Rows[3][:2:2], crit.Rows[3][3:]...), b2, y2, 2, 10, 0.2)
	if crit.Rows[0][2] != "Etablir une relation de confiance avec la personne" {
		t.Fatalf("libellé du critère : %q", crit.Rows[0][2])
	}

	dur := h.table(t, "durees", none)
	same(t, "recevabilité", dur.Rows[0][1:], 8, 30.0, 48.0)
	same(t, "dépôt → jury", dur.Rows[1][1:], 8, 30.0, 30.0)
	same(t, "première candidature → certification", dur.Rows[2][1:], 3, 365.0, 584.6)

	ctx := context.Background()
	due, err := h.s.FollowupsDue(ctx, today, 100)
	if err != nil || len(due) != 3 {
		t.Fatalf("suivis attendus : %+v, %v", due, err)
	}
	byName := map[string]int64{}
	for _, d := range due {
		byName[d.Name] = d.CertificateID
	}
	admin := audit.Actor{Role: "admin"}
	if err := h.s.RecordFollowup(ctx, admin, byName["Personne 1"], "6m", "emploi_metier", day(2025, 9, 1), today); !errors.Is(err, indicators.ErrFollowup) {
		t.Fatalf("réponse avant l'échéance : %v", err)
	}
	for name, sit := range map[string]string{"Personne 1": "emploi_metier", "Personne 6": "sans_emploi", "Personne 2": "sans_reponse"} {
		if err := h.s.RecordFollowup(ctx, admin, byName[name], "6m", sit, day(2026, 9, 15), today); err != nil {
			t.Fatal(err)
		}
	}
	if due, _ := h.s.FollowupsDue(ctx, today, 100); len(due) != 0 {
		t.Fatalf("suivis restants : %+v", due)
	}
	annual := h.table(t, "annuel", none)
	same(t, "2025", row(t, annual, "2025"), "2025", 1, 1, 1, 1.0, 1.0, 0, nil, nil)
	same(t, "2026", row(t, annual, "2026"), "2026", 2, 1, 1, 0.0, 0.0, 0, nil, nil)
	same(t, "2022", row(t, annual, "2022"), "2022", 0, 0, 0, nil, nil, 0, nil, nil)
	// Both horizons answered for one certificate: each answer is joined on
	// its own, and the certificate still counts once.
	if _, err := h.d.Exec(`INSERT INTO followups (certificate_id, horizon, situation, answered_on) VALUES ($1, '24m', 'emploi_autre', $2)`,
		byName["Personne 1"], day(2026, 9, 20)); err != nil {
		t.Fatal(err)
	}
	annual = h.table(t, "annuel", none)
	same(t, "2025 deux échéances", row(t, annual, "2025"), "2025", 1, 1, 1, 1.0, 1.0, 1, 1.0, 0.0)
	same(t, "2026 inchangée", row(t, annual, "2026"), "2026", 2, 1, 1, 0.0, 0.0, 0, nil, nil)
	var audited int
	if err := h.d.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'followup.recorded'`); err != nil {
		t.Fatal(err)
	}
	if audited != 3 {
		t.Fatalf("%d suivis audités", audited)
	}
}

func TestFilterErrors(t *testing.T) {
	for _, q := range []url.Values{
		{"du": {"2026-13-01"}}, {"au": {"hier"}}, {"du": {"2026-05-01"}, "au": {"2026-01-01"}},
		{"voie": {"apprentissage"}}, {"plateforme": {"-3"}}, {"session": {"x"}},
	} {
		if _, err := indicators.ParseFilter(q, today); !errors.Is(err, indicators.ErrInvalid) {
			t.Errorf("%v : %v", q, err)
		}
	}
}

func TestExports(t *testing.T) {
	tb := &indicators.Table{Title: "Essai", Definition: []string{"Définition"}, Columns: []indicators.Column{{"a", "Année", indicators.Text}, {"t", "Taux", indicators.Rate}},
		Rows: [][]any{{"2025", 0.5}, {"2026", nil}}}
	csv := string(tb.CSV())
	if csv != "\ufeffAnnée;Taux (%)\r\n2025;50,0\r\n2026;\r\n" {
		t.Fatalf("CSV : %q", csv)
	}
	if _, err := tb.XLSX(); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
