package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"acquis/internal/audit"
	"acquis/internal/demo"
	"acquis/internal/portfolio"
)

// TestBrowserSharedMemoireAndResult plays issue 18 #5–7 in a real headless
// Chromium: the certifier offers a template for the CASP mémoire from the
// référentiel's page; the candidate reads each deliverable's guidance from
// the référentiel, sees the template, sends the mémoire once from bloc 1
// and finds it on bloc 2 as well, deposits, and the receipt lists it once
// with both blocs; a candidate with a partial success reads the decision
// per bloc with the jury's reasons, the préconisations, what a partial
// success means, what comes next and how to appeal. axe-core checks each
// page, none scrolls sideways at 390 px, and the Nu HTML Checker validates
// them when it is installed.
func TestBrowserSharedMemoireAndResult(t *testing.T) {
	open := newBrowsers(t)
	a := newApp(t)
	ctx := context.Background()
	if err := demo.Journeys(ctx, a.db, a.s.blobs); err != nil {
		t.Fatal(err)
	}
	candEmail := whoEmails[cand]
	uid := a.id(`SELECT id FROM users WHERE email = $1`, candEmail)
	me := audit.Actor{UserID: uid, Role: "candidate"}
	cid, err := a.s.portfolio.Create(ctx, me, portfolio.NewCandidacy{CandidateID: uid, CertificationCode: "RNCP36625",
		OrganisationID: a.id(`SELECT organisation_id FROM users WHERE id = $1`, uid),
		Pathways:       map[string]portfolio.Pathway{"RNCP36625BC01": portfolio.VAE, "RNCP36625BC02": portfolio.VAE}, ExperienceMonths: 40})
	if err != nil {
		t.Fatal(err)
	}
	a.toDossier(ctx, me, cid)
	dir := t.TempDir()
	write := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(testPDF), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pages := map[string]string{} // what → HTML, for the Nu HTML Checker
	// narrow checks the page at a phone's width and keeps the HTML the
	// server sends for it to the same person.
	narrow := func(b *browser, what, email, path string) {
		t.Helper()
		var out string
		b.do("largeur 390 px", chromedp.EmulateViewport(390, 900), chromedp.Reload(), chromedp.WaitReady("body", chromedp.ByQuery),
			chromedp.Evaluate(overflowScript, &out), chromedp.EmulateViewport(1280, 900))
		if out != "" {
			t.Errorf("%s défile de côté à 390 px : %s", what, out)
		}
		h := a.client()
		h.login(email)
		pages[what] = h.get(path).Body
	}

	// 1. The certifier offers a template for bloc 1's mémoire.
	adm := open("certificateur-modele", a.srv.URL)
	adm.loginWithKeyboard(whoEmails[admin])
	adm.open("/referentiels/RNCP36625")
	adm.accessible("référentiel (certificateur)")
	adm.do("envoi du modèle", chromedp.SetUploadFiles("#tpl-file-RNCP36625BC01-D01", []string{write("modele-memoire.pdf")}, chromedp.ByID),
		chromedp.Click(`form[action*="/livrables/RNCP36625BC01-D01/modele"] button[type=submit]`, chromedp.ByQuery))
	a.waitFor(adm, "modèle enregistré", func() bool { return a.id(`SELECT count(*) FROM deliverable_templates`) == 1 })
	adm.open("/referentiels/RNCP36625")
	var tpl string
	adm.do("modèle proposé", chromedp.Text("#tpl-RNCP36625BC01-D01", &tpl, chromedp.ByID))
	if !strings.Contains(tpl, "Modèle proposé aux candidats : modele-memoire.pdf") || !strings.Contains(tpl, "Fichier commun aux blocs RNCP36625BC01, RNCP36625BC02") {
		t.Fatalf("référentiel du certificateur : %s", tpl)
	}
	adm.accessible("référentiel avec modèle")
	narrow(adm, "référentiel (certificateur)", whoEmails[admin], "/referentiels/RNCP36625")

	// 2. The candidate: guidance, template, one mémoire for blocs 1 and 2.
	c := open("candidat-memoire", a.srv.URL)
	c.loginWithKeyboard(candEmail)
	page := fmt.Sprintf("/candidatures/%d", cid)
	c.open(page)
	c.accessible("candidature CASP")
	var d1, d2 string
	c.do("livrables", chromedp.Text("#RNCP36625BC01-D01", &d1, chromedp.ByID), chromedp.Text("#RNCP36625BC02-D01", &d2, chromedp.ByID))
	// Guidance quoted from seed 003: length and each bloc's own contents.
	for _, want := range []string{"Longueur : 30 pages.", "une contextualisation de la problématique choisie", "pratique professionnelle d'accompagnement de publics", "Modèle proposé par le certificateur : modele-memoire.pdf", "Un seul fichier pour ce bloc et le bloc RNCP36625BC02"} {
		if !strings.Contains(d1, want) {
			t.Fatalf("bloc 1, « %s » manque :\n%s", want, d1)
		}
	}
	if !strings.Contains(d2, "l'analyse des caractéristiques du public accompagné") || !strings.Contains(d2, "le premier bloc") {
		t.Fatalf("bloc 2 :\n%s", d2)
	}
	var forms int
	c.do("un seul envoi", chromedp.Evaluate(`document.querySelectorAll('#file-RNCP36625BC02-D01').length`, &forms))
	if forms != 0 {
		t.Fatal("le bloc 2 propose un second envoi du mémoire commun")
	}
	c.do("envoi du mémoire", chromedp.SetUploadFiles("#file-RNCP36625BC01-D01", []string{write("memoire-casp.pdf")}, chromedp.ByID),
		chromedp.Click(`form[action*="/livrables/RNCP36625BC01-D01/documents"] button[type=submit]`, chromedp.ByQuery))
	a.waitFor(c, "mémoire enregistré", func() bool { return a.docCount(cid) == 1 })
	if n := a.id(`SELECT count(*) FROM documents WHERE candidacy_id = $1 AND deliverable_code = 'RNCP36625-MEMOIRE'`, cid); n != 1 {
		t.Fatalf("%d mémoire(s) commun(s) enregistré(s)", n)
	}
	c.open(page)
	c.do("livrables après envoi", chromedp.Text("#RNCP36625BC01-D01", &d1, chromedp.ByID), chromedp.Text("#RNCP36625BC02-D01", &d2, chromedp.ByID))
	if !strings.Contains(d1, "Version en cours : memoire-casp.pdf") || !strings.Contains(d2, "Version en cours : memoire-casp.pdf") {
		t.Fatalf("le mémoire n'apparaît pas déposé sur les deux blocs :\n%s\n---\n%s", d1, d2)
	}
	c.accessible("candidature CASP, mémoire envoyé")
	narrow(c, "candidature CASP", candEmail, page)
	c.do("dépôt", chromedp.Click(`#attestation`, chromedp.ByQuery), chromedp.Click(`//button[contains(., "Déposer mon dossier pour le jury")]`, chromedp.BySearch))
	a.waitFor(c, "dossier déposé", func() bool {
		return a.id(`SELECT count(*) FROM candidacies WHERE id = $1 AND state = 'dossier_submitted'`, cid) == 1
	})
	c.open(page + "/depots/1")
	var receipt string
	c.do("accusé de dépôt", chromedp.Text("table", &receipt, chromedp.ByQuery))
	if strings.Count(receipt, "memoire-casp.pdf") != 1 || !strings.Contains(receipt, "RNCP36625BC01, RNCP36625BC02") {
		t.Fatalf("l'accusé de dépôt doit lister le mémoire une fois, avec ses deux blocs :\n%s", receipt)
	}
	c.accessible("accusé de dépôt")

	// 3. A partial success read by the candidate (the demo's signed session).
	const partial = "soizic.tanguy@demo.acquis.fr"
	pcid := a.id(`SELECT c.id FROM candidacies c JOIN users u ON u.id = c.candidate_id WHERE u.email = $1 AND c.certification_code = 'RNCP37779'`, partial)
	p := open("candidate-resultat", a.srv.URL)
	p.loginWithKeyboard(partial)
	p.open(fmt.Sprintf("/candidatures/%d", pcid))
	var result string
	p.do("résultat", chromedp.Text("section.result", &result, chromedp.ByQuery))
	for _, want := range []string{
		"Résultat : Réussite partielle",
		"RNCP37779BC01", "RNCP37779BC03",
		"non validé",
		"Motifs du jury : Le dossier décrit l'accompagnement de la personne mais pas celui des collectifs de travail",
		"Préconisations du jury",
		"Approfondir l'accompagnement des communautés de travail",
		portfolio.AcquiredForLife,
		"il vous reste à valider",
		"Prochaines étapes",
		"Contester la décision",
		portfolio.AppealRoute,
	} {
		if !strings.Contains(result, want) {
			t.Fatalf("le résultat ne dit pas « %s » :\n%s", want, result)
		}
	}
	p.accessible("résultat partiel")
	narrow(p, "résultat partiel", partial, fmt.Sprintf("/candidatures/%d", pcid))

	// 4. The Nu HTML Checker on the pages this test reached (rendered by
	// the server, as TestPagesValidate sends them), when installed.
	jar, err := filepath.Abs("../../var/tools/node_modules/vnu-jar/build/dist/vnu.jar")
	if v := os.Getenv("ACQUIS_VNU_JAR"); v != "" {
		jar = v
	}
	if _, statErr := os.Stat(jar); err != nil || statErr != nil {
		t.Log("Nu HTML Checker absent : pages non validées ici (TestPagesValidate l'exige)")
		return
	}
	vnuCheck(t, jar, pages)
}

// vnuCheck has the Nu HTML Checker validate each page (what → HTML) and
// fails on any error.
func vnuCheck(t *testing.T, jar string, pages map[string]string) {
	t.Helper()
	dir := t.TempDir()
	args := []string{"-jar", jar, "--errors-only"}
	i := 0
	for what, html := range pages {
		// The file is named after the page, so the report says which.
		f := filepath.Join(dir, fmt.Sprintf("%d-%s.html", i, strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(what)))
		i++
		if err := os.WriteFile(f, []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
	}
	out, err := exec.Command("java", args...).CombinedOutput()
	if err != nil {
		t.Errorf("Nu HTML Checker : %v\n%s", err, out)
	}
}
