package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEquivalentCertificationPages (issue 14 #8): the certifier (admin)
// keeps the list of titles recognised as equivalent, each with its
// decision, audited; a manager can only pick one from that list for
// « titulaire d'une certification équivalente », the roster asks for the
// evidence until it is uploaded, and a manager cannot change the list.
func TestEquivalentCertificationPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	base := fmt.Sprintf("/plateformes/%d", pA)
	adm := a.client()
	adm.login(whoEmails[admin])
	adm.get("/admin/certifications-equivalentes")
	form := url.Values{"title": {"Diplôme d'État d'éducateur spécialisé"}, "decision_ref": {""}, "decided_on": {"2026-03-02"}}
	if res := adm.post("/admin/certifications-equivalentes", form); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="decision_ref-err"`) {
		t.Fatalf("sans référence de décision : %d", res.Status)
	}
	form.Set("decision_ref", "Décision du certificateur n° 2026-03")
	if res := adm.post("/admin/certifications-equivalentes", form); res.Status != http.StatusSeeOther {
		t.Fatalf("ajout : %d %s", res.Status, res.Body)
	}
	list := adm.get("/admin/certifications-equivalentes")
	if !strings.Contains(list.Body, "<th scope=\"row\">Diplôme d&#39;État d&#39;éducateur spécialisé</th><td>Décision du certificateur n° 2026-03</td><td>02/03/2026</td>") {
		t.Errorf("liste : l'ajout n'y figure pas")
	}
	dees := a.id(`SELECT id FROM equivalent_certifications WHERE title = 'Diplôme d''État d''éducateur spécialisé'`)
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'equivalence.listed' AND entity_id = $1`, fmt.Sprint(dees)); n != 1 {
		t.Errorf("%d audits de l'ajout", n)
	}
	mgr := a.client()
	mgr.login(whoEmails[mgrA])
	if res := mgr.post("/admin/certifications-equivalentes", url.Values{"title": {"Mon diplôme"}, "decision_ref": {"x"}, "decided_on": {"2026-01-01"}}); res.Status != http.StatusForbidden {
		t.Errorf("un gestionnaire modifie la liste : %d", res.Status)
	}
	// The form offers the list; a status without a choice is refused.
	page := mgr.get(base + "/personnel/nouveau")
	if !strings.Contains(page.Body, fmt.Sprintf(`<option value="%d">Diplôme d&#39;État d&#39;éducateur spécialisé (Décision du certificateur n° 2026-03)</option>`, dees)) ||
		strings.Contains(page.Body, `name="equivalent_name"`) {
		t.Fatal("le formulaire ne propose pas la liste du certificateur, ou garde un texte libre")
	}
	person := url.Values{"full_name": {"Ronan Le Gall"}, "function": {"conseiller"}, "fte": {"1"}, "hired_on": {"2019-09-01"}, "status": {"equivalent"}, "status_on": {"2015-06-30"},
		"equivalent_name": {"Texte libre"}}
	if res := mgr.post(base+"/personnel", person); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="equivalent_id-err"`) {
		t.Fatalf("équivalent sans choix : %d", res.Status)
	}
	person.Set("equivalent_id", fmt.Sprint(dees))
	if res := mgr.post(base+"/personnel", person); res.Status != http.StatusSeeOther {
		t.Fatalf("équivalent choisi : %d %s", res.Status, res.Body)
	}
	id := a.id(`SELECT id FROM staff WHERE full_name = 'Ronan Le Gall' AND equivalent_id = $1 AND equivalent_name = 'Diplôme d''État d''éducateur spécialisé'`, dees)
	if p := mgr.get(base); !strings.Contains(p.Body, "Titulaire d&#39;une certification équivalente (30/06/2015) : Diplôme d&#39;État d&#39;éducateur spécialisé <span class=\"badge\">justificatif à joindre</span>") {
		t.Error("effectif : le justificatif manquant n'est pas signalé")
	}
	mgr.get(fmt.Sprintf("%s/personnel/%d", base, id))
	ev := fmt.Sprintf("%s/personnel/%d/justificatif?_csrf=%s", base, id, url.QueryEscape(mgr.csrf))
	if res := mgr.postFile(ev, "file", "diplome-es.pdf", []byte(testPDF), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("justificatif : %d", res.Status)
	}
	if p := mgr.get(base); strings.Contains(p.Body, "Diplôme d&#39;État d&#39;éducateur spécialisé <span class=\"badge\">justificatif à joindre</span>") {
		t.Error("effectif : justificatif joint mais encore demandé")
	}
}
