package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRosterEmailOutsideScope is the attack of issue 13 #6 through the
// pages: the manager of Finistère adds a roster row with the e-mail of a
// Rhône counsellor whose account has a VAE candidacy. The row is saved
// like any other (no « already in a roster » hint), is not linked to the
// account, and the roster shows nothing of the VAE.
func TestRosterEmailOutsideScope(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	pB := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '69'`)
	var email string
	if err := a.db.Get(&email, `SELECT u.email FROM users u JOIN staff s ON lower(s.email) = lower(u.email) AND s.platform_id = $1
		WHERE u.organisation_id = $1 ORDER BY u.id LIMIT 1`, pB); err != nil {
		t.Fatal(err)
	}
	a.inProgressCandidacy(email) // VAE on every bloc
	base := fmt.Sprintf("/plateformes/%d", pA)
	mgr := a.client()
	mgr.login(whoEmails[mgrA])
	mgr.get(base + "/personnel/nouveau")
	res := mgr.post(base+"/personnel", url.Values{"full_name": {"Personne de Lyon"}, "email": {strings.ToUpper(email)}, "function": {"conseiller"},
		"fte": {"1"}, "hired_on": {"2019-09-01"}, "status": {"not_engaged"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("ajout d'une adresse connue à Lyon : %d %s", res.Status, res.Body)
	}
	if n := a.id(`SELECT count(*) FROM staff WHERE platform_id = $1 AND lower(email) = lower($2) AND user_id IS NOT NULL`, pA, email); n != 0 {
		t.Fatal("ligne du Finistère liée au compte d'une personne du Rhône")
	}
	sid := a.id(`SELECT id FROM staff WHERE platform_id = $1 AND lower(email) = lower($2)`, pA, email)
	page := mgr.get(fmt.Sprintf("%s/personnel/%d", base, sid))
	if page.Status != http.StatusOK || strings.Contains(page.Body, "suit sa candidature") {
		t.Errorf("fiche : %d, la VAE de la personne du Rhône transparaît", page.Status)
	}
	for _, line := range strings.Split(mgr.get(base).Body, "<tr") {
		if strings.Contains(line, "Personne de Lyon") && (strings.Contains(line, "suivi par acquis") || strings.Contains(line, "VAE en cours")) {
			t.Errorf("l'effectif du Finistère montre la VAE de la personne du Rhône : %s", line)
		}
	}
	// The Rhône's own row does follow the candidacy.
	if n := a.id(`SELECT count(*) FROM staff WHERE platform_id = $1 AND lower(email) = lower($2) AND user_id IS NOT NULL`, pB, email); n != 1 {
		t.Error("la ligne du Rhône ne suit plus le compte de la personne")
	}
}

// TestInviteGivesNoHint (issue 13 #6): inviting an address that already
// has an account (here a Rhône counsellor's) answers the Finistère's
// manager exactly as for a new address; the account is untouched and its
// owner is told; a new address gets its invitation.
func TestInviteGivesNoHint(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	pB := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '69'`)
	var known string
	if err := a.db.Get(&known, `SELECT email FROM users WHERE organisation_id = $1 ORDER BY id LIMIT 1`, pB); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/plateformes/%d", pA)
	mgr := a.client()
	mgr.login(whoEmails[mgrA])
	answer := func(email string) (int, string) {
		mgr.get(base)
		res := mgr.post(base+"/invitations", url.Values{"email": {email}, "full_name": {"Camille Test"}})
		return res.Status, mgr.get(base).Body
	}
	users := func() int64 { return a.id(`SELECT count(*) FROM users`) }
	before := users()
	stKnown, pageKnown := answer(known)
	stNew, pageNew := answer("nouvelle.personne@exemple.fr")
	if stKnown != http.StatusSeeOther || stNew != http.StatusSeeOther {
		t.Fatalf("réponses : %d (adresse connue) / %d (nouvelle)", stKnown, stNew)
	}
	flashOf := func(page, email string) string {
		i := strings.Index(page, "Un message est envoyé à "+email)
		if i < 0 {
			return ""
		}
		msg, _, _ := strings.Cut(page[i:], "</div>")
		return strings.Replace(msg, email, "X", 1)
	}
	if f := flashOf(pageKnown, known); f == "" || f != flashOf(pageNew, "nouvelle.personne@exemple.fr") {
		t.Errorf("réponses différentes :\n%q\n%q", f, flashOf(pageNew, "nouvelle.personne@exemple.fr"))
	}
	if strings.Contains(pageKnown, "existe déjà") {
		t.Error("la page dit que l'adresse a un compte")
	}
	if users() != before+1 || a.id(`SELECT organisation_id FROM users WHERE email = $1`, known) != pB {
		t.Errorf("comptes : %d créés, compte existant changé ?", users()-before)
	}
	if a.id(`SELECT count(*) FROM outbox WHERE to_addr = $1 AND subject LIKE '%déjà un compte%'`, known) != 1 {
		t.Error("la personne n'est pas prévenue")
	}
}
