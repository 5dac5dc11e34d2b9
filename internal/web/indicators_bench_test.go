package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"testing"
	"time"

	"acquis/internal/audit"
	"acquis/internal/demo"
	"acquis/internal/indicators"
)

// BenchmarkIndicatorsNational measures every indicator at national scale
// (acquis demo --scale national: ten years, ~52,000 candidacies, ~1.9
// million verdicts) over the whole ten years, the heaviest period: the
// page (HTML with chart), the API answer (JSON, API key checked) and the
// indicator's SQL alone. Each sub-benchmark reports its p95 in ms besides
// the mean. Target: p95 under 100 ms and within 1.5× of the SQL.
func BenchmarkIndicatorsNational(b *testing.B) {
	a := newBenchApp(b)
	ctx := context.Background()
	st, err := demo.LoadNationalHistory(ctx, a.db, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("historique : %d sessions, %d candidatures, %d décisions de bloc, %d verdicts, chargé en %s", st.Sessions, st.Candidacies, st.BlockDecisions, st.Verdicts, st.Took)
	c := a.client()
	c.login(whoEmails[obsNat])
	cookies := c.http.Jar.Cookies(mustURL(a.srv.URL))
	token, _, err := a.s.accounts.IssueAPIKey(ctx, audit.Actor{Role: "bench"}, "banc d'essai", "")
	if err != nil {
		b.Fatal(err)
	}
	q := url.Values{"du": {"2016-01-01"}, "au": {"2026-12-31"}}
	f, _ := indicators.ParseFilter(q, time.Now())
	for _, ind := range indicators.Catalogue {
		serve := func(b *testing.B, path string, auth func(*http.Request)) {
			timed(b, func() {
				req := httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil)
				auth(req)
				rec := httptest.NewRecorder()
				a.s.Handler().ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s : statut %d", path, rec.Code)
				}
			})
		}
		b.Run(ind.Key+"/page", func(b *testing.B) {
			serve(b, "/indicateurs/"+ind.Key, func(r *http.Request) {
				for _, ck := range cookies {
					r.AddCookie(ck)
				}
			})
		})
		b.Run(ind.Key+"/api", func(b *testing.B) {
			serve(b, "/api/v1/indicators/"+ind.Key, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) })
		})
		b.Run(ind.Key+"/compute", func(b *testing.B) {
			timed(b, func() {
				if _, err := a.s.indicators.Compute(ctx, ind.Key, f); err != nil {
					b.Fatal(err)
				}
			})
		})
		if query, args, ok := indicators.SQL(ind.Key, f); ok {
			b.Run(ind.Key+"/sql", func(b *testing.B) {
				timed(b, func() {
					rows, err := a.db.QueryContext(ctx, query, args...)
					if err != nil {
						b.Fatal(err)
					}
					for rows.Next() {
					}
					rows.Close()
				})
			})
		}
	}
}

// timed runs fn b.N times and reports the 95th percentile besides the
// mean that the benchmark prints.
func timed(b *testing.B, fn func()) {
	var d []time.Duration
	for b.Loop() {
		t := time.Now()
		fn()
		d = append(d, time.Since(t))
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	if len(d) > 0 {
		b.ReportMetric(float64(d[len(d)*95/100].Microseconds())/1000, "p95-ms")
	}
}
