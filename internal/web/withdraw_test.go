package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestWithdrawAsksForConfirmation: « Abandonner » says what it means and
// acts only once confirmed; a bare request changes nothing.
func TestWithdrawAsksForConfirmation(t *testing.T) {
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	page := c.get(candidacyPath(cd))
	if !strings.Contains(page.Body, "<summary>Abandonner la candidature</summary>") || !strings.Contains(page.Body, "définitivement") {
		t.Fatal("l'abandon n'est pas expliqué")
	}
	res := c.post(candidacyPath(cd)+"/etat", url.Values{"vers": {"withdrawn"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Confirmez l&#39;abandon") || !strings.Contains(res.Body, `<details class="card" id="abandon" open>`) {
		t.Fatalf("abandon sans confirmation : %d", res.Status)
	}
	if a.id(`SELECT count(*) FROM candidacies WHERE id = $1 AND state = 'draft'`, cd) != 1 {
		t.Fatal("abandon sans confirmation enregistré")
	}
	res = c.post(candidacyPath(cd)+"/etat", url.Values{"vers": {"withdrawn"}, "confirmation": {"oui"}})
	if res.Status != http.StatusSeeOther || a.id(`SELECT count(*) FROM candidacies WHERE id = $1 AND state = 'withdrawn'`, cd) != 1 {
		t.Fatalf("abandon confirmé : %d", res.Status)
	}
}
