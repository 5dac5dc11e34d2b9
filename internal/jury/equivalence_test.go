package jury

import (
	"strings"
	"testing"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/portfolio"
)

// TestEquivalenceBlocNotBeforeTheJury: a candidacy aiming at one bloc by
// VAE and another by équivalence is assessed by the jury on the VAE bloc
// only: the grid has no criterion of the équivalence bloc.
func TestEquivalenceBlocNotBeforeTheJury(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	uid, err := f.acc.CreateUser(f.ctx, sys, account.NewUser{Email: "eq@exemple.fr", FullName: "Candidat Équivalence", OrganisationID: f.platform,
		Grants: []account.Grant{{Role: account.RoleCandidate}}})
	must(t, err)
	me := audit.Actor{UserID: uid, Role: "candidate"}
	cid, err := f.pf.Create(f.ctx, me, portfolio.NewCandidacy{CandidateID: uid, CertificationCode: "RNCP37779", OrganisationID: f.platform,
		Pathways: map[string]portfolio.Pathway{"RNCP37779BC01": portfolio.VAE, "RNCP37779BC03": portfolio.Equivalence}})
	must(t, err)
	must(t, f.pf.Transition(f.ctx, me, cid, portfolio.AdmissibilitySubmitted, account.RoleCandidate, ""))
	must(t, f.pf.Transition(f.ctx, sys, cid, portfolio.Admissible, account.RoleAdmin, ""))
	must(t, f.pf.Transition(f.ctx, me, cid, portfolio.DossierInProgress, account.RoleCandidate, ""))
	_, err = f.pf.AddDocument(f.ctx, me, portfolio.NewDocument{CandidacyID: cid, BlockCode: "RNCP37779BC01", DeliverableCode: "RNCP37779BC01-D01",
		FileName: "d.pdf", SHA256: strings.Repeat("e", 64), Size: 10, Kind: "pdf", MIME: "application/pdf"})
	must(t, err)
	_, err = f.pf.Submit(f.ctx, me, cid)
	must(t, err)
	for i, m := range f.members {
		must(t, f.s.AddMember(f.ctx, sys, f.session, m, i == 0))
	}
	must(t, f.s.Assign(f.ctx, sys, f.session, cid, f.members))
	g, err := f.s.Grid(f.ctx, f.session, cid, f.members[0])
	must(t, err)
	if len(g.Blocks) != 1 || g.Blocks[0].Code != "RNCP37779BC01" {
		var codes []string
		for _, b := range g.Blocks {
			codes = append(codes, b.Code)
		}
		t.Fatalf("blocs de la grille : %v", codes)
	}
}
