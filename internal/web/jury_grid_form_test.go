package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestJuryGridFormKeepsEveryChoice: without JavaScript the grid is one
// form; two criteria chosen then one « Enregistrer » keeps both, in one
// transaction with an audit row each; an unchanged post writes nothing; a
// refused post changes nothing and comes back with every value chosen.
// The counter « n / N critères » and the grid's state follow.
func TestJuryGridFormKeepsEveryChoice(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	sid, cid, evaluators, crits := a.scoringSession()
	ev := evaluators[0]
	evID := a.id(`SELECT id FROM users WHERE email = 'helene.marchand@demo.acquis.fr'`)
	page := fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid)
	counter := func(n int) string {
		return fmt.Sprintf(`<strong><span id="grid-count">%d</span> / %d critères</strong>`, n, len(crits))
	}
	verdicts := func() int64 {
		return a.id(`SELECT count(*) FROM jury_verdicts WHERE session_id = $1 AND candidacy_id = $2 AND evaluator_id = $3`, sid, cid, evID)
	}
	audited := func() int64 {
		return a.id(`SELECT count(*) FROM audit_log WHERE action = 'jury.verdict' AND entity_id = $1 AND actor_id = $2`, fmt.Sprint(cid), evID)
	}
	body := ev.get(page).Body
	if !strings.Contains(body, counter(0)) || !strings.Contains(body, "grille en cours, non remise.") {
		t.Fatalf("compteur initial absent")
	}
	if !strings.Contains(body, `class="secondary nojs"`) || strings.Count(body, `id="grid"`) != 1 {
		t.Fatal("la grille n'est pas un seul formulaire avec ses boutons sans JavaScript")
	}
	form := url.Values{"focus": {crits[1]}, "verdict-" + crits[0]: {"acquis"}, "verdict-" + crits[1]: {"non_acquis"}, "comment-" + crits[1]: {"Exemples trop généraux."}}
	if res := ev.post(page+"/verdicts", form); res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "#c-"+crits[1]) {
		t.Fatalf("enregistrement sans JavaScript : %d %s", res.Status, res.Header.Get("Location"))
	}
	if n := verdicts(); n != 2 {
		t.Fatalf("%d critères enregistrés, attendu les deux choisis", n)
	}
	if n := audited(); n != 2 {
		t.Fatalf("%d lignes de journal, attendu 2", n)
	}
	body = ev.get(page).Body
	if !strings.Contains(body, counter(2)) {
		t.Fatal("le compteur ne suit pas")
	}
	// The same post again: nothing changes, nothing is logged.
	if res := ev.post(page+"/verdicts", form); res.Status != http.StatusSeeOther {
		t.Fatalf("renvoi : %d", res.Status)
	}
	if n := audited(); n != 2 {
		t.Fatalf("un renvoi identique a écrit %d lignes", n-2)
	}
	// A refused criterion refuses the post: nothing saved, everything kept.
	bad := url.Values{"verdict-" + crits[0]: {"acquis"}, "verdict-" + crits[1]: {"non_acquis"}, "comment-" + crits[1]: {"Exemples trop généraux."},
		"verdict-" + crits[2]: {"acquis"}, "verdict-" + crits[3]: {"non_acquis"}}
	res := ev.post(page+"/verdicts", bad)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "commentaire est obligatoire") {
		t.Fatalf("critère non acquis sans commentaire : %d", res.Status)
	}
	if n := verdicts(); n != 2 {
		t.Fatalf("un envoi refusé a enregistré %d critères", n-2)
	}
	validHTML(t, map[string]string{"grille revenue avec son erreur": res.Body, "grille": body})
	for _, want := range []string{`id="a-` + crits[2] + `" name="verdict-` + crits[2] + `" value="acquis" checked`, `id="n-` + crits[3] + `" name="verdict-` + crits[3] + `" value="non_acquis" checked`} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("choix perdu au retour de l'erreur : %s", want)
		}
	}
	// Every criterion, one post: the grid is complete.
	all := url.Values{}
	for _, cr := range crits {
		all.Set("verdict-"+cr, "acquis")
	}
	if res := ev.post(page+"/verdicts", all); res.Status != http.StatusSeeOther {
		t.Fatalf("grille entière : %d", res.Status)
	}
	if body := ev.get(page).Body; !strings.Contains(body, counter(len(crits))) || !strings.Contains(body, "grille complète, à remettre.") {
		t.Fatal("grille complète non signalée")
	}
	// A member who does not evaluate the candidacy writes nothing.
	other := a.client()
	other.login("bernard.faure@demo.acquis.fr")
	if res := other.post(page+"/verdicts", all); res.Status < 400 {
		t.Fatalf("un non-évaluateur enregistre : %d", res.Status)
	}
}

// TestJuryDocumentsAreTheDeposited: the jury's page lists, and lets an
// evaluator open, only the versions on the deposit receipt; a version
// uploaded after the deposit (the dossier reopened) is neither listed nor
// opened.
func TestJuryDocumentsAreTheDeposited(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	sid, cid, evaluators, _ := a.scoringSession()
	ev := evaluators[0]
	deposited := a.id(`SELECT id FROM documents WHERE candidacy_id = $1 AND deliverable_code = 'RNCP37779BC01-D01'`, cid)
	later := a.id(`INSERT INTO documents (candidacy_id, block_code, deliverable_code, version, file_name, sha256, size_bytes, kind, mime, uploaded_by)
		SELECT candidacy_id, block_code, deliverable_code, 2, 'version-apres-depot.pdf', sha256, size_bytes, kind, mime, uploaded_by FROM documents WHERE id = $1 RETURNING id`, deposited)
	body := ev.get(fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid)).Body
	if strings.Contains(body, "version-apres-depot.pdf") || !strings.Contains(body, fmt.Sprintf(`href="/documents/%d"`, deposited)) {
		t.Fatal("le jury voit une version postérieure au dépôt, ou pas la version déposée")
	}
	if res := ev.get(fmt.Sprintf("/documents/%d", deposited)); res.Status != http.StatusOK {
		t.Fatalf("version déposée : %d", res.Status)
	}
	if res := ev.get(fmt.Sprintf("/documents/%d", later)); res.Status != http.StatusForbidden {
		t.Fatalf("version postérieure au dépôt ouverte au juré : %d", res.Status)
	}
}
