package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/portfolio"
)

// TestSharedMemoireUpload (issue 18 #5): the CASP mémoire sent once, by
// the streamed upload, shows as deposited on blocs 1 and 2; the upload is
// audited once with both blocs, and withdrawing it empties both.
func TestSharedMemoireUpload(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	uid := a.id(`SELECT id FROM users WHERE email = $1`, whoEmails[cand])
	me := audit.Actor{UserID: uid, Role: "candidate"}
	cid, err := a.s.portfolio.Create(ctx, me, portfolio.NewCandidacy{CandidateID: uid, CertificationCode: "RNCP36625",
		OrganisationID: a.id(`SELECT organisation_id FROM users WHERE id = $1`, uid),
		Pathways:       map[string]portfolio.Pathway{"RNCP36625BC01": portfolio.VAE, "RNCP36625BC02": portfolio.VAE, "RNCP36625BC03": portfolio.VAE}, ExperienceMonths: 40})
	if err != nil {
		t.Fatal(err)
	}
	a.toDossier(ctx, me, cid)
	c := a.client()
	c.login(whoEmails[cand])
	page := candidacyPath(cid)
	c.get(page)
	if res := c.upload(page+"/livrables/RNCP36625BC02-D01/documents", "mémoire.pdf", []byte(testPDF)); res.Status != http.StatusSeeOther {
		t.Fatalf("envoi : %d %s", res.Status, res.Body)
	}
	if n := a.docCount(cid); n != 1 {
		t.Fatalf("%d documents pour un mémoire commun", n)
	}
	docID := a.id(`SELECT id FROM documents WHERE candidacy_id = $1 AND deliverable_code = 'RNCP36625-MEMOIRE'`, cid)
	body := c.get(page).Body
	current := fmt.Sprintf(`Version en cours : <a href="/documents/%d">mémoire.pdf</a>`, docID)
	if strings.Count(body, current) != 2 {
		t.Fatalf("le mémoire doit apparaître déposé sur les blocs 1 et 2 (%d fois)", strings.Count(body, current))
	}
	if strings.Contains(body, "RNCP36625BC01 — Mémoire professionnel") || strings.Contains(body, "RNCP36625BC02 — Mémoire professionnel") {
		t.Fatal("le mémoire est encore dit manquant")
	}
	if a.id(`SELECT count(*) FROM audit_log WHERE action = 'document.upload' AND entity_id = $1 AND change LIKE '%RNCP36625BC01%' AND change LIKE '%RNCP36625BC02%'`, fmt.Sprint(docID)) != 1 {
		t.Fatal("l'envoi n'est pas audité avec ses deux blocs")
	}
	if res := c.post(fmt.Sprintf("/documents/%d/supprimer", docID), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("suppression : %d", res.Status)
	}
	body = c.get(page).Body
	if strings.Contains(body, current) || !strings.Contains(body, "RNCP36625BC01 — Mémoire professionnel") || !strings.Contains(body, "RNCP36625BC02 — Mémoire professionnel") {
		t.Fatal("après suppression, le mémoire doit manquer aux deux blocs")
	}
}

// toDossier takes a new candidacy through admissibility to the dossier
// stage, where the candidate sends files.
func (a *app) toDossier(ctx context.Context, me audit.Actor, cid int64) {
	for _, st := range []struct {
		to   portfolio.State
		role account.Role
	}{{portfolio.AdmissibilitySubmitted, account.RoleCandidate}, {portfolio.Admissible, account.RoleAdmin}, {portfolio.DossierInProgress, account.RoleCandidate}} {
		if err := a.s.portfolio.Transition(ctx, me, cid, st.to, st.role, ""); err != nil {
			a.t.Fatal(err)
		}
	}
}
