package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"acquis/internal/demo"
)

// BenchmarkJurySessionsNational measures the certifier's list of jury
// sessions at national scale (acquis demo --scale national: ~4,800
// sessions over ten years), now a page of 50: the first page, a page deep
// in the list, and the API's page. Each reports the bytes it sends.
func BenchmarkJurySessionsNational(b *testing.B) {
	a := newBenchApp(b)
	st, err := demo.LoadNationalHistory(context.Background(), a.db, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("historique : %d sessions", st.Sessions)
	c := a.client()
	c.login(whoEmails[admin])
	cookies := c.http.Jar.Cookies(mustURL(a.srv.URL))
	// Before pagination the page read (and rendered) every session.
	b.Run("sql-all", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.s.jury.Sessions(context.Background(), 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sql", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := a.s.jury.SessionPage(context.Background(), 50*89, 50); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range []struct{ name, path string }{
		{"page1", "/certificateur/jurys"},
		{"page90", "/certificateur/jurys?page=90"},
		{"api", "/api/v1/jury/sessions"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, tc.path, nil)
				for _, ck := range cookies {
					req.AddCookie(ck)
				}
				rec := httptest.NewRecorder()
				a.s.Handler().ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s : statut %d", tc.path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}
