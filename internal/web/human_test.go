package web

import (
	"fmt"
	"strings"
	"testing"

	"acquis/internal/frsize"
)

// TestCandidacyPageHidesHashes: the candidate's page gives sizes as people
// read them and no hash or internal reference (those are on the receipt).
func TestCandidacyPageHidesHashes(t *testing.T) {
	a := newApp(t)
	cd, doc := a.candidacyWithDocument(whoEmails[cand])
	var d struct {
		Size int64  `db:"size_bytes"`
		Sum  string `db:"sha256"`
	}
	if err := a.db.Get(&d, `SELECT size_bytes, sha256 FROM documents WHERE id = $1`, doc); err != nil {
		t.Fatal(err)
	}
	c := a.client()
	c.login(whoEmails[cand])
	body := c.get(candidacyPath(cd)).Body
	if !strings.Contains(body, frsize.Format(d.Size)) || strings.Contains(body, "SHA-256") || strings.Contains(body, d.Sum[:16]) {
		t.Fatal("la page de candidature montre une empreinte ou une taille brute")
	}
	var version string
	if err := a.db.Get(&version, `SELECT v.content_hash FROM certifications c JOIN certification_versions v ON v.id = c.current_version_id WHERE c.code = 'RNCP37779'`); err != nil {
		t.Fatal(err)
	}
	if ref := c.get("/referentiels/RNCP37779").Body; strings.Contains(ref, version[:12]) {
		t.Fatal("le référentiel montre l'empreinte de sa version")
	}
}

// TestJuryPageHidesHashes: the jury member's list of the candidate's files
// gives sizes and dates as people read them, not a SHA-256 (it is on the
// receipt and in the jury file).
func TestJuryPageHidesHashes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	sid, cid, evaluators, _ := a.scoringSession()
	var d struct {
		Size int64  `db:"size_bytes"`
		Sum  string `db:"sha256"`
	}
	if err := a.db.Get(&d, `SELECT size_bytes, sha256 FROM documents WHERE candidacy_id = $1 AND deliverable_code = 'RNCP37779BC01-D01'`, cid); err != nil {
		t.Fatal(err)
	}
	body := evaluators[0].get(fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid)).Body
	if !strings.Contains(body, frsize.Format(d.Size)) || strings.Contains(body, "SHA-256") || strings.Contains(body, d.Sum[:16]) {
		t.Fatal("la page du juré montre une empreinte ou une taille brute")
	}
}
