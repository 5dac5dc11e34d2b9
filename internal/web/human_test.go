package web

import (
	"strings"
	"testing"
)

// TestHumanSize: sizes read as people say them.
func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 octet", 812: "812 octets", 1024: "1\u00a0Ko", 18944: "18,5\u00a0Ko",
		2411724: "2,3\u00a0Mo", 157286400: "150\u00a0Mo"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, attendu %q", n, got, want)
		}
	}
}

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
	if !strings.Contains(body, humanSize(d.Size)) || strings.Contains(body, "SHA-256") || strings.Contains(body, d.Sum[:16]) {
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
