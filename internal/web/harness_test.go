package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/config"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/demo"
	"acquis/internal/jury"
	"acquis/internal/portfolio"
)

func TestMain(m *testing.M) {
	dbtest.Main(m, func(ctx context.Context, d *sqlx.DB) error {
		if err := seed.Referentiels(ctx, d); err != nil {
			return err
		}
		_, err := demo.Load(ctx, d, nil)
		return err
	})
}

// app is one test's running server on its own database.
type app struct {
	t   testing.TB
	db  *sqlx.DB
	srv *httptest.Server
	s   *Server
}

func newApp(t *testing.T) *app { return newBenchApp(t) }

// newBenchApp is newApp for benchmarks too.
func newBenchApp(t testing.TB) *app {
	t.Helper()
	d := dbtest.New(t)
	cfg := config.Defaults()
	cfg.BaseURL = "http://acquis.test"
	cfg.DataDir = t.TempDir() // the signing keys are made there
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Config: cfg, DB: d, Blobs: blobs, Log: slog.New(slog.NewTextHandler(logSink(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &app{t: t, db: d, srv: srv, s: s}
}

// client is a browser: a cookie jar and the last CSRF token seen.
type client struct {
	a    *app
	http *http.Client
	csrf string
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

type response struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

func (c *client) do(req *http.Request) response {
	c.a.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	checkAPIResponse(c.a.t, req, res, b)
	body := string(b)
	if m := csrfField.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
	return response{Status: res.StatusCode, Body: body, Header: res.Header, Location: res.Header.Get("Location")}
}

func (c *client) get(path string) response {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.a.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form with the CSRF token the last page carried (fetching
// /login first when there is none yet).
func (c *client) post(path string, form url.Values) response {
	c.a.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf)
	}
	// Upload routes never parse their body for the token (see csrf): a
	// form posted there carries it in the query, as the upload forms do.
	if u := mustURL(path); u.Query().Get("_csrf") == "" && (strings.HasSuffix(u.Path, "/documents") || strings.HasSuffix(u.Path, "/justificatif")) {
		q := u.Query()
		q.Set("_csrf", form.Get("_csrf"))
		u.RawQuery = q.Encode()
		path = u.String()
	}
	return c.postRaw(path, form)
}

func (c *client) postRaw(path string, form url.Values) response {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// login signs in with a demo account and fails the test if it cannot.
func (c *client) login(email string) {
	c.a.t.Helper()
	c.get("/login")
	res := c.post("/login", url.Values{"email": {email}, "password": {demo.Password}})
	if res.Status != http.StatusSeeOther {
		c.a.t.Fatalf("login %s: status %d\n%s", email, res.Status, res.Body)
	}
	// Follow the redirect as a browser does: the page it lands on carries
	// the token of the new session (the one from before login no longer
	// passes).
	c.get(res.Location)
}

func (a *app) id(query string, args ...any) int64 {
	a.t.Helper()
	var id int64
	if err := a.db.Get(&id, query, args...); err != nil {
		a.t.Fatalf("%s: %v", query, err)
	}
	return id
}

// candidacyWithDocument opens an RNCP37779 candidacy (VAE on every bloc)
// for a demo candidate and stores one PDF for its first deliverable.
func (a *app) candidacyWithDocument(email string) (candidacy, document int64) {
	a.t.Helper()
	ctx := context.Background()
	var u struct {
		ID  int64 `db:"id"`
		Org int64 `db:"organisation_id"`
	}
	if err := a.db.Get(&u, `SELECT id, organisation_id FROM users WHERE email = $1`, email); err != nil {
		a.t.Fatal(err)
	}
	actor := audit.Actor{UserID: u.ID, Role: "candidate"}
	id, err := a.s.portfolio.Create(ctx, actor, portfolio.NewCandidacy{CandidateID: u.ID, CertificationCode: "RNCP37779", OrganisationID: u.Org,
		Pathways: map[string]portfolio.Pathway{"RNCP37779BC01": portfolio.VAE, "RNCP37779BC02": portfolio.VAE, "RNCP37779BC03": portfolio.VAE}, ExperienceMonths: 36})
	if err != nil {
		a.t.Fatal(err)
	}
	b, err := a.s.blobs.Put(ctx, strings.NewReader(testPDF), blob.Limits{MaxBytes: 1 << 20, Accepted: []blob.Kind{blob.PDF}})
	if err != nil {
		a.t.Fatal(err)
	}
	d, err := a.s.portfolio.AddDocument(ctx, actor, portfolio.NewDocument{CandidacyID: id, BlockCode: "RNCP37779BC01", DeliverableCode: "RNCP37779BC01-D01",
		FileName: "dossier professionnel.pdf", SHA256: b.SHA256, Size: b.Size, Kind: string(b.Kind), MIME: b.MIME})
	if err != nil {
		a.t.Fatal(err)
	}
	return id, d.ID
}

// testPDF is a minimal valid PDF.
const testPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 612 792]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// inProgressCandidacy takes a demo candidate's new candidacy (one
// document already uploaded) to "dossier in progress".
func (a *app) inProgressCandidacy(email string) int64 {
	a.t.Helper()
	id, _ := a.candidacyWithDocument(email)
	me := audit.Actor{UserID: a.id(`SELECT candidate_id FROM candidacies WHERE id = $1`, id)}
	steps := []struct {
		to   portfolio.State
		role account.Role
	}{{portfolio.AdmissibilitySubmitted, account.RoleCandidate}, {portfolio.Admissible, account.RoleAdmin}, {portfolio.DossierInProgress, account.RoleCandidate}}
	for _, st := range steps {
		if err := a.s.portfolio.Transition(context.Background(), me, id, st.to, st.role, ""); err != nil {
			a.t.Fatal(err)
		}
	}
	return id
}

// submittedCandidacy takes a demo candidate's candidacy to "dossier
// submitted", with a PDF for every deliverable.
func (a *app) submittedCandidacy(email string) int64 {
	a.t.Helper()
	ctx := context.Background()
	id := a.inProgressCandidacy(email)
	c, err := a.s.portfolio.Candidacy(ctx, id)
	if err != nil {
		a.t.Fatal(err)
	}
	me := audit.Actor{UserID: c.CandidateID}
	cert, _ := a.s.refs.Version(ctx, c.VersionID)
	for _, b := range cert.Blocks {
		for _, d := range b.Deliverables {
			if d.Upload && d.Code != "RNCP37779BC01-D01" {
				bl, err := a.s.blobs.Put(ctx, strings.NewReader(testPDF+d.Code), blob.Limits{MaxBytes: 1 << 20, Accepted: []blob.Kind{blob.PDF}})
				if err != nil {
					a.t.Fatal(err)
				}
				if _, err := a.s.portfolio.AddDocument(ctx, me, portfolio.NewDocument{CandidacyID: id, BlockCode: b.Code, DeliverableCode: d.Code,
					FileName: d.Code + ".pdf", SHA256: bl.SHA256, Size: bl.Size, Kind: "pdf", MIME: "application/pdf"}); err != nil {
					a.t.Fatal(err)
				}
			}
		}
	}
	if _, err := a.s.portfolio.Submit(ctx, me, id); err != nil {
		a.t.Fatal(err)
	}
	return id
}

// jurySession plans an RNCP37779 session chaired by the first member, with
// the candidate's submitted candidacy assigned to both members.
func (a *app) jurySession(candidateEmail, chairEmail, memberEmail string) (session, candidacy int64) {
	a.t.Helper()
	candidacy = a.submittedCandidacy(candidateEmail)
	return a.plannedSession(candidacy, a.id(`SELECT id FROM users WHERE email = $1`, chairEmail), a.id(`SELECT id FROM users WHERE email = $1`, memberEmail)), candidacy
}

// plannedSession creates an RNCP37779 session with the chair and a
// member, and assigns the candidacy to both.
func (a *app) plannedSession(candidacy, chair, member int64) int64 {
	a.t.Helper()
	ctx := context.Background()
	session, err := a.s.jury.CreateSession(ctx, audit.System, jury.NewSession{CertificationCode: "RNCP37779",
		StartsAt: time.Now().AddDate(0, 0, 7), Place: "Paris", DossierDeadline: time.Now()})
	if err != nil {
		a.t.Fatal(err)
	}
	// A week ahead: a test that deliberates brings the session's day
	// itself (nothing is decided before it).
	if err := a.s.jury.AddMember(ctx, audit.System, session, chair, true); err != nil {
		a.t.Fatal(err)
	}
	if err := a.s.jury.AddMember(ctx, audit.System, session, member, false); err != nil {
		a.t.Fatal(err)
	}
	if err := a.s.jury.Assign(ctx, audit.System, session, candidacy, []int64{chair, member}); err != nil {
		a.t.Fatal(err)
	}
	return session
}

// openWithQualifiedChair makes the session's chair qualified for
// RNCP37779 (the composition rule) and opens the session for scoring.
func (a *app) openWithQualifiedChair(session int64) {
	a.t.Helper()
	chair := a.id(`SELECT user_id FROM jury_members WHERE session_id = $1 AND is_chair`, session)
	a.db.MustExec(`INSERT INTO jury_profiles (user_id, qualified_for) VALUES ($1, '{RNCP37779}') ON CONFLICT (user_id) DO UPDATE SET qualified_for = '{RNCP37779}'`, chair)
	if _, err := a.s.jury.Open(context.Background(), actorFor(chair), session); err != nil {
		a.t.Fatal(err)
	}
}

// scoringSession is the load tests' starting point: a session opened
// with its two evaluators signed in, their declarations signed, and the
// RNCP37779 criteria they score.
func (a *app) scoringSession() (session, candidacy int64, evaluators []*client, criteria []string) {
	a.t.Helper()
	session, candidacy = a.jurySession("ronan.le.gall@demo.acquis.fr", "helene.marchand@demo.acquis.fr", "sophie.roussel@demo.acquis.fr")
	a.openWithQualifiedChair(session)
	evaluators = []*client{a.client(), a.client()}
	evaluators[0].login("helene.marchand@demo.acquis.fr")
	evaluators[1].login("sophie.roussel@demo.acquis.fr")
	page := fmt.Sprintf("/jury/sessions/%d/candidats/%d", session, candidacy)
	for _, c := range evaluators {
		c.get(page)
		c.post(page+"/declaration", nil)
		c.get(page)
	}
	if err := a.db.Select(&criteria, `SELECT cr.code FROM criteria cr JOIN blocks b ON b.id = cr.block_id JOIN certifications c ON c.current_version_id = b.version_id
		WHERE c.code = 'RNCP37779' ORDER BY b.position, cr.position`); err != nil {
		a.t.Fatal(err)
	}
	return session, candidacy, evaluators, criteria
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func actorFor(id int64) audit.Actor { return audit.Actor{UserID: id, Role: "test"} }

func auditVerify(a *app) (bool, error) {
	res, err := audit.Verify(context.Background(), a.db)
	return res.OK, err
}

// logSink is where the test servers log: nowhere, unless ACQUIS_TEST_LOG=1
// asks to see their errors.
func logSink() io.Writer {
	if os.Getenv("ACQUIS_TEST_LOG") == "1" {
		return os.Stderr
	}
	return io.Discard
}
