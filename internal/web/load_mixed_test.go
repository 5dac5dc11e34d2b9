package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// TestLoadMixedRoles plays 200 concurrent users of every role against the
// real server and database: candidates reading their space and
// candidacy, jury members reading their grid and saving verdicts, platform
// managers reading their dashboard and exporting their roster, observers
// and the certifier reading the national view and the indicators (page
// and API). It requires zero errors and zero lost writes (every verdict
// answered 200 is in the audit log) and an intact audit chain; it reports
// throughput and latency percentiles and asserts no timing.
//
// In the normal suite it runs 3 s; ACQUIS_LOAD=1 runs one minute
// (ACQUIS_LOAD_DURATION, ACQUIS_LOAD_USERS to change), as BENCHMARKS.md
// reports.
func TestLoadMixedRoles(t *testing.T) { loadMixed(t, 1) }

// TestLoadMixedRolesTwoInstances is the same load sent round-robin to two
// servers that share only the database and the blob store, as two
// instances behind a load balancer: a session opened on one is used on
// the other, and the same zero errors, zero lost writes and intact audit
// chain are required.
func TestLoadMixedRolesTwoInstances(t *testing.T) { loadMixed(t, 2) }

func loadMixed(t *testing.T, nInstances int) {
	dur, users := 3*time.Second, 200
	if os.Getenv("ACQUIS_LOAD") != "" {
		dur = time.Minute
	}
	if v, err := time.ParseDuration(os.Getenv("ACQUIS_LOAD_DURATION")); err == nil {
		dur = v
	}
	if n, err := strconv.Atoi(os.Getenv("ACQUIS_LOAD_USERS")); err == nil && n > 0 {
		users = n
	}
	a := newApp(t)
	next := instances(t, a, nInstances)
	base := func(int) string { return next() }
	a.history(3)
	sid, cid, jurors, crits := a.scoringSession()
	grid := fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid)
	candC := a.client()
	candC.login(whoEmails[cand])
	candidacy, _ := a.candidacyWithDocument(whoEmails[cand])
	mgr := a.client()
	mgr.login(whoEmails[mgrA])
	platform := a.id(`SELECT platform_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.email = $1 AND r.role = 'platform_manager'`, whoEmails[mgrA])
	obs := a.client()
	obs.login(whoEmails[obsNat])
	adm := a.client()
	adm.login(whoEmails[admin])
	cookies := func(c *client) []*http.Cookie { return c.http.Jar.Cookies(mustURL(a.srv.URL)) }

	type role struct {
		name string
		mk   func(i int) *http.Request
	}
	get := func(c *client, path string) func(int) *http.Request {
		ck := cookies(c)
		return func(i int) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, base(i)+path, nil)
			for _, k := range ck {
				req.AddCookie(k)
			}
			return req
		}
	}
	alternate := func(fs ...func(int) *http.Request) func(int) *http.Request {
		return func(i int) *http.Request { return fs[i%len(fs)](i) }
	}
	verdict := func(c *client) func(int) *http.Request {
		ck := cookies(c)
		api := fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/verdicts", sid, cid)
		return func(i int) *http.Request {
			v := map[string]string{"criterion": crits[i%len(crits)], "verdict": "acquis"}
			if i%5 == 0 {
				v["verdict"], v["comment"] = "non_acquis", "Élément à approfondir <script>alert(1)</script> ' OR 1=1 --"
			}
			body, _ := json.Marshal(v)
			req, _ := http.NewRequest(http.MethodPost, base(i)+api, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", c.csrf)
			for _, k := range ck {
				req.AddCookie(k)
			}
			return req
		}
	}
	roles := []role{
		{"candidat", alternate(get(candC, "/candidat"), get(candC, fmt.Sprintf("/candidatures/%d", candidacy)), get(candC, "/referentiels/RNCP37779"))},
		{"juré 1", alternate(verdict(jurors[0]), get(jurors[0], grid), verdict(jurors[0]))},
		{"juré 2", alternate(verdict(jurors[1]), get(jurors[1], "/jury"), verdict(jurors[1]))},
		{"gestionnaire", alternate(get(mgr, fmt.Sprintf("/plateformes/%d", platform)), get(mgr, fmt.Sprintf("/plateformes/%d/effectif.csv", platform)))},
		{"observateur", alternate(get(obs, "/pilotage"), get(obs, "/indicateurs/taux-certification"), get(obs, "/api/v1/indicators/blocs"))},
		{"certificateur", alternate(get(adm, "/certificateur/jurys"), get(adm, "/indicateurs/criteres"), get(adm, "/certificateur/recevabilite"))},
	}
	// Users spread over the roles: 30 % candidates, 30 % jurors, 20 %
	// managers, 20 % observers and certifiers.
	share := []int{30, 15, 15, 20, 12, 8}
	var plan []int
	for r, pct := range share {
		for i := 0; i < users*pct/100; i++ {
			plan = append(plan, r)
		}
	}
	for len(plan) < users {
		plan = append(plan, 0)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: users, MaxConnsPerHost: users}, Timeout: 30 * time.Second}
	before := a.id(`SELECT count(*) FROM audit_log WHERE action = 'jury.verdict'`)
	// hammer completes every request it builds, so with no error the
	// verdicts built are the verdicts answered 200.
	var posts atomic.Int64
	res := hammer(users, dur, func(w, i int) *http.Request {
		req := roles[plan[w]].mk(w*1000 + i)
		if req.Method == http.MethodPost {
			posts.Add(1)
		}
		return req
	}, hc)
	t.Logf("%d utilisateurs simultanés, rôles mêlés, %d instance(s) : %v", users, nInstances, res)
	if res.Errors != 0 {
		t.Fatalf("%d erreurs", res.Errors)
	}
	written := a.id(`SELECT count(*) FROM audit_log WHERE action = 'jury.verdict'`) - before
	var saved int64
	if err := a.db.Get(&saved, `SELECT count(*) FROM jury_verdicts WHERE session_id = $1 AND candidacy_id = $2`, sid, cid); err != nil {
		t.Fatal(err)
	}
	if written != posts.Load() || saved == 0 {
		t.Fatalf("écritures perdues : %d votes envoyés, %d audités (%d critères en base)", posts.Load(), written, saved)
	}
	if ok, err := auditVerify(a); err != nil || !ok {
		t.Fatalf("chaîne d'audit rompue après la charge : %v", err)
	}
}
