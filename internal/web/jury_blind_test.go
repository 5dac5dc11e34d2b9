package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"acquis/internal/audit"
)

// TestJuryBlindOnEverySurface: a member whose grid is not in sees no
// other verdict, tally or proposal on the deliberation page (finding 7);
// the grid API answers a non-evaluator's true state (finding 9); a member
// who is not an evaluator sees neither the documents nor the
// self-assessment until declared (finding 10); an evaluator whose grid is
// left out at the opening of the deliberation is told why and gets no
// jury file (findings 7 and 8).
func TestJuryBlindOnEverySurface(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	sid, cid := a.jurySession("ronan.le.gall@demo.acquis.fr", "helene.marchand@demo.acquis.fr", "sophie.roussel@demo.acquis.fr")
	thirdEmail := "bernard.faure@demo.acquis.fr"
	third := a.id(`SELECT id FROM users WHERE email = $1`, thirdEmail)
	if err := a.s.jury.AddMember(context.Background(), audit.System, sid, third, false); err != nil {
		t.Fatal(err)
	}
	a.openWithQualifiedChair(sid)
	chair, member, other := a.client(), a.client(), a.client()
	chair.login("helene.marchand@demo.acquis.fr")
	member.login("sophie.roussel@demo.acquis.fr")
	other.login(thirdEmail)
	page := fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid)
	api := fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d", sid, cid)
	delib := fmt.Sprintf("/jury/sessions/%d/deliberation", sid)
	var crits []string
	if err := a.db.Select(&crits, `SELECT cr.code FROM criteria cr JOIN blocks b ON b.id = cr.block_id JOIN candidacy_blocks cb ON cb.block_code = b.code
		JOIN candidacies c ON c.id = cb.candidacy_id AND c.version_id = b.version_id WHERE c.id = $1 ORDER BY b.position, cr.position`, cid); err != nil {
		t.Fatal(err)
	}

	// The chair hands in a full grid; the member leaves a draft.
	chair.get(page)
	chair.post(page+"/declaration", nil)
	for _, cr := range crits {
		if res := chair.postJSON(api+"/verdicts", map[string]string{"criterion": cr, "verdict": "acquis"}); res.Status != http.StatusOK {
			t.Fatalf("autosave : %d %s", res.Status, res.Body)
		}
	}
	chair.get(page)
	if res := chair.post(page+"/remettre", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("remise : %d %s", res.Status, res.Body)
	}
	member.get(page)
	member.post(page+"/declaration", nil)
	member.postJSON(api+"/verdicts", map[string]string{"criterion": crits[0], "verdict": "non_acquis", "comment": "Brouillon de Sophie."})

	// Finding 7: the member's grid is not in — no proposal, no tally.
	body := member.get(delib).Body
	for _, leak := range []string{"Proposition des évaluateurs", "évaluateur(s) sur", "grille(s) sur", "Hélène Marchand : acquis"} {
		if strings.Contains(body, leak) {
			t.Errorf("page de délibération, grille non remise : %q affiché", leak)
		}
	}

	// Finding 9: the true state of a member who evaluates nothing here.
	var g map[string]any
	if err := json.Unmarshal([]byte(other.get(api+"/grid").Body), &g); err != nil {
		t.Fatal(err)
	}
	if g["evaluator"] != false || g["declared"] != false || g["submitted"] != false || g["blind"] != true || len(g["others"].(map[string]any)) != 0 {
		t.Fatalf("grille d'un membre non évaluateur : %v", g)
	}

	// Finding 10: nothing of the candidate before the declaration.
	doc := a.id(`SELECT min(id) FROM documents WHERE candidacy_id = $1`, cid)
	pg := other.get(page).Body
	if strings.Contains(pg, "Documents du dossier") || strings.Contains(pg, fmt.Sprintf("/documents/%d", doc)) || strings.Contains(pg, "Auto-évaluation du candidat") {
		t.Fatal("documents ou auto-évaluation montrés avant la déclaration")
	}
	if res := other.get(fmt.Sprintf("/documents/%d", doc)); res.Status != http.StatusForbidden {
		t.Fatalf("document lu avant la déclaration : %d", res.Status)
	}
	other.get(page)
	if res := other.post(page+"/declaration", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("déclaration d'un membre non évaluateur : %d %s", res.Status, res.Body)
	}
	if pg := other.get(page).Body; !strings.Contains(pg, fmt.Sprintf("/documents/%d", doc)) {
		t.Fatal("documents absents après la déclaration")
	}
	if res := other.get(fmt.Sprintf("/documents/%d", doc)); res.Status != http.StatusOK {
		t.Fatalf("document après la déclaration : %d", res.Status)
	}
	json.Unmarshal([]byte(other.get(api+"/grid").Body), &g)
	if g["evaluator"] != false || g["declared"] != true || g["submitted"] != false || g["blind"] != true {
		t.Fatalf("grille d'un membre non évaluateur déclaré : %v", g)
	}

	// Finding 8: the opening lists the unfinished grid and needs it
	// confirmed, with a reason.
	a.db.MustExec(`UPDATE jury_sessions SET starts_at = now() - interval '1 hour' WHERE id = $1`, sid)
	certifier := a.client()
	certifier.login(whoEmails[admin])
	manage := certifier.get(managePath(sid)).Body
	memberID := a.id(`SELECT id FROM users WHERE email = 'sophie.roussel@demo.acquis.fr'`)
	chairID := a.id(`SELECT id FROM users WHERE email = 'helene.marchand@demo.acquis.fr'`)
	if !strings.Contains(manage, "Laisser de côté la grille de Sophie Roussel") {
		t.Fatal("la grille non remise n'est pas listée à l'ouverture de la délibération")
	}
	present := []string{fmt.Sprint(chairID), fmt.Sprint(memberID), fmt.Sprint(third)}
	res := certifier.post(managePath(sid)+"/deliberer", url.Values{"present": present})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Sophie Roussel pour") {
		t.Fatalf("ouverture sans confirmer la grille non remise : %d", res.Status)
	}
	reason := "Grille inachevée à l'heure de la délibération."
	res = certifier.post(managePath(sid)+"/deliberer", url.Values{"present": present, "left_out": {fmt.Sprintf("%d:%d", cid, memberID)}, "reason": {reason}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("ouverture : %d %s", res.Status, res.Body)
	}
	// The member left out is told why, sees nothing and gets no file.
	if pg := member.get(page).Body; !strings.Contains(pg, "laissée de côté (motif : "+html.EscapeString(reason)) {
		t.Error("l'évaluateur laissé de côté ne lit pas pourquoi")
	}
	json.Unmarshal([]byte(member.get(api+"/grid").Body), &g)
	if g["blind"] != true || len(g["others"].(map[string]any)) != 0 || g["left_out"] != reason {
		t.Fatalf("grille de l'évaluateur laissé de côté : %v", g)
	}
	if body := member.get(delib).Body; strings.Contains(body, "Proposition des évaluateurs") || strings.Contains(body, "dossier-jury.pdf") {
		t.Error("page de délibération de l'évaluateur laissé de côté : proposition ou dossier jury montrés")
	}
	if res := member.get(page + "/dossier-jury.pdf"); res.Status != http.StatusForbidden {
		t.Errorf("dossier jury lu par l'évaluateur laissé de côté : %d", res.Status)
	}
	if res := other.get(page + "/dossier-jury.pdf"); res.Status != http.StatusOK {
		t.Errorf("dossier jury du membre déclaré : %d", res.Status)
	}
	// The draft counts nowhere: the others see the chair's grid only.
	if body := other.get(delib).Body; !strings.Contains(body, "1 grille(s) sur 1") || strings.Contains(body, "Brouillon de Sophie") {
		t.Error("le brouillon compte dans la proposition ou est montré")
	}
}
