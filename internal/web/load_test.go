package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadResult summarises one load run.
type loadResult struct {
	Requests int
	Errors   int64
	Duration time.Duration
	P50, P95 time.Duration
	P99, Max time.Duration
}

func (r loadResult) RPS() float64 { return float64(r.Requests) / r.Duration.Seconds() }

func (r loadResult) String() string {
	return fmt.Sprintf("%d requêtes en %v : %.0f req/s, p50 %v, p95 %v, p99 %v, max %v, %d erreurs",
		r.Requests, r.Duration.Round(time.Millisecond), r.RPS(), r.P50, r.P95, r.P99, r.Max, r.Errors)
}

// hammer runs workers sending requests for d, each built by mk(worker, i),
// and measures latencies.
func hammer(workers int, d time.Duration, mk func(w, i int) *http.Request, hc *http.Client) loadResult {
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for i := 0; time.Now().Before(deadline); i++ {
				req := mk(w, i)
				t0 := time.Now()
				res, err := hc.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				local = append(local, time.Since(t0))
				if res.StatusCode >= 400 {
					errs.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	r := loadResult{Requests: len(lat), Errors: errs.Load(), Duration: time.Since(start)}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if n := len(lat); n > 0 {
		r.P50, r.P95, r.P99, r.Max = lat[n*50/100], lat[n*95/100], lat[n*99/100], lat[n-1]
	}
	return r
}

// TestLoadVerdictAutosave measures the autosave request (session lookup,
// CSRF, policy with its jury lookup, transaction, audit row) against the
// real server and database, and the same server's ceiling on a trivial
// authenticated request. It runs only with ACQUIS_LOAD=1 (see
// BENCHMARKS.md); it asserts correctness, never timings.
func TestLoadVerdictAutosave(t *testing.T) {
	if os.Getenv("ACQUIS_LOAD") == "" {
		t.Skip("ACQUIS_LOAD=1 pour lancer la mesure de charge")
	}
	a := newApp(t)
	a.s.log = a.s.log.With() // requests are logged to io.Discard
	sid, cid, evaluators, crits := a.scoringSession()
	cookies := make([][]*http.Cookie, len(evaluators))
	for i, c := range evaluators {
		cookies[i] = c.http.Jar.Cookies(mustURL(a.srv.URL))
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second}
	api := fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/verdicts", sid, cid)
	// ACQUIS_LOAD_INSTANCES=2: round-robin over two servers sharing the
	// database, as two instances behind a load balancer.
	n, _ := strconv.Atoi(os.Getenv("ACQUIS_LOAD_INSTANCES"))
	next := instances(t, a, max(n, 1))
	workers, _ := strconv.Atoi(os.Getenv("ACQUIS_LOAD_WORKERS"))
	if workers == 0 {
		workers = 32
	}
	dur := 10 * time.Second
	if v, err := time.ParseDuration(os.Getenv("ACQUIS_LOAD_DURATION")); err == nil {
		dur = v
	}
	before := a.id(`SELECT count(*) FROM audit_log WHERE action = 'jury.verdict'`)
	verdicts := hammer(workers, dur, func(w, i int) *http.Request {
		e := w % len(evaluators)
		body, _ := json.Marshal(map[string]string{"criterion": crits[(w*7+i)%len(crits)], "verdict": "acquis"})
		req, _ := http.NewRequest(http.MethodPost, next()+api, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", evaluators[e].csrf)
		for _, ck := range cookies[e] {
			req.AddCookie(ck)
		}
		return req
	}, hc)
	t.Logf("enregistrement d'un vote : %v", verdicts)
	written := a.id(`SELECT count(*) FROM audit_log WHERE action = 'jury.verdict'`) - before
	if verdicts.Errors != 0 || written != int64(verdicts.Requests) {
		t.Fatalf("%d erreurs, %d votes audités pour %d requêtes", verdicts.Errors, written, verdicts.Requests)
	}
	trivial := hammer(workers, dur, func(w, i int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, next()+"/api/v1/certifications", nil)
		for _, ck := range cookies[w%len(cookies)] {
			req.AddCookie(ck)
		}
		return req
	}, hc)
	t.Logf("requête authentifiée triviale : %v", trivial)
	t.Logf("rapport vote / triviale : %.2f", verdicts.RPS()/trivial.RPS())
	if res, _ := auditVerify(a); !res {
		t.Fatal("chaîne d'audit rompue après la charge")
	}
}
