package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"acquis/internal/account"
	"acquis/internal/db/dbtest"
	"acquis/internal/pgembed"
)

// TestAutosaveFoldPremise pins what juryAutosaveScope relies on to let its
// write statement be the authorisation's check: for ActJuryScore the
// policy asks of the resource only whether the asker evaluates the
// candidacy, for every kind of principal. Should the policy ever ask more
// (the presidency, a platform), this fails before the autosave could write
// for someone the policy refuses.
func TestAutosaveFoldPremise(t *testing.T) {
	t.Parallel()
	roles := []account.Role{account.RoleAdmin, account.RoleJuryMember, account.RoleCandidate, account.RolePlatformManager, account.RoleObserver}
	var principals []*account.Principal
	for mask := 0; mask < 1<<len(roles); mask++ {
		p := &account.Principal{UserID: 7}
		for i, r := range roles {
			if mask&(1<<i) != 0 {
				p.Grants = append(p.Grants, account.Grant{Role: r, PlatformID: 3, RegionCode: "53"})
			}
		}
		principals = append(principals, p)
	}
	for _, p := range principals {
		may := account.Can(p, account.ActJuryScore, evaluatorResource)
		for mask := 0; mask < 1<<6; mask++ {
			r := account.Resource{JuryMember: mask&1 != 0, JuryChair: mask&2 != 0, JuryEvaluator: mask&4 != 0, JuryUnblinded: mask&8 != 0}
			if mask&16 != 0 {
				r.PlatformID, r.RegionCode = 3, "53"
			}
			if mask&32 != 0 {
				r.OwnerUserID = p.UserID
			}
			if got, want := account.Can(p, account.ActJuryScore, r), may && r.JuryEvaluator; got != want {
				t.Errorf("grants %+v, ressource %+v : Can = %v, attendu %v (évaluateur et rôle qui peut noter)", p.Grants, r, got, want)
			}
		}
	}
}

// TestAutosaveWritesWithoutReadingItsScope: the evaluator's autosave is
// authorised by its one write statement, which reads neither the session's
// members nor its list of candidacies; with the serving role unable to
// read those two tables, it still saves (before, the scope's query read
// them: 500). The refusals that need them still read them.
func TestAutosaveWritesWithoutReadingItsScope(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	session, candidacy, evaluators, criteria := a.scoringSession()
	verdicts := fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/verdicts", session, candidacy)
	if _, err := dbtest.Owner(t, a.db).Exec(`REVOKE SELECT ON jury_members, jury_assignments FROM ` + pgembed.AppRole); err != nil {
		t.Fatal(err)
	}
	res := evaluators[0].postJSON(verdicts, map[string]string{"criterion": criteria[0], "verdict": "acquis"})
	if res.Status != http.StatusOK {
		t.Fatalf("autosave : %d %s", res.Status, res.Body)
	}
	var v struct {
		Criterion string `json:"criterion_code"`
		Block     string `json:"block_code"`
		Verdict   string `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil || v.Criterion != criteria[0] || v.Verdict != "acquis" || !strings.HasPrefix(criteria[0], v.Block+"-") {
		t.Fatalf("réponse %s (%v)", res.Body, err)
	}
	if n := a.id(`SELECT count(*) FROM jury_verdicts WHERE session_id = $1 AND candidacy_id = $2 AND criterion_code = $3`, session, candidacy, criteria[0]); n != 1 {
		t.Fatalf("%d verdicts écrits", n)
	}
}

// TestAutosaveRefusals: every answer of the autosave, now that its write
// is its authorisation, is the one the scope's read gave before — the
// status, the French message, the audited refusal — and a refused request
// writes no verdict and no verdict audit row.
func TestAutosaveRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	session, candidacy, evaluators, criteria := a.scoringSession()
	adm, cnd := a.client(), a.client()
	adm.login(whoEmails[admin])
	cnd.login(whoEmails[cand])
	path := func(sid, cid int64) string {
		return fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/verdicts", sid, cid)
	}
	good := map[string]string{"criterion": criteria[1], "verdict": "acquis"}
	const denied = "Vous n'avez pas accès à cette page ou à cette action."
	cases := []struct {
		name   string
		c      *client
		path   string
		body   any
		status int
		detail string
		audit  bool // an access.denied row
	}{
		{"évaluateur", evaluators[0], path(session, candidacy), good, 200, "", false},
		{"évaluateur, verdict inconnu", evaluators[0], path(session, candidacy), map[string]string{"criterion": criteria[1], "verdict": "bof"}, 422, "non_acquis", false},
		{"évaluateur, commentaire manquant", evaluators[0], path(session, candidacy), map[string]string{"criterion": criteria[1], "verdict": "non_acquis"}, 422, "commentaire", false},
		{"évaluateur, critère d'ailleurs", evaluators[0], path(session, candidacy), map[string]string{"criterion": "CASP-BC01-CR01", "verdict": "acquis"}, 422, "n'appartient pas", false},
		{"évaluateur, JSON illisible", evaluators[0], path(session, candidacy), json.RawMessage(`[1]`), 400, "Requête mal formée", false},
		{"candidature hors session", evaluators[0], path(session, candidacy+1000), good, 403, denied, true},
		{"session inconnue", evaluators[0], path(session+1000, candidacy), good, 403, denied, true},
		{"certificateur, pas évaluateur", adm, path(session, candidacy), good, 403, denied, true},
		{"certificateur, verdict inconnu", adm, path(session, candidacy), map[string]string{"criterion": criteria[1], "verdict": "bof"}, 403, denied, true},
		{"candidat", cnd, path(session, candidacy), good, 403, denied, true},
		{"candidat, JSON illisible", cnd, path(session, candidacy), json.RawMessage(`[1]`), 403, denied, true},
	}
	for _, tc := range cases {
		verdicts := a.id(`SELECT count(*) FROM jury_verdicts`)
		written := a.id(`SELECT count(*) FROM audit_log WHERE action = 'jury.verdict'`)
		refused := a.id(`SELECT count(*) FROM audit_log WHERE action = 'access.denied'`)
		// json.RawMessage is sent as is by postJSON's json.Marshal.
		res := tc.c.postJSON(tc.path, tc.body)
		if res.Status != tc.status {
			t.Errorf("%s : %d, attendu %d (%s)", tc.name, res.Status, tc.status, res.Body)
			continue
		}
		if tc.detail != "" {
			var p struct{ Detail string }
			if err := json.Unmarshal([]byte(res.Body), &p); err != nil || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("%s : detail %q, attendu %q", tc.name, p.Detail, tc.detail)
			}
		}
		ok := tc.status == http.StatusOK
		if got := a.id(`SELECT count(*) FROM jury_verdicts`) - verdicts; ok != (got == 1) || got > 1 {
			t.Errorf("%s : %d verdict(s) écrit(s)", tc.name, got)
		}
		if got := a.id(`SELECT count(*) FROM audit_log WHERE action = 'jury.verdict'`) - written; ok != (got == 1) || got > 1 {
			t.Errorf("%s : %d ligne(s) d'audit jury.verdict", tc.name, got)
		}
		if got := a.id(`SELECT count(*) FROM audit_log WHERE action = 'access.denied'`) - refused; tc.audit != (got == 1) || got > 1 {
			t.Errorf("%s : %d refus audité(s), attendu %v", tc.name, got, tc.audit)
		}
	}
}
