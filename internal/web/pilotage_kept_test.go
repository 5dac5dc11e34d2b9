package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/portfolio"
	"acquis/internal/staff"
)

// requestRef is the request's reference printed in the layout: the one
// part of two answers to the same request that may differ.
var requestRef = regexp.MustCompile(`réf\. [A-Za-z0-9]+`)

// pilotagePaths are the national view's variants the tests compare.
var pilotagePaths = []string{"/pilotage", "/pilotage?region=53", "/pilotage?tri=gap", "/pilotage?tri=holders"}

// pilotageNow asks each variant of the national view and checks that
// the answer, which may come from the kept pages, equals the page
// computed afresh (the kept pages dropped), which it leaves kept for the
// next call. It returns the national page.
func pilotageNow(t *testing.T, a *app, obs *client, after string) string {
	t.Helper()
	kept := map[string]response{}
	for _, p := range pilotagePaths {
		kept[p] = obs.get(p)
	}
	a.s.pilotagePages.Drop()
	var national string
	for _, p := range pilotagePaths {
		fresh := obs.get(p)
		if kept[p].Status != http.StatusOK || fresh.Status != http.StatusOK {
			t.Fatalf("%s after %s: %d, %d", p, after, kept[p].Status, fresh.Status)
		}
		if requestRef.ReplaceAllString(kept[p].Body, "") != requestRef.ReplaceAllString(fresh.Body, "") {
			t.Errorf("%s after %s: the kept page is not the page computed afresh", p, after)
		}
		if p == "/pilotage" {
			national = requestRef.ReplaceAllString(fresh.Body, "")
		}
	}
	return national
}

// TestPilotageKeptAfterEachWrite (issue 12): the national view is kept
// between requests and computed again after every kind of write that
// changes it, whichever code path writes: a roster row created, a
// candidacy of the linked account submitted then withdrawn, another one's
// certificate awarded by
// a signed jury, the account moved to another platform, a target
// changed, a departure, a deletion, a year frozen, a platform renamed,
// jury results of past sessions. Each write changes the national page
// (checked), and the page served right after it is the fresh one.
func TestPilotageKeptAfterEachWrite(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	obs := a.client()
	obs.login(whoEmails[obsNat])
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	pB := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '69'`)
	mgr := actorFor(a.userID(whoEmails[mgrA]))

	before := pilotageNow(t, a, obs, "nothing")
	if a.s.pilotagePages.Len() == 0 {
		t.Fatal("the national view is not kept after a request")
	}
	step := func(what string, write func()) {
		t.Helper()
		write()
		now := pilotageNow(t, a, obs, what)
		if now == before {
			t.Errorf("%s: the national page did not change (the test writes nothing it shows)", what)
		}
		before = now
	}

	user := a.newCandidate()
	var email string
	a.must(a.db.Get(&email, `SELECT email FROM users WHERE id = $1`, user))
	m := &staff.Member{PlatformID: pA, FullName: "Conseillère Cache", Email: &email, Function: staff.Counsellor, FTE: 1,
		HiredOn: time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC), Status: staff.NotEngaged}
	step("a roster row created", func() { a.must(a.s.staff.Save(ctx, mgr, m)) })
	withdrawn := a.draftCandidacy(user, "RNCP37779", nil)
	step("the linked account's candidacy submitted", func() { a.candidacyIn(withdrawn, portfolio.DossierSubmitted) })
	step("that candidacy withdrawn", func() {
		a.must(a.s.portfolio.Transition(ctx, audit.Actor{UserID: user}, withdrawn, portfolio.Withdrawn, account.RoleCandidate, ""))
	})
	candidacy := a.draftCandidacy(user, "RNCP37779", nil)
	a.candidacyIn(candidacy, portfolio.DossierSubmitted)
	step("its certificate awarded by a signed jury", func() {
		a.playJuryHeld(candidacy, a.userID(whoEmails[juror]), a.userID("sophie.roussel@demo.acquis.fr"), signed, time.Now().Add(-time.Hour))
	})
	step("the account moved to another platform", func() {
		a.db.MustExec(`UPDATE users SET organisation_id = $2 WHERE id = $1`, user, pB)
	})
	step("a target changed", func() { a.must(a.s.staff.SetTarget(ctx, mgr, pA, 2027, 40, "Recrutements prévus")) })
	step("a departure", func() {
		a.must(a.s.staff.RecordDeparture(ctx, mgr, pA, m.ID, time.Now().AddDate(0, 0, -1), "Mutation"))
	})
	step("a deletion", func() { a.must(a.s.staff.Delete(ctx, mgr, pA, m.ID, "Saisie en double")) })
	step("a year frozen", func() {
		f := a.id(`INSERT INTO plan_freezes (year, taken_at) VALUES (2026, '2027-01-01 00:05:00+01') RETURNING id`)
		a.db.MustExec(`INSERT INTO plan_snapshots (freeze_id, scope, holders, baseline, left_plan, certified, cumulative_target, cumulative_certified)
			VALUES ($1, 'nation', 777, 600, 3, 120, 120, 120)`, f)
	})
	step("a platform renamed", func() {
		a.db.MustExec(`UPDATE organisations SET name = name || ' (renommée)' WHERE id = $1`, pA)
	})
	step("results of past juries", func() { a.history(1) })
}

// TestPilotageKeptIsWholePage: the kept content in its layout is byte
// for byte the page rendered whole from the template by the code that
// computed it on every request, for the nation, a région and each sort
// order (an unknown one too).
func TestPilotageKeptIsWholePage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	obs := a.client()
	obs.login(whoEmails[obsNat])
	for _, p := range append(pilotagePaths, "/pilotage?tri=nimportequoi", "/pilotage?region=53&tri=gap") {
		if res := obs.get(p); res.Status != http.StatusOK {
			t.Fatalf("%s: %d", p, res.Status)
		}
		req := httptest.NewRequest(http.MethodGet, p, nil)
		rec := httptest.NewRecorder()
		c := a.s.echo.NewContext(req, rec)
		layout := Layout{CSRF: "jeton", RequestID: "req", Static: a.s.assets.url,
			User: &CurrentUser{ID: 1, Name: "Observatrice", Menu: []MenuItem{{"Pilotage", "/pilotage"}}}}
		whole, err := national(a.s, c)
		if err != nil {
			t.Fatal(err)
		}
		layout.Title = whole.Title
		whole.Layout = layout
		gen, err := a.s.gens.Read(context.Background())
		a.must(err)
		q := req.URL.Query()
		kept, err := a.s.pilotagePages.Get(gen.Pilotage, pilotageKey{day: dayKey(time.Now()), region: q.Get("region"), sort: planSort(q.Get("tri"))},
			func() (keptPage, error) { t.Fatalf("%s: not kept after a request", p); return keptPage{}, nil })
		a.must(err)
		if kept.title != layout.Title || renderTo(t, a, "pilotage", whole) != renderTo(t, a, "prerendered", prerenderedView{Layout: layout, Body: kept.body}) {
			t.Errorf("%s: the kept page differs from the whole rendering", p)
		}
	}
}

// TestPilotageKeptAcrossInstances: two servers on one database, each
// with the national view kept; a target changed through one of them, and
// a roster row written by any other client of the database, show at once
// on the other.
func TestPilotageKeptAcrossInstances(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	other := instances(t, a, 2)() // its first answer is the second server
	obs := a.client()
	obs.login(whoEmails[obsNat])
	mgr := a.client()
	mgr.login(whoEmails[mgrA])
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	onOther := func() string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, other+"/pilotage", nil)
		return requestRef.ReplaceAllString(obs.do(req).Body, "")
	}
	onThis := func() string { t.Helper(); return requestRef.ReplaceAllString(obs.get("/pilotage").Body, "") }
	first, firstOther := onThis(), onOther()
	if first != firstOther || onThis() != first || onOther() != first {
		t.Fatal("the two instances do not serve the same national view")
	}
	// Through this instance's HTTP handlers.
	mgr.get("/plateformes/" + itoa(pA))
	if res := mgr.post("/plateformes/"+itoa(pA)+"/objectifs", url.Values{"year": {"2028"}, "target": {"55"}, "reason": {"Plan régional"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("target: %d", res.Status)
	}
	if n := a.id(`SELECT count(*) FROM plan_targets WHERE platform_id = $1 AND year = 2028`, pA); n != 1 {
		t.Fatalf("target not recorded")
	}
	second := onOther()
	if second == first || second != onThis() {
		t.Fatal("a target changed on one instance is not seen at once on the other")
	}
	// Straight into the database, as another program would.
	a.db.MustExec(`INSERT INTO staff (platform_id, full_name, function, fte, hired_on, status) VALUES ($1, 'Arrivée Directe', 'conseiller', 1, '2021-05-01', 'not_engaged')`, pA)
	third := onThis()
	if third == second || third != onOther() {
		t.Fatal("a row written by another client of the database is not seen at once on either instance")
	}
}

// national computes the whole view for the request, as pilotage did
// before its content was kept: the reference the kept page is compared
// with.
func national(s *Server, c echo.Context) (pilotageView, error) {
	region := c.QueryParam("region")
	v, err := s.pilotageContent(c.Request().Context(), region, c.QueryParam("tri"), time.Now())
	v.Layout = s.layout(c, pilotageTitle(region))
	return v, err
}
