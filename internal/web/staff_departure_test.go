package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestStaffDepartureAndDeletion (issue 14 #10) through the pages: the
// manager records a departure (the plan counts the person out), deletes a
// row entered by mistake only with a reason, and the Rhône's manager can
// do neither on the Finistère's roster.
func TestStaffDepartureAndDeletion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	base := fmt.Sprintf("/plateformes/%d", pA)
	// A plan member not yet engaged: in post before 2026, not certified.
	sid := a.id(`SELECT min(id) FROM staff WHERE platform_id = $1 AND function = 'conseiller' AND hired_on < '2026-01-01'
		AND status = 'not_engaged' AND left_on IS NULL AND user_id IS NULL`, pA)
	person := fmt.Sprintf("%s/personnel/%d", base, sid)
	mgr := a.client()
	mgr.login(whoEmails[mgrA])
	leftRE := regexp.MustCompile(`<strong>(\d+)</strong> partis? sans le titre`)
	leavers := func() int {
		m := leftRE.FindStringSubmatch(mgr.get(base).Body)
		if m == nil {
			return 0
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	leftBefore := leavers()
	mgr.get(person)
	if res := mgr.post(person+"/depart", url.Values{"left_on": {"1990-01-01"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "précède la date de prise de poste") {
		t.Errorf("départ avant l'embauche : %d", res.Status)
	}
	res := mgr.post(person+"/depart", url.Values{"left_on": {"2026-10-31"}, "left_reason": {"Mutation"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("départ : %d %s", res.Status, res.Body)
	}
	if n := a.id(`SELECT count(*) FROM staff WHERE id = $1 AND left_on = '2026-10-31' AND left_reason = 'Mutation'`, sid); n != 1 {
		t.Fatal("départ non enregistré")
	}
	if n := leavers(); n != leftBefore+1 {
		t.Errorf("le plan compte %d sortis, %d avant le départ", n, leftBefore)
	}
	// Deletion: refused without a reason, then done and audited.
	count := func() int64 { return a.id(`SELECT count(*) FROM staff WHERE platform_id = $1`, pA) }
	before := count()
	mgr.get(person)
	if res := mgr.post(person+"/suppression", url.Values{"delete_reason": {""}}); res.Status != http.StatusUnprocessableEntity || count() != before {
		t.Fatalf("suppression sans motif : %d", res.Status)
	}
	other := a.client()
	other.login(whoEmails[mgrB])
	other.get("/")
	if res := other.post(person+"/suppression", url.Values{"delete_reason": {"piège"}}); res.Status != http.StatusForbidden || count() != before {
		t.Fatalf("suppression par le gestionnaire du Rhône : %d", res.Status)
	}
	if res := mgr.post(person+"/suppression", url.Values{"delete_reason": {"Saisie en double"}}); res.Status != http.StatusSeeOther || count() != before-1 {
		t.Fatalf("suppression : %d", res.Status)
	}
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'staff.deleted' AND entity_id = $1 AND change LIKE '%Saisie en double%'`, fmt.Sprint(sid)); n != 1 {
		t.Error("suppression non auditée")
	}
}
