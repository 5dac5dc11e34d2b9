package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkNationalView measures the national view's server time (the
// whole GET /pilotage in-process: session, policy, the staff query, the
// plans of every platform, rendering) over the national demo topped up to
// 1,000 staff, beside its main SQL query alone (target: under 50 ms).
func BenchmarkNationalView(b *testing.B) {
	a := newBenchApp(b)
	// The demo has a platform per département (101) and about 800 staff;
	// top it up to 1,000 with counsellors spread over the platforms.
	if _, err := a.db.Exec(`INSERT INTO staff (platform_id, full_name, function, fte, hired_on, status, status_on, planned_year)
		SELECT p.id, 'Conseiller ' || g, 'conseiller', 1, DATE '2020-01-01' + (g % 1500)::int,
		       CASE g % 4 WHEN 0 THEN 'holder' WHEN 1 THEN 'training' ELSE 'not_engaged' END,
		       CASE g % 4 WHEN 0 THEN DATE '2026-05-01' WHEN 1 THEN DATE '2026-02-01' END, 2026 + g % 5
		FROM generate_series(1, 1000 - (SELECT count(*) FROM staff)) g
		JOIN LATERAL (SELECT id FROM organisations WHERE kind = 'platform' ORDER BY id OFFSET g % 101 LIMIT 1) p ON true`); err != nil {
		b.Fatal(err)
	}
	var staffN, platformsN int
	if err := a.db.Get(&staffN, `SELECT count(*) FROM staff`); err != nil {
		b.Fatal(err)
	}
	if err := a.db.Get(&platformsN, `SELECT count(*) FROM organisations WHERE kind = 'platform'`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d plateformes, %d personnes", platformsN, staffN)
	c := a.client()
	c.login(whoEmails[obsNat])
	cookies := c.http.Jar.Cookies(mustURL(a.srv.URL))
	b.Run("page", func(b *testing.B) {
		for b.Loop() {
			req := httptest.NewRequest(http.MethodGet, "/pilotage?tri=gap", nil)
			for _, ck := range cookies {
				req.AddCookie(ck)
			}
			rec := httptest.NewRecorder()
			a.s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("statut %d", rec.Code)
			}
		}
	})
	// Since issue 14 a platform's default targets come from the national
	// apportionment: its page runs the national staff query too, and a
	// région's view runs it once more.
	mgr := a.client()
	mgr.login(whoEmails[mgrA])
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	for name, v := range map[string]struct {
		path string
		c    *client
	}{"platform": {"/plateformes/" + itoa(pA), mgr}, "region": {"/pilotage?region=53", c}} {
		jar := v.c.http.Jar.Cookies(mustURL(a.srv.URL))
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, v.path, nil)
				for _, ck := range jar {
					req.AddCookie(ck)
				}
				rec := httptest.NewRecorder()
				a.s.Handler().ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s : statut %d", v.path, rec.Code)
				}
			}
		})
	}
	b.Run("query", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			if _, err := a.s.staff.AllStaff(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
