package staff

import (
	"strings"
	"testing"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/fielderr"
	"acquis/internal/portfolio"
)

// TestAccountLinkStaysInScope reproduces issue 13 #6: the manager of
// platform A types the e-mail of platform B's counsellor, whose account
// has a VAE candidacy for the title. The row must not be linked to that
// account (its VAE must not show), adding an address known in B's roster
// must not be refused with a hint, and only the person accepting their
// invitation links a row of their own platform.
func TestAccountLinkStaysInScope(t *testing.T) {
	f := newFx(t)
	acc := account.NewStore(f.d)
	platformB, err := acc.CreateOrganisation(f.ctx, sys, account.NewOrganisation{Kind: account.OrgPlatform, Name: "Plateforme du Rhône", DepartementCode: "69"})
	if err != nil {
		t.Fatal(err)
	}
	uid, err := acc.CreateUser(f.ctx, sys, account.NewUser{Email: "karim.b@exemple.fr", FullName: "Karim B.", OrganisationID: platformB, Grants: []account.Grant{{Role: account.RoleCandidate}}})
	if err != nil {
		t.Fatal(err)
	}
	pf := portfolio.NewStore(f.d)
	cand := audit.Actor{UserID: uid, Role: "candidate"}
	cid, err := pf.Create(f.ctx, cand, portfolio.NewCandidacy{CandidateID: uid, CertificationCode: Title,
		Pathways: map[string]portfolio.Pathway{"RNCP37779BC01": portfolio.VAE, "RNCP37779BC02": portfolio.VAE, "RNCP37779BC03": portfolio.VAE}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pf.Transition(f.ctx, cand, cid, portfolio.AdmissibilitySubmitted, account.RoleCandidate, ""); err != nil {
		t.Fatal(err)
	}
	member := func(platform int64, email string) *Member {
		return &Member{PlatformID: platform, FullName: "Karim B.", Email: &email, Function: Counsellor, FTE: 1, HiredOn: d("2019-09-01"), Status: NotEngaged}
	}
	// B's own row follows the account: in scope.
	own := member(platformB, "karim.b@exemple.fr")
	if err := f.s.Save(f.ctx, sys, own); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.s.Member(f.ctx, own.ID); got.UserID == nil || got.Status != VAE {
		t.Fatalf("ligne de sa propre plateforme : %+v", got)
	}
	// A's manager types the same address: accepted without a word about
	// B's roster, and nothing of the account shows.
	spy := member(f.platform, "Karim.B@exemple.fr")
	if err := f.s.Save(f.ctx, sys, spy); err != nil {
		t.Fatalf("adresse connue ailleurs : %v", err)
	}
	got, _ := f.s.Member(f.ctx, spy.ID)
	if got.UserID != nil || got.FromCandidacy || got.Status != NotEngaged || got.CandidacyID != nil {
		t.Fatalf("la plateforme A lit la VAE d'une personne de B : %+v", got)
	}
	roster, _ := f.s.Roster(f.ctx, f.platform)
	if len(roster) != 1 || roster[0].Status != NotEngaged {
		t.Fatalf("effectif de A : %+v", roster)
	}
	// Updating the row does not link it either.
	spy.FTE = 0.8
	if err := f.s.Save(f.ctx, sys, spy); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.s.Member(f.ctx, spy.ID); got.UserID != nil {
		t.Fatal("lien hors périmètre créé à la mise à jour")
	}
	// The same address twice in A's roster: refused, naming A only.
	err = f.s.Save(f.ctx, sys, member(f.platform, "karim.b@exemple.fr"))
	ve, ok := err.(*fielderr.Error)
	if !ok || ve.Field != "email" || !strings.Contains(ve.Message, "l'effectif de cette plateforme") {
		t.Fatalf("doublon dans l'effectif : %v", err)
	}
	// The database refuses a link outside scope, whoever writes it.
	if _, err := f.d.Exec(`UPDATE staff SET user_id = $1 WHERE id = $2`, uid, spy.ID); err == nil {
		t.Fatal("la base accepte un lien hors périmètre")
	}
	// A row typed before the account existed is linked when the person
	// accepts their invitation, on their own platform only.
	early := member(f.platform, "lea.m@exemple.fr")
	early.FullName = "Léa M."
	if err := f.s.Save(f.ctx, sys, early); err != nil {
		t.Fatal(err)
	}
	lea, err := acc.CreateUser(f.ctx, sys, account.NewUser{Email: "lea.m@exemple.fr", FullName: "Léa M.", OrganisationID: f.platform, Grants: []account.Grant{{Role: account.RoleCandidate}}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.LinkAccount(f.ctx, sys, uid); err != nil || n != 0 {
		t.Fatalf("Karim (plateforme B) lié à une ligne de A : %d, %v", n, err)
	}
	if n, err := f.s.LinkAccount(f.ctx, sys, lea); err != nil || n != 1 {
		t.Fatalf("invitation acceptée : %d lignes liées, %v", n, err)
	}
	if got, _ := f.s.Member(f.ctx, early.ID); got.UserID == nil || *got.UserID != lea {
		t.Fatalf("ligne non liée après l'invitation : %+v", got)
	}
	// An account moved to another organisation stops showing through
	// the row it was linked to.
	if _, err := f.d.Exec(`UPDATE users SET organisation_id = $1 WHERE id = $2`, f.platform, uid); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.s.Member(f.ctx, own.ID); got.UserID != nil || got.Status != NotEngaged {
		t.Fatalf("compte parti de la plateforme B encore lu par B : %+v", got)
	}
}
