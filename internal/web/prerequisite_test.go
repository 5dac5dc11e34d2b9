package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCASPPrerequisiteJourney: the CASP training candidate cannot ask
// admissibility without evidence of experience, uploads it, and the
// certifier declares the candidacy admissible only after verifying it.
func TestCASPPrerequisiteJourney(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cl := a.client()
	cl.login(whoEmails[cand])
	res := cl.post("/candidat/nouvelle", url.Values{"certification": {"RNCP36625"}, "pathway_RNCP36625BC01": {"formation"}, "experience_months": {"24"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("création : %d %s", res.Status, res.Body)
	}
	cd := a.id(`SELECT id FROM candidacies WHERE candidate_id = (SELECT id FROM users WHERE email = $1)`, whoEmails[cand])
	if page := cl.get(candidacyPath(cd)); !strings.Contains(page.Body, "Prérequis à l'entrée en formation") || !strings.Contains(page.Body, "Aucun justificatif fourni") {
		t.Fatal("la page ne demande pas le justificatif")
	}
	res = cl.post(candidacyPath(cd)+"/etat", url.Values{"vers": {"admissibility_submitted"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "joignez le justificatif") {
		t.Fatalf("recevabilité sans justificatif : %d", res.Status)
	}
	if up := cl.upload(fmt.Sprintf("/candidatures/%d/prerequis/experience_professionnelle/justificatif", cd), "certificats.pdf", []byte(testPDF)); up.Status != http.StatusSeeOther {
		t.Fatalf("justificatif : %d %s", up.Status, up.Body)
	}
	if res = cl.post(candidacyPath(cd)+"/etat", url.Values{"vers": {"admissibility_submitted"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("recevabilité demandée : %d", res.Status)
	}
	adm := a.client()
	adm.login(whoEmails[admin])
	decide := fmt.Sprintf("/certificateur/candidatures/%d/etat", cd)
	if res = adm.post(decide, url.Values{"vers": {"admissible"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "vérifiez d") {
		t.Fatalf("recevable sans vérification : %d", res.Status)
	}
	check := fmt.Sprintf("/certificateur/candidatures/%d/prerequis/experience_professionnelle", cd)
	// The months are posted as "months", the name the domain's refusals
	// carry: a word and too few months are both refused beside the field,
	// with the value sent kept in it.
	if res = adm.post(check, url.Values{"months": {"vingt"}, "accepte": {"oui"}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "Indiquez le nombre de mois d&#39;expérience que montrent les justificatifs.") || !strings.Contains(res.Body, `name="months" value="vingt"`) {
		t.Fatalf("mois illisibles : %d %s", res.Status, res.Body)
	}
	if res = adm.post(check, url.Values{"months": {"3"}, "accepte": {"oui"}, "motifs": {"Un employeur, 2025."}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "Les justificatifs montrent 3 mois") || !strings.Contains(res.Body, `name="months" value="3"`) {
		t.Fatalf("trop peu de mois : %d %s", res.Status, res.Body)
	}
	if res = adm.post(check, url.Values{"months": {"20"}, "accepte": {"oui"}, "motifs": {"Deux employeurs, 2023-2024."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("vérification : %d %s", res.Status, res.Body)
	}
	if res = adm.post(decide, url.Values{"vers": {"admissible"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("recevable : %d %s", res.Status, res.Body)
	}
}
