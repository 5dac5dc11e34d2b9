package web

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"acquis/internal/audit"
	"acquis/internal/jury"
)

// TestAdmissibilityQueueShowsWhatToDecideOn: each request shows its
// pathway per bloc, the experience declared and the files sent.
func TestAdmissibilityQueueShowsWhatToDecideOn(t *testing.T) {
	a := newApp(t)
	cd, doc := a.candidacyWithDocument(whoEmails[cand])
	me := a.client()
	me.login(whoEmails[cand])
	me.post("/candidatures/"+itoa(cd)+"/etat", url.Values{"vers": {"admissibility_submitted"}})
	var name string
	if err := a.db.Get(&name, `SELECT file_name FROM documents WHERE id = $1`, doc); err != nil {
		t.Fatal(err)
	}
	months := a.id(`SELECT experience_months FROM candidacies WHERE id = $1`, cd)
	admin := a.client()
	admin.login("admin@demo.acquis.fr")
	page := html.UnescapeString(admin.get("/certificateur/recevabilite").Body)
	for _, want := range []string{"RNCP37779BC01 : VAE", itoa(months) + " mois", `href="/documents/` + itoa(doc) + `">` + name, "Expérience déclarée", "Pièces fournies"} {
		if !strings.Contains(page, want) {
			t.Fatalf("file de recevabilité sans « %s »", want)
		}
	}
}

// TestBookedNotOfferedAgain: a candidacy inscribed on a session still to
// be signed is not offered on another session, and a member already on the
// session is not offered again.
func TestBookedNotOfferedAgain(t *testing.T) {
	a := newApp(t)
	session, booked := a.jurySession("ronan.le.gall@demo.acquis.fr", whoEmails[juror], "sophie.roussel@demo.acquis.fr")
	free := a.submittedCandidacy(whoEmails[cand])
	other, err := a.s.jury.CreateSession(context.Background(), audit.System, jury.NewSession{CertificationCode: "RNCP37779",
		StartsAt: time.Now().AddDate(0, 0, 14), Place: "Lyon", DossierDeadline: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	admin := a.client()
	admin.login("admin@demo.acquis.fr")
	body := admin.get("/certificateur/jurys/" + itoa(other)).Body
	sel := regexp.MustCompile(`(?s)<select id="candidacy".*?</select>`).FindString(body)
	if !strings.Contains(sel, `value="`+itoa(free)+`"`) || strings.Contains(sel, `value="`+itoa(booked)+`"`) {
		t.Fatalf("candidatures proposées : %s", sel)
	}
	seated := a.id(`SELECT id FROM users WHERE email = $1`, whoEmails[juror])
	pool := regexp.MustCompile(`(?s)<select id="member".*?</select>`).FindString(admin.get("/certificateur/jurys/" + itoa(session)).Body)
	if pool == "" || strings.Contains(pool, `value="`+itoa(seated)+`"`) {
		t.Fatalf("membre déjà siégeant proposé : %s", pool)
	}
}
