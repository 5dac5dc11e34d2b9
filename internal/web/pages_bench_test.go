package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time this process has used (user and system):
// the work of a request on the Go side, which the queue for a shared
// machine's cores does not inflate. PostgreSQL's share is not in it.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHotPages serves, in process and from 8 goroutines, the pages
// scripts/bench.sh measures through wrk (the référentiel, a candidate's
// candidacy, a member's grid), the verdict autosave and the other pages
// of BenchmarkDeliberationPage's background load, so that each can
// be profiled alone: with ACQUIS_PAGE_CPUPROFILE=dir, each sub-benchmark
// writes dir/<name>.prof (a profile of that page's requests only, the
// set-up left out). Each reports the Go CPU per request (go-cpu-ms/op).
func BenchmarkHotPages(b *testing.B) {
	a := newBenchApp(b)
	sid, cid, jurors, crits := a.scoringSession()
	// The candidate of the scoring session, on their candidacy.
	cc := a.client()
	cc.login("ronan.le.gall@demo.acquis.fr")
	obs, adm, chair := a.client(), a.client(), a.client()
	obs.login(whoEmails[obsNat])
	adm.login(whoEmails[admin])
	dsid, chairEmail := a.deliberatingSession(20)
	chair.login(chairEmail)
	cookies := func(c *client) []*http.Cookie { return c.http.Jar.Cookies(mustURL(a.srv.URL)) }
	get := func(c *client, path string) func(int) *http.Request {
		cks := cookies(c)
		return func(int) *http.Request {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for _, k := range cks {
				req.AddCookie(k)
			}
			return req
		}
	}
	j := jurors[0]
	jcks := cookies(j)
	verdict := func(i int) *http.Request {
		body := fmt.Sprintf(`{"criterion":%q,"verdict":"acquis","comment":""}`, crits[i%len(crits)])
		req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/verdicts", sid, cid), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", j.csrf)
		for _, k := range jcks {
			req.AddCookie(k)
		}
		return req
	}
	pages := []struct {
		name string
		req  func(int) *http.Request
	}{
		{"healthz", get(j, "/healthz")},
		{"referentiel", get(j, "/referentiels/RNCP37779")},
		{"candidature", get(cc, fmt.Sprintf("/candidatures/%d", cid))},
		{"grille", get(j, fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid))},
		{"autosave", verdict},
		{"candidat", get(cc, "/candidat")},
		{"pilotage", get(obs, "/pilotage")},
		{"jurys", get(adm, "/certificateur/jurys")},
		{"deliberation", get(chair, fmt.Sprintf("/jury/sessions/%d/deliberation", dsid))},
	}
	h := a.s.Handler()
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			if dir := os.Getenv("ACQUIS_PAGE_CPUPROFILE"); dir != "" {
				b.Setenv("ACQUIS_LOAD_CPUPROFILE", dir+"/"+p.name+".prof")
			}
			stop := profileCPU(b, "ACQUIS_LOAD_CPUPROFILE")
			defer stop()
			cpu := processCPU()
			defer func() {
				b.ReportMetric(float64(processCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "go-cpu-ms/op")
			}()
			b.SetParallelism(4) // 8 goroutines on 2 cores, as wrk -c 8
			b.RunParallel(func(pb *testing.PB) {
				for i := 0; pb.Next(); i++ {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, p.req(i))
					if rec.Code != http.StatusOK {
						b.Errorf("%s: %d %s", p.name, rec.Code, rec.Body.String())
						return
					}
				}
			})
		})
	}
}
