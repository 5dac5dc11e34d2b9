package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAccountListsMailsSent: the certifier's decision, made through the
// page, queues the candidate's e-mail in the same transaction; the
// candidate finds it, with the link to act, under « Courriels reçus » in
// their account, and another person does not.
func TestAccountListsMailsSent(t *testing.T) {
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	me := a.client()
	me.login(whoEmails[cand])
	res := me.post("/candidatures/"+itoa(cd)+"/etat", url.Values{"vers": {"admissibility_submitted"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("demande de recevabilité : %d", res.Status)
	}
	admin := a.client()
	admin.login("admin@demo.acquis.fr")
	admin.get("/candidatures/" + itoa(cd))
	res = admin.post("/certificateur/candidatures/"+itoa(cd)+"/etat", url.Values{"vers": {"incomplete"}, "motifs": {"Il manque le certificat de travail."}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("décision : %d %s", res.Status, res.Body)
	}
	if n := a.id(`SELECT count(*) FROM outbox WHERE user_id = (SELECT candidate_id FROM candidacies WHERE id = $1) AND html_body LIKE '%<html lang="fr">%'`, cd); n != 2 {
		t.Fatalf("%d courriels au candidat", n)
	}
	page := html.UnescapeString(me.get("/compte").Body)
	for _, want := range []string{"Courriels reçus", "Candidature reçue", "Votre demande de recevabilité est incomplète", "Il manque le certificat de travail.",
		"http://acquis.test/candidatures/" + itoa(cd)} {
		if !strings.Contains(page, want) {
			t.Fatalf("compte du candidat sans « %s »", want)
		}
	}
	other := a.client()
	other.login(whoEmails[mgrB])
	if p := html.UnescapeString(other.get("/compte").Body); strings.Contains(p, "Il manque le certificat de travail.") {
		t.Fatal("le courriel d'un autre est listé")
	}
}
