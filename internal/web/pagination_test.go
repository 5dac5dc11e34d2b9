package web

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"acquis/internal/audit"
	"acquis/internal/jury"
)

// TestAPICandidaciesPaginated (issue 15, finding 7): the API's list of
// candidacies comes a page at a time, with Link headers that keep the
// query and a total; a page number that is not one is a French 400; the
// admissibility deadline is a date, not a timestamp.
func TestAPICandidaciesPaginated(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	email := whoEmails[cand]
	for range 3 {
		// Only one candidacy per certification may be under way: the
		// earlier ones are withdrawn.
		id, _ := a.candidacyWithDocument(email)
		a.db.MustExec(`UPDATE candidacies SET state = 'withdrawn' WHERE id = $1`, id)
	}
	uid := a.id(`SELECT id FROM users WHERE email = $1`, email)
	total := int(a.id(`SELECT count(*) FROM candidacies WHERE candidate_id = $1`, uid))
	if total < 3 {
		t.Fatalf("%d candidatures", total)
	}
	// One of them waits for the admissibility decision: it has a deadline.
	a.db.MustExec(`UPDATE candidacies SET state = 'admissibility_submitted', admissibility_submitted_at = now(), admissibility_due = '2031-03-01' WHERE id = (SELECT max(id) FROM candidacies WHERE candidate_id = $1)`, uid)
	c := a.client()
	c.login(email)
	type page struct {
		Candidacies []map[string]any
		Pagination  struct{ Page, PerPage, Total, Pages int } `json:"pagination"`
	}
	read := func(path string) (response, page) {
		res := c.get(path)
		var p page
		if res.Status != http.StatusOK || json.Unmarshal([]byte(res.Body), &p) != nil {
			t.Fatalf("%s : %d %s", path, res.Status, res.Body)
		}
		return res, p
	}
	seen, sawDue := map[float64]bool{}, false
	next := "/api/v1/candidacies?per_page=2"
	nextLink := regexp.MustCompile(`<([^>]+)>; rel="next"`)
	for pages := 0; next != ""; pages++ {
		if pages > total {
			t.Fatal("la pagination ne s'arrête pas")
		}
		res, p := read(next)
		if p.Pagination.Total != total || res.Header.Get("X-Total-Count") != itoa(int64(total)) || len(p.Candidacies) > 2 {
			t.Fatalf("%s : %+v, X-Total-Count %q", next, p.Pagination, res.Header.Get("X-Total-Count"))
		}
		if !strings.Contains(res.Header.Get("Link"), `rel="last"`) || !strings.Contains(res.Header.Get("Link"), "per_page=2") {
			t.Fatalf("Link : %q", res.Header.Get("Link"))
		}
		for _, cd := range p.Candidacies {
			id := cd["id"].(float64)
			if seen[id] {
				t.Fatalf("candidature %v vue deux fois", id)
			}
			seen[id] = true
			if due, ok := cd["admissibility_due"]; ok {
				sawDue = true
				if due != "2031-03-01" {
					t.Errorf("échéance de recevabilité : %v, attendu 2031-03-01", due)
				}
			}
		}
		next = ""
		if m := nextLink.FindStringSubmatch(res.Header.Get("Link")); m != nil {
			next = m[1]
		}
	}
	if !sawDue {
		t.Error("aucune échéance de recevabilité dans la liste")
	}
	if len(seen) != total {
		t.Fatalf("%d candidatures parcourues sur %d", len(seen), total)
	}
	if _, p := read("/api/v1/candidacies?page=999999"); len(p.Candidacies) != 0 || p.Pagination.Total != total {
		t.Fatalf("page au-delà de la dernière : %+v", p)
	}
	for _, q := range []string{"page=0", "page=abc", "page=99999999999999999999", "per_page=1000", "per_page=-1"} {
		res := c.get("/api/v1/candidacies?" + q)
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "invalide") {
			t.Errorf("%s : %d %s", q, res.Status, res.Body)
		}
	}
}

// TestJurySessionsPagePaginated (issue 15, finding 7): the certifier's
// sessions come 50 a page with French navigation; a page past the end
// shows the last page, a page that is not a number is a French 400.
func TestJurySessionsPagePaginated(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	for i := range 60 {
		if _, err := a.s.jury.CreateSession(ctx, audit.System, jury.NewSession{CertificationCode: "RNCP37779",
			StartsAt: time.Now().AddDate(0, 1, i), Place: "Rennes", DossierDeadline: time.Now().AddDate(0, 0, 20)}); err != nil {
			t.Fatal(err)
		}
	}
	total := int(a.id(`SELECT count(*) FROM jury_sessions`))
	last := (total + 49) / 50
	c := a.client()
	c.login(whoEmails[admin])
	row := regexp.MustCompile(`<tr><td><a href="/certificateur/jurys/\d+">`)
	first := c.get("/certificateur/jurys")
	if first.Status != http.StatusOK || len(row.FindAllString(first.Body, -1)) != 50 {
		t.Fatalf("première page : %d, %d lignes", first.Status, len(row.FindAllString(first.Body, -1)))
	}
	if !strings.Contains(first.Body, "Page suivante") || strings.Contains(first.Body, "Page précédente") || !strings.Contains(first.Body, "sur "+itoa(int64(last))) {
		t.Fatal("navigation de la première page")
	}
	lastPage := c.get("/certificateur/jurys?page=" + itoa(int64(last)))
	if n := len(row.FindAllString(lastPage.Body, -1)); n != total-(last-1)*50 || !strings.Contains(lastPage.Body, "Page précédente") || strings.Contains(lastPage.Body, "Page suivante") {
		t.Fatalf("dernière page : %d lignes", n)
	}
	if huge := c.get("/certificateur/jurys?page=999999"); huge.Status != http.StatusOK || len(row.FindAllString(huge.Body, -1)) != total-(last-1)*50 {
		t.Fatalf("page 999999 : %d", huge.Status)
	}
	for _, q := range []string{"0", "abc", "99999999999999999999", "-1"} {
		if res := c.get("/certificateur/jurys?page=" + q); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Numéro de page invalide") {
			t.Errorf("page=%s : %d", q, res.Status)
		}
	}
}

// TestAPIJurySessionsPaginated (issue 15, finding 7): the certifier's
// sessions through the API, a page at a time, deadlines as dates.
func TestAPIJurySessionsPaginated(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	for i := range 5 {
		if _, err := a.s.jury.CreateSession(ctx, audit.System, jury.NewSession{CertificationCode: "RNCP37779",
			StartsAt: time.Now().AddDate(0, 1, i), Place: "Brest", DossierDeadline: time.Now().AddDate(0, 0, 20)}); err != nil {
			t.Fatal(err)
		}
	}
	total := int(a.id(`SELECT count(*) FROM jury_sessions`))
	c := a.client()
	c.login(whoEmails[admin])
	var body struct {
		Sessions []struct {
			ID              int64  `json:"id"`
			DossierDeadline string `json:"dossier_deadline"`
		}
		Pagination struct{ Total, Pages int }
	}
	res := c.get("/api/v1/jury/sessions?per_page=2&page=2")
	if res.Status != http.StatusOK || json.Unmarshal([]byte(res.Body), &body) != nil || len(body.Sessions) != 2 || body.Pagination.Total != total {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	for _, rel := range []string{`page=1&per_page=2>; rel="prev"`, `page=3&per_page=2>; rel="next"`, `rel="first"`, `rel="last"`} {
		if !strings.Contains(res.Header.Get("Link"), rel) {
			t.Errorf("Link sans %s : %q", rel, res.Header.Get("Link"))
		}
	}
	var want string
	if err := a.db.Get(&want, `SELECT to_char(dossier_deadline, 'YYYY-MM-DD') FROM jury_sessions WHERE id = $1`, body.Sessions[0].ID); err != nil {
		t.Fatal(err)
	}
	if body.Sessions[0].DossierDeadline != want {
		t.Errorf("date limite : %q, en base %s", body.Sessions[0].DossierDeadline, want)
	}
	member := a.client()
	member.login(whoEmails[juror])
	if res := member.get("/api/v1/jury/sessions"); res.Status != http.StatusForbidden {
		t.Errorf("juré : %d", res.Status)
	}
}

// TestAPICandidacyDates (issue 15, finding 7): in a candidacy's JSON, the
// admissibility deadline is a calendar date and the history's moments are
// RFC 3339 instants (they were « JJ/MM/AAAA HH:MM » strings).
func TestAPICandidacyDates(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id := a.inProgressCandidacy(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	res := c.get("/api/v1/candidacies/" + itoa(id))
	var body struct {
		AdmissibilityDue string `json:"admissibility_due"`
		History          []struct {
			At string `json:"at"`
		}
	}
	if res.Status != http.StatusOK || json.Unmarshal([]byte(res.Body), &body) != nil {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	var due string
	if err := a.db.Get(&due, `SELECT to_char(admissibility_due, 'YYYY-MM-DD') FROM candidacies WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if body.AdmissibilityDue != due {
		t.Errorf("admissibility_due %q, en base %s", body.AdmissibilityDue, due)
	}
	if len(body.History) < 3 {
		t.Fatalf("historique : %+v", body.History)
	}
	for _, h := range body.History {
		if _, err := time.Parse(time.RFC3339, h.At); err != nil {
			t.Errorf("instant %q : %v", h.At, err)
		}
	}
}
