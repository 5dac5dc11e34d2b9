package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pairsScript lists the radio buttons of the page whose label is not on
// the same line as the button (or sticks out of the screen), as a phone
// would show them: the five-level scale and the grid's choice must keep
// each radio with its label.
const pairsScript = `(() => {
  const bad = [];
  for (const r of document.querySelectorAll("input[type=radio]")) {
    const l = (r.id && document.querySelector("label[for='" + r.id + "']")) || r.closest("label");
    if (!l) { bad.push((r.id || r.name) + " sans étiquette"); continue; }
    const a = r.getBoundingClientRect(), b = l.getClientRects()[0];
    if (!b) { continue; }
    if (Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) > 12 || b.right > document.documentElement.clientWidth) {
      bad.push(r.id);
    }
  }
  return bad.join(" ");
})()`

// narrow checks the page at a phone's width: no sideways scroll, every
// radio beside its label, axe-core clean.
func (b *browser) narrow(path string) {
	b.t.Helper()
	var over, pairs string
	b.do("largeur 390", chromedp.EmulateViewport(390, 900))
	b.open(path)
	b.do("débordement "+path, chromedp.Evaluate(overflowScript, &over), chromedp.Evaluate(pairsScript, &pairs))
	if over != "" {
		b.fail("390 px", fmt.Errorf("%s défile de côté : %s", path, over))
	}
	if pairs != "" {
		b.fail("390 px", fmt.Errorf("%s : bouton radio séparé de son étiquette : %s", path, pairs))
	}
	b.accessible(path)
}

// TestNarrowCandidateAndJuryPages opens, at 390 px in Chromium, the
// candidate's dossier (its documents table), the five-level
// self-assessment, the civil status form, and the jury member's grid with
// the documents and the self-assessment: no page scrolls sideways and
// every radio stays with its label. On the grid, the autosave says
// « Enregistré » beside the criterion and the counter « n / N critères »
// follows with the grid's state; the « Enregistrer » buttons, for pages
// without JavaScript, are hidden. The commune of birth is offered from the
// official list as the person types.
func TestNarrowCandidateAndJuryPages(t *testing.T) {
	open := newBrowsers(t)
	a := newApp(t)
	sid, cid, _, crits := a.scoringSession()

	// The candidate of another, editable candidacy.
	mine := a.inProgressCandidacy(whoEmails[cand])
	c := open("candidat", a.srv.URL)
	c.loginWithKeyboard(whoEmails[cand])
	c.narrow(fmt.Sprintf("/candidatures/%d", mine))
	c.narrow(fmt.Sprintf("/candidatures/%d/autoevaluation", mine))
	c.narrow("/compte/etat-civil")
	var options int
	var status string
	c.do("saisie de la commune", chromedp.Evaluate(`document.getElementById("birth_place").value = ""`, nil), chromedp.Click("#birth_place", chromedp.ByID), chromedp.SendKeys("#birth_place", "rennes", chromedp.ByID))
	for i := 0; i < 100 && options == 0; i++ {
		c.do("liste des communes", chromedp.Evaluate(`document.querySelectorAll("#communes-list option[value='Rennes (35238)']").length`, &options),
			chromedp.Evaluate(`document.getElementById("birth_place-status").textContent`, &status))
		if options == 0 {
			chromedp.Run(c.ctx, chromedp.Sleep(100*time.Millisecond))
		}
	}
	if options != 1 || !strings.Contains(status, "communes proposées") {
		c.fail("commune", fmt.Errorf("liste : %d option(s) Rennes, statut %q", options, status))
	}

	// The evaluator (declaration signed by scoringSession).
	j := open("juré", a.srv.URL)
	j.loginWithKeyboard("helene.marchand@demo.acquis.fr")
	grid := fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid)
	j.narrow(grid)
	var docs int
	j.do("documents", chromedp.Evaluate(`document.querySelectorAll("a[href^='/documents/']").length`, &docs))
	if docs == 0 {
		j.fail("documents", fmt.Errorf("aucun document déposé listé"))
	}
	var hidden bool
	j.do("boutons sans JavaScript", chromedp.Evaluate(`[...document.querySelectorAll("button.nojs")].every(b => b.offsetParent === null)`, &hidden))
	if !hidden {
		j.fail("boutons", fmt.Errorf("les boutons « Enregistrer » restent visibles avec JavaScript"))
	}
	for i, code := range crits[:2] {
		j.do("choix "+code, chromedp.Click("#a-"+code, chromedp.ByID))
		want := fmt.Sprintf("Enregistré — %d / %d critères.", i+1, len(crits))
		var said, count, state string
		for k := 0; k < 100 && said != want; k++ {
			j.do("statut "+code, chromedp.Evaluate(`document.getElementById("s-`+code+`").textContent`, &said),
				chromedp.Evaluate(`document.getElementById("grid-count").textContent`, &count),
				chromedp.Evaluate(`document.getElementById("grid-state").textContent`, &state))
			if said != want {
				chromedp.Run(j.ctx, chromedp.Sleep(100*time.Millisecond))
			}
		}
		if said != want || count != fmt.Sprint(i+1) || state != "grille en cours, non remise." {
			j.fail("autosave", fmt.Errorf("statut %q, compteur %q, état %q", said, count, state))
		}
	}
	if n := a.id(`SELECT count(*) FROM jury_verdicts WHERE session_id = $1 AND candidacy_id = $2`, sid, cid); n != 2 {
		t.Fatalf("%d critères enregistrés", n)
	}
}
