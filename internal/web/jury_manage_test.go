package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSessionDatesAndComposition, through the certifier's pages: a session
// at a past date is refused, then accepted with a reason and shown as
// recorded after the fact; on a session, adding a member twice is refused
// with the member's name, the présidence change names who loses it, and a
// member is removed while the session is planned.
func TestSessionDatesAndComposition(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	adm := a.client()
	adm.login(whoEmails[admin])
	past := time.Now().AddDate(0, 0, -3).Format("2006-01-02")
	form := url.Values{"certification": {"RNCP37779"}, "date": {past}, "time": {"09:00"}, "place": {"Rennes"}, "deadline": {time.Now().AddDate(0, 0, -20).Format("2006-01-02")}}
	res := adm.post("/certificateur/jurys", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Cette date est passée") {
		t.Fatalf("session passée : %d", res.Status)
	}
	form.Set("past_reason", "Jury tenu sur papier avant la mise en service.")
	if res = adm.post("/certificateur/jurys", form); res.Status != http.StatusSeeOther {
		t.Fatalf("session enregistrée après coup : %d %s", res.Status, res.Body)
	}
	page := adm.get(res.Location)
	if !strings.Contains(page.Body, "enregistrée après coup") || !strings.Contains(page.Body, "Jury tenu sur papier") {
		t.Fatal("la session n'est pas montrée comme enregistrée après coup")
	}
	if list := adm.get("/certificateur/jurys"); !strings.Contains(list.Body, "enregistrée après coup") {
		t.Fatal("la liste ne marque pas la session")
	}

	form = url.Values{"certification": {"RNCP37779"}, "date": {time.Now().AddDate(0, 1, 0).Format("2006-01-02")}, "time": {"09:00"}, "place": {"Rennes"},
		"deadline": {time.Now().AddDate(0, 0, 10).Format("2006-01-02")}}
	res = adm.post("/certificateur/jurys", form)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("session à venir : %d", res.Status)
	}
	manage := res.Location
	m1 := a.id(`SELECT id FROM users WHERE email = 'helene.marchand@demo.acquis.fr'`)
	m2 := a.id(`SELECT id FROM users WHERE email = 'patrick.lemoine@demo.acquis.fr'`)
	if res = adm.post(manage+"/membres", url.Values{"member": {fmt.Sprint(m1)}, "chair": {"oui"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("ajout : %d", res.Status)
	}
	adm.post(manage+"/membres", url.Values{"member": {fmt.Sprint(m2)}})
	if res = adm.post(manage+"/membres", url.Values{"member": {fmt.Sprint(m2)}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Patrick Lemoine est déjà membre") {
		t.Fatalf("membre ajouté deux fois : %d", res.Status)
	}
	res = adm.post(manage+"/presidence", url.Values{"member": {fmt.Sprint(m2)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("présidence : %d %s", res.Status, res.Body)
	}
	if page := adm.get(manage); !strings.Contains(page.Body, "La présidence passe de Hélène Marchand à Patrick Lemoine") {
		t.Fatal("le changement de présidence ne dit pas qui la perd")
	}
	if res = adm.post(fmt.Sprintf("%s/membres/%d/retirer", manage, m1), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("retrait : %d", res.Status)
	}
	sid := manage[strings.LastIndex(manage, "/")+1:]
	if n := a.id(`SELECT count(*) FROM jury_members WHERE session_id = $1::bigint`, sid); n != 1 {
		t.Fatalf("%d membres après retrait", n)
	}
}
