package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"acquis/internal/audit"
	"acquis/internal/demo"
	"acquis/internal/jury"
)

// browser is one person's headless Chromium tab, with its own cookies.
type browser struct {
	t    *testing.T
	ctx  context.Context
	name string
	step int
	base string
}

// chromiumPath finds Debian's chromium (.ci/run installs it).
func chromiumPath(t *testing.T) string {
	for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatal("chromium manque : apt-get install chromium (.ci/run l'installe)")
	return ""
}

// newBrowsers returns a function that starts one headless Chromium per
// person: separate processes, so cookies never mix.
func newBrowsers(t *testing.T) func(name, base string) *browser {
	path := chromiumPath(t)
	return func(name, base string) *browser {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless,
			chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900))
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
		t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
		if err := chromedp.Run(ctx); err != nil {
			t.Fatalf("chromium ne démarre pas : %v", err)
		}
		return &browser{t: t, ctx: ctx, name: name, base: base}
	}
}

// artefacts is where screenshots of failing steps go (git-ignored).
func artefacts() string {
	if d := os.Getenv("ACQUIS_E2E_ARTEFACTS"); d != "" {
		return d
	}
	return filepath.Join("testdata-out", "e2e")
}

// do runs actions; on failure it keeps a screenshot of the page and the
// page's text, then fails the test.
func (b *browser) do(what string, actions ...chromedp.Action) {
	b.t.Helper()
	b.step++
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.fail(what, err)
	}
}

func (b *browser) fail(what string, err error) {
	b.t.Helper()
	dir := artefacts()
	_ = os.MkdirAll(dir, 0o755)
	var png []byte
	var text string
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	_ = chromedp.Run(ctx, chromedp.FullScreenshot(&png, 80), chromedp.Text("body", &text, chromedp.ByQuery))
	file := filepath.Join(dir, fmt.Sprintf("%s-%02d.png", strings.ReplaceAll(b.name, " ", "-"), b.step))
	_ = os.WriteFile(file, png, 0o644)
	b.t.Fatalf("%s, étape %d (%s) : %v\ncapture : %s\ntexte de la page :\n%.2000s", b.name, b.step, what, err, file, text)
}

// open navigates to a path of the app and waits for the page.
func (b *browser) open(path string) {
	b.t.Helper()
	// A page may still be navigating after its own script (the upload
	// reloads itself): such an aborted load is retried.
	for i := 0; ; i++ {
		err := chromedp.Run(b.ctx, chromedp.Navigate(b.base+path), chromedp.WaitReady("body", chromedp.ByQuery))
		if err == nil {
			b.step++
			return
		}
		if i == 4 || !strings.Contains(err.Error(), "ERR_ABORTED") {
			b.fail("ouvrir "+path, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// axeSource is axe-core, vendored from npm (testdata/axe).
var axeSource = func() string {
	b, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// violations runs axe-core (RGAA 4 / WCAG 2.1 A and AA rules) on the
// current page and returns its serious and critical violations as JSON.
func (b *browser) violations(page string) []map[string]any {
	b.t.Helper()
	var out string
	awaited := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	b.do("axe sur "+page,
		chromedp.Evaluate(axeSource, nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
			.then(r => JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
			.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))`, &out, awaited))
	var v []map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		b.fail("résultat d'axe", err)
	}
	return v
}

// accessible fails on any serious or critical axe violation, or a page
// not declared in French.
func (b *browser) accessible(page string) {
	b.t.Helper()
	if v := b.violations(page); len(v) > 0 {
		out, _ := json.Marshal(v)
		b.fail("accessibilité de "+page, fmt.Errorf("%d violation(s) graves : %s", len(v), out))
	}
	var lang string
	b.do("langue", chromedp.Evaluate(`document.documentElement.lang`, &lang))
	if lang != "fr" {
		b.fail("langue de "+page, fmt.Errorf("lang=%q", lang))
	}
}

// loginWithKeyboard signs in using the keyboard only: Tab to the e-mail
// field, type, Tab to the password, type, Enter.
func (b *browser) loginWithKeyboard(email string) {
	b.t.Helper()
	b.open("/login")
	b.accessible("connexion")
	for i := 0; i < 15; i++ {
		var id string
		b.do("tabulation", chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`document.activeElement ? document.activeElement.id : ''`, &id))
		if id == "email" {
			break
		}
		if i == 14 {
			b.fail("connexion au clavier", fmt.Errorf("le champ e-mail n'est pas atteignable par tabulation"))
		}
	}
	var focusVisible string
	b.do("focus visible", chromedp.Evaluate(`(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.boxShadow })()`, &focusVisible))
	if strings.HasPrefix(focusVisible, "none 0px none") {
		b.fail("focus visible", fmt.Errorf("aucun indicateur de focus sur le champ e-mail : %s", focusVisible))
	}
	b.do("saisie au clavier", chromedp.KeyEvent(email), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(demo.Password), chromedp.KeyEvent(kb.Enter))
	var path string
	for i := 0; i < 50; i++ {
		b.do("après connexion", chromedp.Evaluate(`location.pathname`, &path))
		if path != "/login" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.fail("connexion", fmt.Errorf("toujours sur /login"))
}

// keyboardChoose reaches a radio button with Tab alone and selects it with
// Space, as someone without a mouse would.
func (b *browser) keyboardChoose(id string) {
	b.t.Helper()
	for i := 0; i < 40; i++ {
		var at string
		b.do("tabulation vers "+id, chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`document.activeElement ? document.activeElement.id : ''`, &at))
		if at == id {
			b.do("choix de "+id, chromedp.KeyEvent(" "))
			var checked bool
			b.do("vérification de "+id, chromedp.Evaluate(`document.getElementById(`+strconvQuote(id)+`).checked`, &checked))
			if !checked {
				b.fail("clavier", fmt.Errorf("%s atteint mais pas coché par la barre d'espace", id))
			}
			return
		}
	}
	b.fail("clavier", fmt.Errorf("%s n'est pas atteignable par tabulation", id))
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// waitFor polls a condition on the database (what the page's action must
// have written), so the test waits for facts, not for a fixed time.
func (a *app) waitFor(b *browser, what string, cond func() bool) {
	b.t.Helper()
	for i := 0; i < 150; i++ {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.fail(what, fmt.Errorf("condition jamais remplie"))
}

// TestBrowserJourney plays the certification in a real headless Chromium:
// a candidate uploads the rest of their dossier and submits it; two jury
// members declare no conflict and score every criterion; at the
// deliberation the members vote, one bloc splits one against one and the
// presidency's casting vote decides; the chair confirms the outcome and
// signs; the candidate downloads an attestation; the platform manager sees the counsellor certified. axe-core
// checks every page on the way (no serious or critical violation), and the
// login is done with the keyboard alone. A failing step leaves a
// screenshot under testdata-out/e2e.
func TestBrowserJourney(t *testing.T) {
	open := newBrowsers(t)
	a := newApp(t)
	ctx := context.Background()
	candEmail := whoEmails[cand]
	cid := a.inProgressCandidacy(candEmail)
	pdfFile := filepath.Join(t.TempDir(), "dossier-professionnel.pdf")
	if err := os.WriteFile(pdfFile, []byte(testPDF), 0o600); err != nil {
		t.Fatal(err)
	}
	var missing []string
	if err := a.db.Select(&missing, `SELECT d.code FROM deliverables d JOIN blocks b ON b.id = d.block_id JOIN candidacies c ON c.version_id = b.version_id
		WHERE c.id = $1 AND d.upload AND NOT EXISTS (SELECT 1 FROM documents x WHERE x.candidacy_id = c.id AND x.deliverable_code = d.code) ORDER BY b.position, d.position`, cid); err != nil {
		t.Fatal(err)
	}

	// 1. The candidate completes and submits the dossier.
	c := open("candidat", a.srv.URL)
	c.loginWithKeyboard(candEmail)
	page := fmt.Sprintf("/candidatures/%d", cid)
	c.open(page)
	c.accessible("candidature")
	for _, code := range missing {
		before := a.docCount(cid)
		c.do("envoi "+code, chromedp.SetUploadFiles("#file-"+code, []string{pdfFile}, chromedp.ByID),
			chromedp.Click(fmt.Sprintf(`form[action*="/livrables/%s/"] button[type=submit]`, code), chromedp.ByQuery))
		a.waitFor(c, "document "+code+" enregistré", func() bool { return a.docCount(cid) == before+1 })
		c.open(page)
	}
	c.do("dépôt", chromedp.Click(`#attestation`, chromedp.ByQuery), chromedp.Click(`//button[contains(., "Déposer mon dossier pour le jury")]`, chromedp.BySearch))
	a.waitFor(c, "dossier déposé", func() bool {
		return a.id(`SELECT count(*) FROM candidacies WHERE id = $1 AND state = 'dossier_submitted'`, cid) == 1
	})
	c.open(page + "/depots/1")
	c.accessible("accusé de dépôt")

	// 2. The certifier has composed and opened the session.
	chairEmail, memberEmail := "helene.marchand@demo.acquis.fr", "sophie.roussel@demo.acquis.fr"
	chairID, memberID := a.id(`SELECT id FROM users WHERE email = $1`, chairEmail), a.id(`SELECT id FROM users WHERE email = $1`, memberEmail)
	sid := a.plannedSession(cid, chairID, memberID)
	a.openWithQualifiedChair(sid)

	// 3. Both members declare no conflict and score every criterion.
	var crits []string
	if err := a.db.Select(&crits, `SELECT cr.code FROM criteria cr JOIN blocks b ON b.id = cr.block_id JOIN candidacies c ON c.version_id = b.version_id
		JOIN candidacy_blocks cb ON cb.candidacy_id = c.id AND cb.block_code = b.code WHERE c.id = $1 ORDER BY b.position, cr.position`, cid); err != nil {
		t.Fatal(err)
	}
	grid := fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid)
	jurors := map[int64]*browser{}
	for _, m := range []struct {
		email string
		id    int64
	}{{chairEmail, chairID}, {memberEmail, memberID}} {
		j := open("juré "+m.email, a.srv.URL)
		jurors[m.id] = j
		j.loginWithKeyboard(m.email)
		j.open(grid)
		j.do("déclaration", chromedp.Click(`//button[contains(., "Je signe la déclaration")]`, chromedp.BySearch))
		a.waitFor(j, "déclaration signée", func() bool {
			return a.id(`SELECT count(*) FROM jury_evaluators WHERE session_id = $1 AND candidacy_id = $2 AND evaluator_id = $3 AND declared_at IS NOT NULL`, sid, cid, m.id) == 1
		})
		j.open(grid)
		j.accessible("grille d'évaluation")
		for _, code := range crits {
			if m.id == memberID {
				j.keyboardChoose("a-" + code) // the second member scores with the keyboard alone
				continue
			}
			j.do("verdict "+code, chromedp.Click("#a-"+code, chromedp.ByID))
		}
		a.waitFor(j, "grille enregistrée au fil de l'eau", func() bool {
			return a.id(`SELECT count(*) FROM jury_verdicts WHERE session_id = $1 AND candidacy_id = $2 AND evaluator_id = $3`, sid, cid, m.id) == int64(len(crits))
		})
		j.do("remise", chromedp.Click(`//button[contains(., "Remettre ma grille")]`, chromedp.BySearch))
		a.waitFor(j, "grille remise", func() bool {
			return a.id(`SELECT count(*) FROM jury_evaluators WHERE session_id = $1 AND candidacy_id = $2 AND evaluator_id = $3 AND submitted_at IS NOT NULL`, sid, cid, m.id) == 1
		})
	}
	// The session's day comes; the certifier opens the deliberation with
	// both members present.
	a.db.MustExec(`UPDATE jury_sessions SET starts_at = now() - interval '1 hour' WHERE id = $1`, sid)
	if err := a.s.jury.StartDeliberation(ctx, audit.System, sid, jury.Opening{Present: []int64{chairID, memberID}}); err != nil {
		t.Fatal(err)
	}

	// 4. Both members vote on each bloc; on the first, the vote splits
	// one against one and the presidency's casting vote decides. The
	// chair closes each vote, confirms the outcome and signs.
	ch := jurors[chairID]
	delib := fmt.Sprintf("/jury/sessions/%d/deliberation", sid)
	var blocks []string
	if err := a.db.Select(&blocks, `SELECT block_code FROM candidacy_blocks WHERE candidacy_id = $1 ORDER BY position`, cid); err != nil {
		t.Fatal(err)
	}
	for i, bl := range blocks {
		for _, id := range []int64{memberID, chairID} {
			j := jurors[id]
			j.open(delib)
			if i == 0 && id == chairID {
				j.accessible("délibération")
			}
			choice := "v"
			if i == 0 && id == memberID {
				choice = "n"
			}
			j.do("vote "+bl, chromedp.Click(fmt.Sprintf("#v-%d-%s-%s", cid, bl, choice), chromedp.ByID),
				chromedp.Click(fmt.Sprintf(`//form[.//input[@id="v-%d-%s-v"]]//button[@type="submit"]`, cid, bl), chromedp.BySearch))
			a.waitFor(j, "vote "+bl, func() bool {
				return a.id(`SELECT count(*) FROM jury_votes WHERE session_id = $1 AND candidacy_id = $2 AND block_code = $3 AND user_id = $4`, sid, cid, bl, id) == 1
			})
		}
		ch.open(delib)
		ch.do("décision "+bl, chromedp.Click(fmt.Sprintf(`//form[.//textarea[@id="r-%d-%s"]]//button[@type="submit"]`, cid, bl), chromedp.BySearch))
		a.waitFor(ch, "décision "+bl, func() bool {
			return a.id(`SELECT count(*) FROM jury_block_decisions WHERE session_id = $1 AND candidacy_id = $2 AND block_code = $3`, sid, cid, bl) == 1
		})
	}
	if n := a.id(`SELECT count(*) FROM jury_block_decisions WHERE session_id = $1 AND candidacy_id = $2 AND casting_vote AND decision = 'valide'
		AND votes_valide = 1 AND votes_non_valide = 1`, sid, cid); n != 1 {
		t.Fatalf("%d bloc(s) départagé(s) par la voix prépondérante, attendu 1", n)
	}
	ch.open(delib)
	var shown bool
	ch.do("voix prépondérante affichée", chromedp.Evaluate(`document.body.innerText.includes("voix prépondérante de la présidence")`, &shown))
	if !shown {
		t.Error("la page de délibération ne dit pas que la voix prépondérante a départagé")
	}
	ch.do("résultat", chromedp.Click(fmt.Sprintf(`//form[.//textarea[@id="p-%d"]]//button[@type="submit"]`, cid), chromedp.BySearch))
	a.waitFor(ch, "résultat", func() bool {
		return a.id(`SELECT count(*) FROM jury_outcomes WHERE session_id = $1 AND candidacy_id = $2 AND outcome = 'reussite_totale'`, sid, cid) == 1
	})
	ch.open(delib)
	ch.do("signature", chromedp.Click("#confirm", chromedp.ByID), chromedp.Click(`//button[contains(., "Signer le procès-verbal")]`, chromedp.BySearch))
	a.waitFor(ch, "procès-verbal signé", func() bool {
		return a.id(`SELECT count(*) FROM jury_sessions WHERE id = $1 AND status = 'signed'`, sid) == 1
	})

	// 5. The candidate downloads an attestation.
	c.open(page)
	c.accessible("candidature évaluée")
	var got string
	c.do("attestation", chromedp.Evaluate(`(async () => {
		const a = document.querySelector('a[href*="/attestations/"]');
		if (!a) return 'pas de lien';
		const r = await fetch(a.href);
		const b = new Uint8Array(await r.arrayBuffer());
		return r.status + ' ' + r.headers.get('content-type') + ' ' + String.fromCharCode(...b.slice(0, 5));
	})()`, &got, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if got != "200 application/pdf %PDF-" {
		c.fail("attestation", fmt.Errorf("téléchargement : %q", got))
	}

	// 6. The platform manager sees the counsellor certified.
	number := ""
	if err := a.db.Get(&number, `SELECT number FROM certificates WHERE candidacy_id = $1`, cid); err != nil {
		t.Fatal(err)
	}
	if number == "" {
		t.Fatal("pas de certificat après la signature")
	}
	// 7. An employer opens the certificate's verification page, anonymous.
	var vcode string
	if err := a.db.Get(&vcode, `SELECT v.code FROM verification_codes v JOIN certificates c ON c.id = v.certificate_id WHERE c.candidacy_id = $1`, cid); err != nil {
		t.Fatal(err)
	}
	emp := open("employeur", a.srv.URL)
	emp.open("/verifier/" + vcode)
	emp.accessible("page de vérification")
	var vtext string
	emp.do("vérification", chromedp.Text("body", &vtext, chromedp.ByQuery))
	if !strings.Contains(vtext, number) || !strings.Contains(vtext, "Valide") {
		emp.fail("vérification", fmt.Errorf("la page de vérification ne montre pas le certificat %s valide :\n%s", number, vtext))
	}

	mg := open("gestionnaire", a.srv.URL)
	mg.loginWithKeyboard(whoEmails[mgrA])
	mg.open(fmt.Sprintf("/plateformes/%d", a.id(`SELECT organisation_id FROM users WHERE email = $1`, candEmail)))
	mg.accessible("tableau de bord de la plateforme")
	var text string
	mg.do("statut", chromedp.Text("body", &text, chromedp.ByQuery))
	if !strings.Contains(text, number) {
		mg.fail("statut du conseiller", fmt.Errorf("le certificat %s n'apparaît pas sur le tableau de bord", number))
	}
}
