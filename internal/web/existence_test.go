package web

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
)

// TestNoExistenceOracle (issue 13, finding 8): outside one's scope, the id
// of a candidacy, document, jury session or platform that exists and one
// that does not get the same answer, so ids cannot be probed; who may see
// every such record is told it does not exist.
func TestNoExistenceOracle(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd, doc := a.candidacyWithDocument(whoEmails[cand])
	session, jc := a.jurySession("ronan.le.gall@demo.acquis.fr", whoEmails[juror], "sophie.roussel@demo.acquis.fr")
	ghost := a.id(`SELECT max(id) + 1000 FROM candidacies`)
	ghostDoc := a.id(`SELECT max(id) + 1000 FROM documents`)
	ghostSession := a.id(`SELECT max(id) + 1000 FROM jury_sessions`)
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	ghostOrg := a.id(`SELECT max(id) + 1000 FROM organisations`)
	pairs := [][2]string{
		{fmt.Sprintf("/candidatures/%d", cd), fmt.Sprintf("/candidatures/%d", ghost)},
		{fmt.Sprintf("/candidatures/%d/certificat.pdf", cd), fmt.Sprintf("/candidatures/%d/certificat.pdf", ghost)},
		{fmt.Sprintf("/candidatures/%d/autoevaluation", cd), fmt.Sprintf("/candidatures/%d/autoevaluation", ghost)},
		{fmt.Sprintf("/documents/%d", doc), fmt.Sprintf("/documents/%d", ghostDoc)},
		{fmt.Sprintf("/api/v1/candidacies/%d", cd), fmt.Sprintf("/api/v1/candidacies/%d", ghost)},
		{fmt.Sprintf("/jury/sessions/%d/deliberation", session), fmt.Sprintf("/jury/sessions/%d/deliberation", ghostSession)},
		{fmt.Sprintf("/jury/sessions/%d/candidats/%d", session, jc), fmt.Sprintf("/jury/sessions/%d/candidats/%d", session, ghost)},
		{fmt.Sprintf("/plateformes/%d", pA), fmt.Sprintf("/plateformes/%d", ghostOrg)},
		{fmt.Sprintf("/plateformes/%d/effectif.csv", pA), fmt.Sprintf("/plateformes/%d/effectif.csv", ghostOrg)},
		{fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/grid", session, jc), fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/grid", ghostSession, jc)},
	}
	// The request id and the problem document's instance (the path
	// asked) differ by construction; they say nothing about the record.
	volatile := regexp.MustCompile(`réf\. [A-Za-z0-9]+|name="_csrf" value="[^"]+"|"(?:request_id|instance)":"[^"]*"`)
	// Another platform's manager, a juror not on the session, and another
	// candidate (the session's own, who may not read candidate A's file).
	for _, who := range []string{whoEmails[mgrB], whoEmails[juror2], "ronan.le.gall@demo.acquis.fr"} {
		c := a.client()
		c.login(who)
		c.get("/compte") // shows, and so clears, the welcome message
		for _, p := range pairs {
			real, fake := c.get(p[0]), c.get(p[1])
			if real.Status != fake.Status || volatile.ReplaceAllString(real.Body, "") != volatile.ReplaceAllString(fake.Body, "") {
				t.Errorf("%s : %s → %d, %s → %d : la réponse révèle si l'identifiant existe", who, p[0], real.Status, p[1], fake.Status)
			}
			if real.Status != http.StatusForbidden {
				t.Errorf("%s : %s → %d, attendu 403", who, p[0], real.Status)
			}
		}
	}
	// The certifier sees every candidacy: for them, not found is 404.
	c := a.client()
	c.login(whoEmails[admin])
	for _, p := range []string{fmt.Sprintf("/candidatures/%d", ghost), fmt.Sprintf("/documents/%d", ghostDoc), fmt.Sprintf("/certificateur/jurys/%d", ghostSession), fmt.Sprintf("/plateformes/%d", ghostOrg)} {
		if res := c.get(p); res.Status != http.StatusNotFound {
			t.Errorf("certificateur, %s : %d, attendu 404", p, res.Status)
		}
	}
}
