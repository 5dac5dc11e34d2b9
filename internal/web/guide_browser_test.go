package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/portfolio"
)

// TestBrowserGuidance plays, in a real headless Chromium, what tells each
// person what happens next: the candidate lands on their space, reads the
// summary of the deposit, is refused without the sworn statement, deposits
// with it, and finds the receipt's e-mail (read from the outbox) in their
// account; the certifier's « Non recevable » without reasons comes back
// still chosen. axe-core checks each page.
func TestBrowserGuidance(t *testing.T) {
	open := newBrowsers(t)
	a := newApp(t)
	ctx := context.Background()
	cid := a.inProgressCandidacy(whoEmails[cand])
	cd, err := a.s.portfolio.Candidacy(ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	me := audit.Actor{UserID: cd.CandidateID}
	cert, _ := a.s.refs.Version(ctx, cd.VersionID)
	for _, b := range cert.Blocks {
		for _, d := range b.Deliverables {
			if d.Upload && d.Code != "RNCP37779BC01-D01" {
				bl, err := a.s.blobs.Put(ctx, strings.NewReader(testPDF+d.Code), blob.Limits{MaxBytes: 1 << 20, Accepted: []blob.Kind{blob.PDF}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := a.s.portfolio.AddDocument(ctx, me, portfolio.NewDocument{CandidacyID: cid, BlockCode: b.Code, DeliverableCode: d.Code,
					FileName: d.Code + ".pdf", SHA256: bl.SHA256, Size: bl.Size, Kind: "pdf", MIME: "application/pdf"}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	c := open("candidat-guidage", a.srv.URL)
	c.loginWithKeyboard(whoEmails[cand])
	var path string
	c.do("espace après connexion", chromedp.Evaluate(`location.pathname`, &path))
	if path != "/candidat" {
		t.Fatalf("après connexion, le candidat arrive sur %s", path)
	}
	page := "/candidatures/" + itoa(cid)
	c.open(page)
	c.accessible("candidature avant dépôt")
	var summary string
	c.do("récapitulatif", chromedp.Text("#depot", &summary, chromedp.ByQuery))
	if !strings.Contains(summary, "Fichiers qui seront déposés") || !strings.Contains(summary, "RNCP37779BC02-D01.pdf") || !strings.Contains(summary, "œuvre personnelle") {
		t.Fatalf("récapitulatif : %s", summary)
	}
	c.do("dépôt sans attestation", chromedp.Click(`#depot button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(`#attestation-err`, chromedp.ByQuery))
	if a.id(`SELECT count(*) FROM deposits WHERE candidacy_id = $1`, cid) != 0 {
		t.Fatal("dépôt enregistré sans attestation")
	}
	c.accessible("dépôt refusé")
	c.do("attestation et dépôt", chromedp.Click(`#attestation`, chromedp.ByQuery), chromedp.Click(`#depot button[type=submit]`, chromedp.ByQuery))
	a.waitFor(c, "dossier déposé", func() bool {
		return a.id(`SELECT count(*) FROM candidacies WHERE id = $1 AND state = 'dossier_submitted'`, cid) == 1
	})
	var receipt struct {
		Body string `db:"body"`
		HTML string `db:"html_body"`
	}
	if err := a.db.Get(&receipt, `SELECT body, html_body FROM outbox WHERE user_id = $1 AND subject LIKE 'Récépissé de dépôt%'`, cd.CandidateID); err != nil {
		t.Fatalf("pas de courriel de récépissé dans la file : %v", err)
	}
	if !strings.Contains(receipt.Body, "/candidatures/"+itoa(cid)+"/depots/1") || !strings.Contains(receipt.HTML, "<html lang=\"fr\">") {
		t.Fatalf("courriel de récépissé : %s", receipt.Body)
	}
	c.open("/compte")
	c.accessible("compte")
	var mails string
	c.do("courriels reçus", chromedp.Text("body", &mails, chromedp.ByQuery))
	if !strings.Contains(mails, "Courriels reçus") || !strings.Contains(mails, "Récépissé de dépôt de votre dossier") {
		t.Fatal("le compte ne liste pas le courriel envoyé")
	}

	// The certifier: « Non recevable » without reasons stays chosen.
	other, _ := a.candidacyWithDocument("ronan.le.gall@demo.acquis.fr")
	if err := a.s.portfolio.Transition(ctx, audit.Actor{UserID: a.id(`SELECT candidate_id FROM candidacies WHERE id = $1`, other)}, other,
		portfolio.AdmissibilitySubmitted, account.RoleCandidate, ""); err != nil {
		t.Fatal(err)
	}
	cert2 := open("certificateur-guidage", a.srv.URL)
	cert2.loginWithKeyboard("admin@demo.acquis.fr")
	cert2.open("/candidatures/" + itoa(other))
	cert2.do("non recevable sans motif", chromedp.Click(`#vers-not_admissible`, chromedp.ByQuery),
		chromedp.Click(`form[action$="/etat"] button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(`#reason-err`, chromedp.ByQuery))
	var kept bool
	cert2.do("choix gardé", chromedp.Evaluate(`document.getElementById('vers-not_admissible').checked && !document.getElementById('vers-admissible').checked`, &kept))
	if !kept {
		t.Fatal("la décision choisie est perdue après l'erreur")
	}
	cert2.accessible("décision refusée")
}
