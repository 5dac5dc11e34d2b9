package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// postJSON sends a JSON body with the CSRF header, as the autosave does.
func (c *client) postJSON(path string, body any) response {
	c.a.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	return c.do(req)
}

// TestJuryJourney plays a session through the web: declarations, blind
// autosaved scoring, submission, deliberation, signature, and the
// candidate seeing the result.
func TestJuryJourney(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	sid, cid := a.jurySession("ronan.le.gall@demo.acquis.fr", "helene.marchand@demo.acquis.fr", "sophie.roussel@demo.acquis.fr")
	certifier := a.client()
	certifier.login(whoEmails[admin])
	// Opening refused while nobody is qualified; then qualify the chair.
	certifier.get(managePath(sid))
	res := certifier.post(managePath(sid)+"/ouvrir", nil)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "qualifié") {
		t.Fatalf("ouverture sans membre qualifié : %d", res.Status)
	}
	chairID := a.id(`SELECT id FROM users WHERE email = 'helene.marchand@demo.acquis.fr'`)
	certifier.get("/certificateur/vivier")
	if res := certifier.post(fmt.Sprintf("/certificateur/vivier/%d", chairID), url.Values{"gender": {"F"}, "college": {"certifier"}, "qualified": {"RNCP37779"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("profil : %d", res.Status)
	}
	certifier.get(managePath(sid))
	if res := certifier.post(managePath(sid)+"/ouvrir", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("ouverture : %d %s", res.Status, res.Body)
	}

	chair, member := a.client(), a.client()
	chair.login("helene.marchand@demo.acquis.fr")
	member.login("sophie.roussel@demo.acquis.fr")
	page := fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid)
	api := fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d", sid, cid)
	// No grid before the declaration.
	chair.get(page)
	if res := chair.postJSON(api+"/verdicts", map[string]string{"criterion": "RNCP37779BC01-CR01", "verdict": "acquis"}); res.Status != 422 || !strings.Contains(res.Body, "déclaration") {
		t.Fatalf("vote sans déclaration : %d %s", res.Status, res.Body)
	}
	for _, c := range []*client{chair, member} {
		c.get(page)
		if res := c.post(page+"/declaration", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("déclaration : %d", res.Status)
		}
	}
	var grid struct {
		Criteria []struct{ Code string }
		Others   map[string][]struct {
			EvaluatorName string `json:"evaluator_name"`
		}
		Blind bool
	}
	chair.get(page)
	json.Unmarshal([]byte(chair.get(api+"/grid").Body), &grid)
	if len(grid.Criteria) != 17 {
		t.Fatalf("%d critères dans la grille", len(grid.Criteria))
	}
	for _, cr := range grid.Criteria {
		if res := chair.postJSON(api+"/verdicts", map[string]string{"criterion": cr.Code, "verdict": "acquis"}); res.Status != http.StatusOK {
			t.Fatalf("autosave : %d %s", res.Status, res.Body)
		}
	}
	// Blind: the member does not see the chair's verdicts, even through the API.
	member.get(page)
	var mg struct {
		Blind  bool
		Others map[string]any
	}
	json.Unmarshal([]byte(member.get(api+"/grid").Body), &mg)
	if !mg.Blind || len(mg.Others) != 0 {
		t.Fatalf("votes visibles avant remise : %+v", mg)
	}
	if strings.Contains(member.get(page).Body, "Hélène Marchand : acquis") {
		t.Fatal("votes visibles sur la page avant remise")
	}
	// The member scores bloc 3 non acquis through the plain form: the
	// whole grid in one post.
	member.get(page)
	form := url.Values{"focus": {grid.Criteria[0].Code}}
	for _, cr := range grid.Criteria {
		form.Set("verdict-"+cr.Code, "acquis")
		if strings.HasPrefix(cr.Code, "RNCP37779BC03") {
			form.Set("verdict-"+cr.Code, "non_acquis")
			form.Set("comment-"+cr.Code, "<script>alert('x')</script> Partenariats peu décrits.")
		}
	}
	if res := member.post(page+"/verdicts", form); res.Status != http.StatusSeeOther {
		t.Fatalf("formulaire : %d %s", res.Status, res.Body)
	}
	member.get(page)
	if res := member.post(page+"/remettre", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("remise : %d", res.Status)
	}
	json.Unmarshal([]byte(member.get(api+"/grid").Body), &mg)
	if mg.Blind || len(mg.Others) == 0 {
		t.Fatal("après remise, les votes restent masqués")
	}
	chair.get(page)
	chair.post(page+"/remettre", nil)

	chairID2 := a.id(`SELECT id FROM users WHERE email = 'helene.marchand@demo.acquis.fr'`)
	memberID := a.id(`SELECT id FROM users WHERE email = 'sophie.roussel@demo.acquis.fr'`)
	present := url.Values{"present": {fmt.Sprint(chairID2), fmt.Sprint(memberID)}}
	// Not before the session's date.
	certifier.get(managePath(sid))
	if res := certifier.post(managePath(sid)+"/deliberer", present); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "à partir de cette date") {
		t.Fatalf("délibération avant la date de la session : %d", res.Status)
	}
	a.db.MustExec(`UPDATE jury_sessions SET starts_at = now() - interval '1 hour' WHERE id = $1`, sid)
	certifier.get(managePath(sid))
	if res := certifier.post(managePath(sid)+"/deliberer", present); res.Status != http.StatusSeeOther {
		t.Fatalf("délibération : %d %s", res.Status, res.Body)
	}
	// The jury file, with every verdict, opens to the members once the
	// jury deliberates; never to a juror of another session or to the
	// candidate.
	file := page + "/dossier-jury.pdf"
	txt := pdfText(t, member.get(file))
	for _, want := range []string{"Dossier jury", "RNCP37779BC01-CR01", "<script>alert", "Déclarations d'absence de conflit d'intérêts"} {
		if !strings.Contains(txt, want) {
			t.Errorf("dossier jury : %q manque", want)
		}
	}
	outsider := a.client()
	outsider.login(whoEmails[juror2])
	if res := outsider.get(file); res.Status != http.StatusForbidden {
		t.Errorf("dossier jury lu par un juré d'une autre session : %d", res.Status)
	}
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'jury.file.read'`); n != 1 {
		t.Errorf("%d lectures du dossier jury auditées, attendu 1", n)
	}
	delibPath := fmt.Sprintf("/jury/sessions/%d/deliberation", sid)
	delib := chair.get(delibPath)
	if !strings.Contains(delib.Body, "partage égal des grilles") {
		t.Fatal("le partage des grilles sur le bloc 3 n'est pas montré")
	}
	if strings.Contains(delib.Body, "<script>alert") {
		t.Fatal("commentaire non échappé")
	}
	// Each member votes; bloc 3 splits one against one and the
	// presidency's casting vote decides.
	for _, v := range []struct {
		c     *client
		block string
		vote  string
	}{
		{chair, "RNCP37779BC01", "valide"}, {member, "RNCP37779BC01", "valide"},
		{chair, "RNCP37779BC02", "valide"}, {member, "RNCP37779BC02", "valide"},
		{chair, "RNCP37779BC03", "non_valide"}, {member, "RNCP37779BC03", "valide"},
	} {
		v.c.get(delibPath)
		if res := v.c.post(page+"/votes", url.Values{"block": {v.block}, "vote": {v.vote}}); res.Status != http.StatusSeeOther {
			t.Fatalf("vote %s : %d %s", v.block, res.Status, res.Body)
		}
	}
	chair.get(delibPath)
	for _, b := range []string{"RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03"} {
		if res := chair.post(page+"/decisions", url.Values{"block": {b}}); res.Status != http.StatusSeeOther {
			t.Fatalf("décision %s : %d %s", b, res.Status, res.Body)
		}
	}
	delib = chair.get(delibPath)
	if !strings.Contains(delib.Body, "1 voix pour « validé », 1 pour « non validé », partage égal départagé par la voix prépondérante de la présidence") {
		t.Fatal("la voix prépondérante n'est pas montrée")
	}
	// The member cannot close a vote or sign.
	member.get(delibPath)
	if res := member.post(page+"/decisions", url.Values{"block": {"RNCP37779BC03"}}); res.Status != http.StatusForbidden {
		t.Fatalf("décision par un membre : %d", res.Status)
	}
	chair.get(delibPath)
	chair.post(page+"/resultat", url.Values{"preconisations": {"Décrire les partenariats avec les employeurs."}})
	if res := chair.post(fmt.Sprintf("/jury/sessions/%d/signer", sid), url.Values{"confirm": {"oui"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("signature : %d %s", res.Status, res.Body)
	}
	// After signing, the autosave is refused and nothing changes.
	if res := chair.postJSON(api+"/verdicts", map[string]string{"criterion": "RNCP37779BC01-CR01", "verdict": "non_acquis", "comment": "x"}); res.Status < 400 {
		t.Fatalf("vote après signature : %d", res.Status)
	}
	// The candidate sees the decision.
	cand := a.client()
	cand.login("ronan.le.gall@demo.acquis.fr")
	pg := cand.get(candidacyPath(cid))
	for _, want := range []string{"Réussite partielle", "Décrire les partenariats", "Évalué par le jury"} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("page du candidat : %q manque", want)
		}
	}
	// Documents: the candidate gets the attestation of an acquired bloc,
	// no certificate (partial success), no minutes; the chair gets the
	// minutes exactly as stored at signing.
	txt = pdfText(t, cand.get(candidacyPath(cid)+"/attestations/RNCP37779BC01"))
	if !strings.Contains(txt, "Attestation de validation d'un bloc de compétences") || !strings.Contains(txt, "RNCP37779BC01") {
		t.Errorf("attestation : %s", txt)
	}
	if res := cand.get(candidacyPath(cid) + "/attestations/RNCP37779BC03"); res.Status != http.StatusNotFound {
		t.Errorf("attestation d'un bloc non acquis : %d", res.Status)
	}
	if res := cand.get(candidacyPath(cid) + "/certificat.pdf"); res.Status != http.StatusNotFound {
		t.Errorf("certificat sans certification : %d", res.Status)
	}
	pv := fmt.Sprintf("/jury/sessions/%d/proces-verbal/1", sid)
	if res := cand.get(pv); res.Status != http.StatusForbidden {
		t.Errorf("procès-verbal lu par le candidat : %d", res.Status)
	}
	res = chair.get(pv)
	txt = pdfText(t, res)
	var stored string
	if err := a.db.Get(&stored, `SELECT pdf_sha256 FROM jury_minutes WHERE session_id = $1 AND version = 1`, sid); err != nil || stored != sha256Hex(res.Body) {
		t.Errorf("procès-verbal servi ≠ procès-verbal signé (%s, %v)", stored, err)
	}
	for _, want := range []string{"Procès-verbal de délibération du jury", "Réussite partielle", "Présentées au jury 1", "dont réussite partielle 1", "Décrire les partenariats avec les employeurs."} {
		if !strings.Contains(txt, want) {
			t.Errorf("procès-verbal : %q manque", want)
		}
	}
	txt = pdfText(t, cand.get(candidacyPath(cid)+"/depots/1/recepisse.pdf"))
	if !strings.Contains(txt, "Récépissé de dépôt du dossier") {
		t.Errorf("récépissé : %s", txt)
	}
	if !strings.Contains(pg.Body, "/attestations/RNCP37779BC01") || !strings.Contains(pg.Body, "recepisse.pdf") {
		t.Error("liens vers l'attestation et le récépissé absents de la page du candidat")
	}
	home := cand.get("/candidat")
	if !strings.Contains(home.Body, "RNCP37779BC01") || !strings.Contains(home.Body, "décision du jury") {
		t.Error("blocs acquis absents du tableau de bord")
	}
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'jury.verdict'`); n != 34 {
		t.Errorf("%d votes audités, attendu 34", n)
	}
}
