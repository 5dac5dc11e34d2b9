package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"acquis/internal/audit"
	"acquis/internal/jury"
)

// chosen reports whether the page's element with that id carries the
// attribute (checked, selected) — the option or input matched by idOrValue.
func chosen(t *testing.T, body, pattern string) bool {
	t.Helper()
	return regexp.MustCompile(pattern).MatchString(body)
}

// TestFormsKeepChoicesOnError: every form with a choice that comes back
// with an error keeps what was chosen, so resubmitting never records the
// opposite (the admissibility decision used to come back as « Recevable »).
func TestFormsKeepChoicesOnError(t *testing.T) {
	a := newApp(t)
	admin := a.client()
	admin.login("admin@demo.acquis.fr")

	// Admissibility decision: « Non recevable » without reasons.
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	me := a.client()
	me.login(whoEmails[cand])
	me.post("/candidatures/"+itoa(cd)+"/etat", url.Values{"vers": {"admissibility_submitted"}})
	admin.get("/candidatures/" + itoa(cd))
	res := admin.post("/certificateur/candidatures/"+itoa(cd)+"/etat", url.Values{"vers": {"not_admissible"}, "motifs": {"  "}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("décision sans motif : %d", res.Status)
	}
	if !chosen(t, res.Body, `id="vers-not_admissible"[^>]*checked`) || chosen(t, res.Body, `id="vers-admissible"[^>]*checked`) {
		t.Fatal("la décision « Non recevable » n'est plus cochée après l'erreur")
	}
	res = admin.post("/certificateur/candidatures/"+itoa(cd)+"/etat", url.Values{"vers": {"incomplete"}, "motifs": {"x"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("décision : %d", res.Status)
	}

	// Invitation: platform and region kept after an error (no role).
	platformA := a.id(`SELECT r.platform_id FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.email = $1 AND r.platform_id IS NOT NULL`, whoEmails[mgrA])
	admin.get("/admin/users")
	res = admin.post("/admin/users", url.Values{"email": {"nouveau@exemple.fr"}, "full_name": {"Nouveau"}, "role": {""}, "platform": {itoa(platformA)}, "region": {"53"}})
	if res.Status != http.StatusUnprocessableEntity || !chosen(t, res.Body, `<option value="`+itoa(platformA)+`" selected`) || !chosen(t, res.Body, `<option value="53" selected`) {
		t.Fatalf("invitation : %d, plateforme ou région perdue", res.Status)
	}

	// Adding a role: a platform manager's role without its platform.
	uid := a.id(`SELECT id FROM users WHERE email = $1`, whoEmails[obsNat])
	admin.get("/admin/users/" + itoa(uid))
	res = admin.post("/admin/users/"+itoa(uid)+"/roles", url.Values{"role": {"platform_manager"}, "region": {"53"}})
	if res.Status != http.StatusUnprocessableEntity || !chosen(t, res.Body, `<option value="platform_manager" selected`) || !chosen(t, res.Body, `<option value="53" selected`) {
		t.Fatalf("ajout de rôle : %d, choix perdus", res.Status)
	}

	// Organisation: a platform without département keeps its chef de file and co-porteurs.
	carriers := regexp.MustCompile(`<select id="lead" name="lead"[^>]*><option value="">—</option><option value="(\d+)"[^>]*>[^<]*</option><option value="(\d+)"`).FindStringSubmatch(admin.get("/admin/organisations").Body)
	if carriers == nil {
		t.Fatal("pas de structures porteuses à choisir")
	}
	res = admin.post("/admin/organisations", url.Values{"kind": {"platform"}, "name": {"Plateforme Nouvelle"}, "lead": {carriers[1]}, "co_porteurs": {carriers[2]}})
	if res.Status != http.StatusUnprocessableEntity || !chosen(t, res.Body, `<select id="lead"[^>]*>.*<option value="`+carriers[1]+`" selected`) ||
		!chosen(t, res.Body, `<select id="co_porteurs"[^>]*>.*<option value="`+carriers[2]+`" selected`) {
		t.Fatalf("organisation : %d, porteurs perdus", res.Status)
	}

	// API key: the scope is kept when the name is missing.
	admin.get("/admin/api-keys")
	res = admin.post("/admin/api-keys", url.Values{"name": {""}, "region": {"53"}})
	if res.Status != http.StatusUnprocessableEntity || !chosen(t, res.Body, `<option value="53" selected`) {
		t.Fatalf("clé d'API : %d, portée perdue", res.Status)
	}

	// Jury: a candidacy with a single evaluator keeps the candidacy and the evaluator.
	ctx := context.Background()
	sub := a.submittedCandidacy("ronan.le.gall@demo.acquis.fr")
	session, err := a.s.jury.CreateSession(ctx, audit.System, jury.NewSession{CertificationCode: "RNCP37779", StartsAt: time.Now().AddDate(0, 0, 7), Place: "Paris", DossierDeadline: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	chair, member := a.id(`SELECT id FROM users WHERE email = $1`, whoEmails[juror]), a.id(`SELECT id FROM users WHERE email = 'sophie.roussel@demo.acquis.fr'`)
	for i, m := range []int64{chair, member} {
		if err := a.s.jury.AddMember(ctx, audit.System, session, m, i == 0); err != nil {
			t.Fatal(err)
		}
	}
	page := "/certificateur/jurys/" + itoa(session)
	admin.get(page)
	res = admin.post(page+"/affectations", url.Values{"candidacy": {itoa(sub)}, "evaluators": {itoa(member)}})
	if res.Status != http.StatusUnprocessableEntity || !chosen(t, res.Body, `<option value="`+itoa(sub)+`" selected`) ||
		!chosen(t, res.Body, `id="ev-`+itoa(member)+`"[^>]*checked`) || chosen(t, res.Body, `id="ev-`+itoa(chair)+`"[^>]*checked`) {
		t.Fatalf("affectation : %d, choix perdus", res.Status)
	}
	if !strings.Contains(res.Body, "deux") {
		t.Fatal("pas de message")
	}
}
