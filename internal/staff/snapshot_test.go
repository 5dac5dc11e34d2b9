package staff

import (
	"context"
	"errors"
	"strings"
	"testing"

	"acquis/internal/account"
	"acquis/internal/fielderr"
)

// TestAnnualIndicatorFrozen (issue 14 #3): seed 001's annual indicator
// « Nombre de professionnels titulaire du titre professionnel » (« suivi
// annuel ») is frozen at 31 December per platform, région and nation;
// a second freeze of the year is refused; a correction needs a reason
// and is recorded as such; the current year is live and provisional;
// the serving role cannot change a frozen figure.
func TestAnnualIndicatorFrozen(t *testing.T) {
	f := newFx(t) // today: 2027-05-15
	p, _ := f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(tenPeople))
	if _, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil {
		t.Fatal(err)
	}
	platforms, err := account.NewStore(f.d).Organisations(f.ctx, account.OrgPlatform)
	if err != nil || len(platforms) != 1 {
		t.Fatalf("plateformes : %v %v", platforms, err)
	}
	roster, _ := f.s.Roster(f.ctx, f.platform)
	byName := map[string]Member{}
	for _, m := range roster {
		byName[m.FullName] = m
	}
	// Agnès obtains the title in 2027: not a holder at 31 December 2026.
	agnes := byName["Agnès Roux"]
	agnes.Status, agnes.StatusOn = Holder, ptr(d("2027-03-01"))
	if err := f.s.Save(f.ctx, sys, &agnes); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Freeze(f.ctx, sys, platforms, 2027, ""); err == nil {
		t.Error("l'année en cours a été arrêtée")
	}
	if _, err := f.s.Freeze(f.ctx, sys, platforms, 2026, "erreur"); err == nil {
		t.Error("correction d'une année jamais arrêtée acceptée")
	}
	year, err := f.s.FreezeDue(f.ctx, platforms)
	if err != nil || year != 2026 {
		t.Fatalf("arrêté automatique : %d %v", year, err)
	}
	if year, err := f.s.FreezeDue(f.ctx, platforms); err != nil || year != 0 {
		t.Fatalf("second passage de l'arrêté automatique : %d %v", year, err)
	}
	var ve *fielderr.Error
	if _, err := f.s.Freeze(f.ctx, sys, platforms, 2026, ""); !errors.As(err, &ve) || !strings.Contains(ve.Message, "déjà été arrêtée") {
		t.Fatalf("second arrêté de 2026 : %v", err)
	}
	live := func() Plan {
		r, _ := f.s.Roster(f.ctx, f.platform)
		return BuildPlan(r, nil, f.s.now())
	}
	series := func(scope string, id int64, region string) []AnnualFigures {
		t.Helper()
		s, err := f.s.Series(f.ctx, scope, id, region, live(), f.s.now())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, sc := range []struct {
		scope  string
		id     int64
		region string
	}{{ScopePlatform, f.platform, ""}, {ScopeRegion, 0, "76"}, {ScopeNation, 0, ""}} {
		s := series(sc.scope, sc.id, sc.region)
		// Maëlle (titulaire 30/06/2026) in 2026; Maëlle and Agnès live in 2027;
		// the six counsellors in post on 2026-01-01 without the title.
		if len(s) != 2 || s[0].Year != 2026 || s[0].Holders != 1 || s[0].Provisional || s[0].FrozenAt == nil || s[0].CorrectedAt != nil ||
			s[1].Year != 2027 || s[1].Holders != 2 || !s[1].Provisional {
			t.Fatalf("%s : série %+v", sc.scope, s)
		}
		if s[0].Baseline != 6 || s[0].Certified != 1 || s[0].CumCertified != 1 {
			t.Errorf("%s : 2026 arrêté %+v", sc.scope, s[0])
		}
	}
	// A certificate of 2026 recorded late: the correction says why and
	// is shown as such; the first figures stay in the table.
	yann := byName["Yann Kerjean"]
	yann.Status, yann.StatusOn, yann.PlannedYear = Holder, ptr(d("2026-11-20")), nil
	if err := f.s.Save(f.ctx, sys, &yann); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Freeze(f.ctx, sys, platforms, 2026, "  Titre de Yann Kerjean obtenu en novembre 2026, saisi en 2027 "); err != nil {
		t.Fatal(err)
	}
	s := series(ScopePlatform, f.platform, "")
	if s[0].Holders != 2 || s[0].CorrectedAt == nil || s[0].Correction != "Titre de Yann Kerjean obtenu en novembre 2026, saisi en 2027" || s[1].Holders != 3 {
		t.Fatalf("après correction : %+v", s)
	}
	var kept, audited int
	if err := f.d.Get(&kept, `SELECT count(*) FROM plan_snapshots WHERE scope = 'nation'`); err != nil {
		t.Fatal(err)
	}
	if err := f.d.Get(&audited, `SELECT count(*) FROM audit_log WHERE action IN ('plan.frozen', 'plan.freeze_corrected') AND entity_id = '2026'`); err != nil {
		t.Fatal(err)
	}
	if kept != 2 || audited != 2 {
		t.Errorf("%d arrêtés nationaux conservés, %d audités", kept, audited)
	}
	for _, q := range []string{`UPDATE plan_snapshots SET holders = 99`, `DELETE FROM plan_freezes`} {
		if _, err := f.d.ExecContext(context.Background(), q); err == nil {
			t.Errorf("%s accepté", q)
		}
	}
}

func ptr[T any](v T) *T { return &v }
