package demo_test

import (
	"context"
	"testing"

	"acquis/internal/blob"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/demo"
)

func TestMain(m *testing.M) { dbtest.Main(m, seed.Referentiels) }

// TestDemoSelfConsistent loads the demo with its jury sessions and checks
// its dates: every candidacy enrolled in a session was created, and its
// dossier deposited, before the session and by its deadline; sessions are
// not in the past unless recorded as such; no delay the indicators measure
// is negative.
func TestDemoSelfConsistent(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	store, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, d, store); err != nil {
		t.Fatal(err)
	}
	checks := []struct{ what, q string }{
		{"candidature créée après la session", `SELECT count(*) FROM jury_assignments a JOIN candidacies c ON c.id = a.candidacy_id
			JOIN jury_sessions s ON s.id = a.session_id WHERE c.created_at > s.starts_at`},
		{"dépôt après la session", `SELECT count(*) FROM jury_assignments a JOIN deposits dp ON dp.candidacy_id = a.candidacy_id
			JOIN jury_sessions s ON s.id = a.session_id WHERE dp.submitted_at > s.starts_at`},
		{"dépôt après la date limite", `SELECT count(*) FROM jury_assignments a JOIN deposits dp ON dp.candidacy_id = a.candidacy_id
			JOIN jury_sessions s ON s.id = a.session_id WHERE (dp.submitted_at AT TIME ZONE 'Europe/Paris')::date > s.dossier_deadline`},
		{"durée dépôt → jury négative", `SELECT count(*) FROM results WHERE session_date < (submitted_at AT TIME ZONE 'Europe/Paris')::date`},
		{"durée recevabilité négative", `SELECT count(*) FROM candidacies WHERE admissibility_decided_at < admissibility_submitted_at`},
		{"durée première candidature → certification négative", `SELECT count(*) FROM certificates ce WHERE ce.awarded_on <
			(SELECT min(x.created_at AT TIME ZONE 'Europe/Paris')::date FROM candidacies x WHERE x.candidate_id = ce.user_id AND x.certification_code = ce.certification_code)`},
		{"bloc acquis à une date à venir", `SELECT count(*) FROM acquired_blocks WHERE acquired_on > (now() AT TIME ZONE 'Europe/Paris')::date`},
		{"session signée avant sa date", `SELECT count(*) FROM jury_sessions WHERE signed_at < starts_at`},
	}
	for _, c := range checks {
		var n int
		if err := d.GetContext(ctx, &n, c.q); err != nil {
			t.Fatalf("%s : %v", c.what, err)
		}
		if n != 0 {
			t.Errorf("%s : %d", c.what, n)
		}
	}
	var signed int
	if err := d.GetContext(ctx, &signed, `SELECT count(*) FROM jury_sessions WHERE status = 'signed'`); err != nil || signed == 0 {
		t.Fatalf("aucune session signée dans la démonstration (%v)", err)
	}
}
