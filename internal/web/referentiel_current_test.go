package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"acquis/internal/audit"
	"acquis/internal/referentiel"
	"acquis/referentiels"
)

// TestReferentielPublishedSeenAtOnce (issue 22 #3): which version of a
// certification is current is kept in memory, under the référentiels'
// generation, with no query per request; a version installed through
// one server shows at once, on that server and on another sharing the
// database, to a signed-in visitor (who learns the generation with the
// session) and to an anonymous one (who reads it), on the page, the list
// and the API.
func TestReferentielPublishedSeenAtOnce(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	other := instances(t, a, 2)()
	member := a.client()
	member.login(whoEmails[juror])
	anon := a.client()
	const revised = "Conseiller en emploi accompagné (révisé)"
	at := func(c *client, base, path string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		res := c.do(req)
		if res.Status != http.StatusOK {
			t.Fatalf("%s%s: %d", base, path, res.Status)
		}
		return res.Body
	}
	paths := []string{"/referentiels/RNCP37779", "/referentiels", "/api/v1/certifications", "/api/v1/certifications/RNCP37779", "/"}
	for _, c := range []*client{member, anon} {
		for _, base := range []string{a.srv.URL, other} {
			for _, p := range paths {
				if strings.Contains(at(c, base, p), revised) {
					t.Fatalf("%s: revised before it was installed", p)
				}
			}
		}
	}
	if a.s.refIndexes.Len() == 0 {
		t.Fatal("the current versions are not kept after a request")
	}
	data, err := referentiels.FS.ReadFile("rncp37779.yaml")
	a.must(err)
	cert, err := referentiel.Parse("rncp37779.yaml", []byte(strings.Replace(string(data), "title: Conseiller en emploi accompagné", "title: "+revised, 1)))
	a.must(err)
	res, err := a.s.refs.Install(context.Background(), cert, audit.System, "rncp37779.yaml")
	a.must(err)
	for _, c := range []*client{member, anon} {
		for _, base := range []string{other, a.srv.URL} {
			for _, p := range paths {
				if !strings.Contains(at(c, base, p), revised) {
					t.Errorf("%s%s: the version installed is not shown at once", base, p)
				}
			}
		}
	}
	var api struct {
		VersionID int64 `json:"version_id"`
	}
	a.must(json.Unmarshal([]byte(at(anon, other, "/api/v1/certifications/RNCP37779")), &api))
	if api.VersionID != res.VersionID {
		t.Errorf("API: version %d, installed %d", api.VersionID, res.VersionID)
	}
	for _, p := range []string{"/referentiels/NOPE", "/api/v1/certifications/NOPE"} {
		if res := anon.get(p); res.Status != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.Status)
		}
	}
}
