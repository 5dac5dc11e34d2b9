package jury

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/certifier"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

func TestMain(m *testing.M) { dbtest.Main(m, seed.Referentiels) }

var sys = audit.Actor{Role: "test"}

type fx struct {
	t         testing.TB
	d         *sqlx.DB
	s         *Store
	acc       *account.Store
	pf        *portfolio.Store
	ctx       context.Context
	platform  int64
	otherOrg  int64
	session   int64
	candidate int64
	candidacy int64
	members   []int64 // chair first
}

func as(id int64) audit.Actor { return audit.Actor{UserID: id, Role: "jury_member"} }

func newFx(t *testing.T, cert string, blocks ...string) *fx {
	t.Helper()
	t.Parallel()
	return newFxTB(t, cert, blocks...)
}

// newFxTB is newFx for benchmarks too.
func newFxTB(t testing.TB, cert string, blocks ...string) *fx {
	t.Helper()
	d := dbtest.New(t)
	f := &fx{t: t, d: d, s: NewStore(d, referentiel.NewStore(d), portfolio.NewStore(d), fakeMinutesPDF), acc: account.NewStore(d), pf: portfolio.NewStore(d), ctx: context.Background()}
	var err error
	lead, err := f.acc.CreateOrganisation(f.ctx, sys, account.NewOrganisation{Kind: account.OrgEmployer, Name: "Association Porteuse"})
	must(t, err)
	f.platform, err = f.acc.CreateOrganisation(f.ctx, sys, account.NewOrganisation{Kind: account.OrgPlatform, Name: "Plateforme 35", DepartementCode: "35", LeadID: lead})
	must(t, err)
	f.otherOrg, err = f.acc.CreateOrganisation(f.ctx, sys, account.NewOrganisation{Kind: account.OrgEmployer, Name: "Entreprise Tierce"})
	must(t, err)
	f.candidate, err = f.acc.CreateUser(f.ctx, sys, account.NewUser{Email: "cand@exemple.fr", FullName: "Candidate Une", OrganisationID: f.platform, Grants: []account.Grant{{Role: account.RoleCandidate}}})
	must(t, err)
	f.candidacy = f.submitted(f.candidate, cert, blocks...)
	genders := []string{"F", "M", "F"}
	for i := 0; i < 3; i++ {
		id, err := f.acc.CreateUser(f.ctx, sys, account.NewUser{Email: fmt.Sprintf("jure%d@exemple.fr", i), FullName: fmt.Sprintf("Juré %d", i),
			OrganisationID: f.otherOrg, Grants: []account.Grant{{Role: account.RoleJuryMember}}})
		must(t, err)
		qualified := []string{}
		if i == 0 {
			qualified = []string{cert}
		}
		must(t, f.s.SetProfile(f.ctx, sys, Profile{UserID: id, Gender: genders[i], College: Professional, QualifiedFor: qualified}))
		f.members = append(f.members, id)
	}
	f.session, err = f.s.CreateSession(f.ctx, sys, NewSession{CertificationCode: cert, StartsAt: time.Now().AddDate(0, 0, 7),
		Place: "Rennes", DossierDeadline: time.Now()})
	must(t, err)
	// The session is a week ahead; a test that deliberates brings its day
	// with f.sessionDay() (nothing is decided, no bloc acquired, before).
	return f
}

// submitted makes a candidacy whose dossier is deposited.
func (f *fx) submitted(candidate int64, cert string, blocks ...string) int64 {
	f.t.Helper()
	a := audit.Actor{UserID: candidate}
	pw := map[string]portfolio.Pathway{}
	for _, b := range blocks {
		pw[b] = portfolio.VAE
	}
	var org int64
	if err := f.d.Get(&org, `SELECT coalesce(organisation_id, 0) FROM users WHERE id = $1`, candidate); err != nil {
		f.t.Fatal(err)
	}
	id, err := f.pf.Create(f.ctx, a, portfolio.NewCandidacy{CandidateID: candidate, CertificationCode: cert, Pathways: pw, OrganisationID: org, ExperienceMonths: 40})
	must(f.t, err)
	must(f.t, f.pf.Transition(f.ctx, a, id, portfolio.AdmissibilitySubmitted, account.RoleCandidate, ""))
	must(f.t, f.pf.Transition(f.ctx, sys, id, portfolio.Admissible, account.RoleAdmin, ""))
	must(f.t, f.pf.Transition(f.ctx, a, id, portfolio.DossierInProgress, account.RoleCandidate, ""))
	c, _ := f.pf.Candidacy(f.ctx, id)
	ver, _ := referentiel.NewStore(f.d).Version(f.ctx, c.VersionID)
	for _, b := range ver.Blocks {
		if _, ok := pw[b.Code]; !ok {
			continue
		}
		for _, del := range b.Deliverables {
			if del.Upload {
				_, err := f.pf.AddDocument(f.ctx, a, portfolio.NewDocument{CandidacyID: id, BlockCode: b.Code, DeliverableCode: del.Code,
					FileName: "d.pdf", SHA256: strings.Repeat("a", 64), Size: 10, Kind: "pdf", MIME: "application/pdf"})
				must(f.t, err)
			}
		}
	}
	_, err = f.pf.Submit(f.ctx, a, id)
	must(f.t, err)
	return id
}

// ready composes the jury (chair first), assigns the candidacy to every
// member and opens the session.
func (f *fx) ready() {
	f.t.Helper()
	for i, m := range f.members {
		must(f.t, f.s.AddMember(f.ctx, sys, f.session, m, i == 0))
	}
	must(f.t, f.s.Assign(f.ctx, sys, f.session, f.candidacy, f.members))
	_, err := f.s.Open(f.ctx, sys, f.session)
	must(f.t, err)
	for _, m := range f.members {
		must(f.t, f.s.Declare(f.ctx, as(m), f.session, f.candidacy))
	}
}

func (f *fx) criteria() map[string][]string {
	g, err := f.s.Grid(f.ctx, f.session, f.candidacy, f.members[0])
	must(f.t, err)
	out := map[string][]string{}
	for _, b := range g.Blocks {
		for _, cr := range b.Criteria {
			out[b.Code] = append(out[b.Code], cr.Code)
		}
	}
	return out
}

// scoreAll marks every criterion for member m, acquis unless the bloc is
// listed in failing.
func (f *fx) scoreAll(m int64, failing ...string) {
	f.t.Helper()
	fail := map[string]bool{}
	for _, b := range failing {
		fail[b] = true
	}
	for b, crs := range f.criteria() {
		for _, cr := range crs {
			v, c := Acquis, ""
			if fail[b] {
				v, c = NonAcquis, "Analyse insuffisante : la situation n'est pas décrite."
			}
			_, err := f.s.RecordVerdict(f.ctx, as(m), f.session, f.candidacy, cr, v, c)
			must(f.t, err)
		}
	}
	must(f.t, f.s.SubmitGrid(f.ctx, as(m), f.session, f.candidacy))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestComposition(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	_, err := f.s.Open(f.ctx, sys, f.session)
	if err == nil || !strings.Contains(err.Error(), "au moins deux membres") {
		t.Fatalf("jury vide ouvert : %v", err)
	}
	must(t, f.s.AddMember(f.ctx, sys, f.session, f.members[1], false))
	must(t, f.s.AddMember(f.ctx, sys, f.session, f.members[2], false))
	members, _ := f.s.Members(f.ctx, f.session)
	comp := CheckComposition("RNCP37779", members)
	if comp.OK() || !strings.Contains(strings.Join(comp.Problems, " "), "qualifié") || !strings.Contains(strings.Join(comp.Problems, " "), "président") {
		t.Fatalf("composition : %+v", comp)
	}
	if len(comp.Warnings) != 0 {
		t.Fatalf("1 femme / 1 homme signalé déséquilibré : %v", comp.Warnings)
	}
	must(t, f.s.AddMember(f.ctx, sys, f.session, f.members[0], true))
	members, _ = f.s.Members(f.ctx, f.session)
	if comp := CheckComposition("RNCP37779", members); !comp.OK() || comp.Women != 2 || comp.Men != 1 {
		t.Fatalf("composition complète : %+v", comp)
	}
	if comp := CheckComposition("RNCP37779", []Member{members[0], {Profile: Profile{Gender: "F"}}}); len(comp.Warnings) == 0 {
		t.Fatal("deux femmes : pas d'avertissement")
	}
	// Not yet assigned: the session cannot open.
	if _, err := f.s.Open(f.ctx, sys, f.session); err != nil {
		t.Fatalf("session sans candidature : %v", err)
	}
}

func TestConflicts(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	for i, m := range f.members {
		must(t, f.s.AddMember(f.ctx, sys, f.session, m, i == 0))
	}
	if err := f.s.Assign(f.ctx, sys, f.session, f.candidacy, f.members[:1]); err == nil {
		t.Fatal("un seul évaluateur accepté")
	}
	// A member from the candidate's platform.
	colleague, err := f.acc.CreateUser(f.ctx, sys, account.NewUser{Email: "collegue@exemple.fr", FullName: "Collègue Plateforme", OrganisationID: f.platform,
		Grants: []account.Grant{{Role: account.RoleJuryMember}}})
	must(t, err)
	must(t, f.s.AddMember(f.ctx, sys, f.session, colleague, false))
	err = f.s.Assign(f.ctx, sys, f.session, f.candidacy, []int64{f.members[0], colleague})
	if err == nil || !strings.Contains(err.Error(), "même structure") {
		t.Fatalf("conflit de structure : %v", err)
	}
	// A declared link.
	must(t, f.s.DeclareLink(f.ctx, sys, f.members[1], f.candidate, "trained", "Formatrice en 2025"))
	err = f.s.Assign(f.ctx, sys, f.session, f.candidacy, []int64{f.members[0], f.members[1]})
	if err == nil || !strings.Contains(err.Error(), "a formé") {
		t.Fatalf("lien déclaré : %v", err)
	}
	var n int
	if err := f.d.Get(&n, `SELECT count(*) FROM jury_assignments`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("affectation refusée mais enregistrée")
	}
	must(t, f.s.Assign(f.ctx, sys, f.session, f.candidacy, []int64{f.members[0], f.members[2]}))
}

func TestBlindScoringAndProposal(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02", "RNCP37779BC03")
	f.ready()
	crs := f.criteria()
	cr := crs["RNCP37779BC02"][0]
	if _, err := f.s.RecordVerdict(f.ctx, as(f.members[1]), f.session, f.candidacy, cr, NonAcquis, " "); err == nil {
		t.Fatal("non acquis sans commentaire accepté")
	}
	if _, err := f.s.RecordVerdict(f.ctx, as(f.members[1]), f.session, f.candidacy, "RNCP37779BC01-CR01", Acquis, ""); err == nil {
		t.Fatal("critère d'un bloc non visé accepté")
	}
	// The autosave is one statement: a refusal writes neither the verdict
	// nor its audit row; a success writes one of each.
	counts := func() (v, a int) {
		if err := f.d.Get(&v, `SELECT count(*) FROM jury_verdicts`); err != nil {
			t.Fatal(err)
		}
		if err := f.d.Get(&a, `SELECT count(*) FROM audit_log WHERE action = 'jury.verdict'`); err != nil {
			t.Fatal(err)
		}
		return
	}
	if v, a := counts(); v != 0 || a != 0 {
		t.Fatalf("refus enregistré : %d verdicts, %d lignes d'audit", v, a)
	}
	got, err := f.s.RecordVerdict(f.ctx, as(f.members[1]), f.session, f.candidacy, cr, Acquis, "")
	must(t, err)
	if v, a := counts(); v != 1 || a != 1 || got.BlockCode != "RNCP37779BC02" || got.UpdatedAt.IsZero() {
		t.Fatalf("verdict : %d verdicts, %d lignes d'audit, %+v", v, a, got)
	}
	// Member 2 cannot see member 1's verdict before submitting.
	g, _ := f.s.Grid(f.ctx, f.session, f.candidacy, f.members[2])
	if !g.Blind || len(g.Others) != 0 {
		t.Fatalf("vote visible avant remise : %+v", g.Others)
	}
	if err := f.s.SubmitGrid(f.ctx, as(f.members[2]), f.session, f.candidacy); err == nil || !strings.Contains(err.Error(), "reste") {
		t.Fatalf("grille incomplète remise : %v", err)
	}
	f.scoreAll(f.members[2], "RNCP37779BC03")
	// Member 1's grid is a draft: it is not shown, even to a member whose
	// grid is in.
	g, _ = f.s.Grid(f.ctx, f.session, f.candidacy, f.members[2])
	if g.Blind || len(g.Others[cr]) != 1 || g.Others[cr][0].EvaluatorID != f.members[2] {
		t.Fatalf("après remise, les votes des autres : %+v", g.Others[cr])
	}
	if _, err := f.s.RecordVerdict(f.ctx, as(f.members[2]), f.session, f.candidacy, cr, NonAcquis, "changé"); err == nil {
		t.Fatal("grille remise modifiée")
	}
	// A draft never counts in the proposals.
	if tally, _ := f.s.Tally(f.ctx, f.d, f.session, f.candidacy); tally[0].Evaluators != 1 {
		t.Fatalf("brouillon compté : %+v", tally)
	}
	f.scoreAll(f.members[1])
	f.scoreAll(f.members[0], "RNCP37779BC02", "RNCP37779BC03")
	tally, err := f.s.Tally(f.ctx, f.d, f.session, f.candidacy)
	must(t, err)
	// BC02: 2 of 3 all acquis → validé; BC03: 1 of 3 → non validé.
	if tally[0].Proposal != Valide || tally[0].AllAcquis != 2 || tally[1].Proposal != NonValide || tally[1].AllAcquis != 1 {
		t.Fatalf("propositions : %+v", tally)
	}
}

func TestProposeTie(t *testing.T) {
	crit := map[string][]string{"B": {"c1", "c2"}}
	vs := []Verdict{{EvaluatorID: 1, CriterionCode: "c1", Verdict: Acquis}, {EvaluatorID: 1, CriterionCode: "c2", Verdict: Acquis},
		{EvaluatorID: 2, CriterionCode: "c1", Verdict: Acquis}, {EvaluatorID: 2, CriterionCode: "c2", Verdict: NonAcquis}}
	if p := Propose([]string{"B"}, crit, []int64{1, 2}, vs)[0].Proposal; p != Egalite {
		t.Fatalf("égalité : %s", p)
	}
	if p := Propose([]string{"B"}, crit, []int64{1, 2}, vs[:2])[0].Proposal; p != Egalite {
		t.Fatalf("un évaluateur muet : %s", p)
	}
	if p := Propose([]string{"B"}, crit, []int64{1, 2, 3}, vs)[0].Proposal; p != NonValide {
		t.Fatalf("1 sur 3 : %s", p)
	}
}

func TestDeliberateSignAndFreeze(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02", "RNCP37779BC03")
	f.ready()
	f.scoreAll(f.members[0])
	f.scoreAll(f.members[1], "RNCP37779BC03")
	f.scoreAll(f.members[2], "RNCP37779BC03")
	chair := as(f.members[0])
	if err := f.s.Decide(f.ctx, chair, f.session, f.candidacy, "RNCP37779BC02", ""); err == nil {
		t.Fatal("décision avant délibération")
	}
	// Not before the session's date.
	if err := f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members}); err == nil || !strings.Contains(err.Error(), "à partir de cette date") {
		t.Fatalf("délibération avant la date de la session : %v", err)
	}
	f.sessionDay()
	must(t, f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members}))
	if err := f.s.Decide(f.ctx, as(f.members[1]), f.session, f.candidacy, "RNCP37779BC02", ""); err == nil {
		t.Fatal("décision par un membre qui ne préside pas")
	}
	if err := f.s.Decide(f.ctx, chair, f.session, f.candidacy, "RNCP37779BC02", ""); err == nil || !strings.Contains(err.Error(), "il manque") {
		t.Fatalf("décision sans les votes : %v", err)
	}
	f.vote("RNCP37779BC02", Valide, Valide, Valide)
	must(t, f.s.Decide(f.ctx, chair, f.session, f.candidacy, "RNCP37779BC02", ""))
	f.vote("RNCP37779BC03", Valide, NonValide, NonValide)
	must(t, f.s.Decide(f.ctx, chair, f.session, f.candidacy, "RNCP37779BC03", ""))
	if err := f.s.SetOutcome(f.ctx, chair, f.session, f.candidacy, ReussiteTotale, ""); err == nil || !strings.Contains(err.Error(), "Réussite partielle") {
		t.Fatalf("résultat incohérent : %v", err)
	}
	if err := f.s.SetOutcome(f.ctx, chair, f.session, f.candidacy, "", ""); err == nil {
		t.Fatal("réussite partielle sans préconisations")
	}
	must(t, f.s.SetOutcome(f.ctx, chair, f.session, f.candidacy, "", "Approfondir l'accompagnement des communautés de travail."))
	if _, err := f.s.Sign(f.ctx, as(f.members[1]), f.session); err == nil {
		t.Fatal("signature par un membre qui ne préside pas")
	}
	m, err := f.s.Sign(f.ctx, chair, f.session)
	must(t, err)
	if m.Content.Totals.Partial != 1 || m.Content.Totals.Presented != 1 || len(m.SHA256) != 64 {
		t.Fatalf("PV : %+v", m.Content.Totals)
	}
	// The printed minutes are stored with the signature, with their hash.
	doc, stored, err := f.s.MinutesPDF(f.ctx, f.session, 1)
	must(t, err)
	if sum := sha256.Sum256(doc); hex.EncodeToString(sum[:]) != m.PDFSHA256 || stored.PDFSHA256 != m.PDFSHA256 || !strings.Contains(string(doc), m.SHA256) {
		t.Fatalf("PV imprimé : %q, %s", doc, stored.PDFSHA256)
	}
	// Acquired for life; candidacy evaluated.
	acq, _ := f.pf.AcquiredBlocks(f.ctx, f.candidate)
	if len(acq) != 1 || acq[0].BlockCode != "RNCP37779BC02" || acq[0].How != "jury" {
		t.Fatalf("blocs acquis : %+v", acq)
	}
	c, _ := f.pf.Candidacy(f.ctx, f.candidacy)
	if c.State != portfolio.Evaluated {
		t.Fatalf("candidature : %s", c.State)
	}
	// The database refuses any change, whatever the path.
	for _, q := range []string{
		`UPDATE jury_verdicts SET verdict = 'acquis', comment = ''`,
		`DELETE FROM jury_verdicts`,
		`INSERT INTO jury_verdicts (session_id, candidacy_id, evaluator_id, block_code, criterion_code, verdict) SELECT session_id, candidacy_id, evaluator_id, 'X', 'Y', 'acquis' FROM jury_evaluators LIMIT 1`,
		`UPDATE jury_block_decisions SET decision = 'valide', reason = 'x'`,
		`UPDATE jury_outcomes SET outcome = 'reussite_totale'`,
		`DELETE FROM jury_members`,
		`UPDATE jury_sessions SET status = 'open'`,
		`UPDATE jury_minutes SET sha256 = 'x'`,
		`UPDATE jury_minutes SET pdf = 'x'`,
	} {
		if _, err := f.d.Exec(q); err == nil {
			t.Errorf("%s : accepté après signature", q)
		}
	}
	if _, err := f.s.Sign(f.ctx, chair, f.session); !errors.Is(err, ErrSigned) {
		t.Fatalf("seconde signature : %v", err)
	}
	// The indicators' projection follows the signed minutes.
	var before string
	must(t, f.d.Get(&before, `SELECT decision FROM block_results WHERE session_id = $1 AND block_code = 'RNCP37779BC03'`, f.session))
	// Amendment: BC03 validated after all; new version, old kept.
	if _, err := f.s.Amend(f.ctx, chair, f.session, "", []AmendmentChange{{CandidacyID: f.candidacy, BlockCode: "RNCP37779BC03", Decision: Valide}}); err == nil {
		t.Fatal("avenant sans motif")
	}
	// A bloc acquired for life is never withdrawn: the amendment is
	// refused and nothing changes.
	if _, err := f.s.Amend(f.ctx, chair, f.session, "Erreur", []AmendmentChange{{CandidacyID: f.candidacy, BlockCode: "RNCP37779BC02", Decision: NonValide}}); err == nil || !strings.Contains(err.Error(), "acquis à vie") {
		t.Fatalf("avenant retirant un bloc acquis : %v", err)
	}
	// Every targeted bloc validated cannot be a partial success.
	if _, err := f.s.Amend(f.ctx, chair, f.session, "Erreur de report sur le bloc 3.",
		[]AmendmentChange{{CandidacyID: f.candidacy, BlockCode: "RNCP37779BC03", Decision: Valide}, {CandidacyID: f.candidacy, Outcome: ReussitePartielle, Preconisations: "Reste le bloc 1."}}); err == nil || !strings.Contains(err.Error(), "Réussite totale") {
		t.Fatalf("avenant : réussite partielle avec tous les blocs validés : %v", err)
	}
	if n := len(mustVersions(t, f)); n != 1 {
		t.Fatalf("avenant refusé mais enregistré : %d versions", n)
	}
	m2, err := f.s.Amend(f.ctx, chair, f.session, "Erreur de report sur le bloc 3 : les deux grilles étaient favorables.",
		[]AmendmentChange{{CandidacyID: f.candidacy, BlockCode: "RNCP37779BC03", Decision: Valide}})
	must(t, err)
	// The outcome follows the blocs; the préconisations no longer apply.
	if l := m2.Content.Candidates[0]; l.Outcome != ReussiteTotale || l.Preconisations != "" || !l.Decisions[1].Amended || m2.Content.Totals.Full != 1 || m2.Content.Totals.Partial != 0 {
		t.Fatalf("avenant : %+v, totaux %+v", l, m2.Content.Totals)
	}
	if m2.Version != 2 || m2.Content.Supersedes != 1 || *m2.Supersedes != m.ID {
		t.Fatalf("avenant : %+v", m2)
	}
	if doc2, _, err := f.s.MinutesPDF(f.ctx, f.session, 2); err != nil || !strings.Contains(string(doc2), "v2") {
		t.Fatalf("PV imprimé de l'avenant : %q, %v", doc2, err)
	}
	all, _ := f.s.MinutesVersions(f.ctx, f.session)
	if len(all) != 2 || all[0].SHA256 != m.SHA256 {
		t.Fatal("la version signée d'origine n'est pas conservée")
	}
	acq, _ = f.pf.AcquiredBlocks(f.ctx, f.candidate)
	if len(acq) != 2 {
		t.Fatalf("bloc de l'avenant non acquis : %+v", acq)
	}
	var after, outcome string
	must(t, f.d.Get(&after, `SELECT decision FROM block_results WHERE session_id = $1 AND block_code = 'RNCP37779BC03'`, f.session))
	must(t, f.d.Get(&outcome, `SELECT outcome FROM results WHERE session_id = $1`, f.session))
	if before != NonValide || after != Valide || outcome != string(ReussiteTotale) {
		t.Fatalf("projection : bloc 3 %s puis %s, résultat %s", before, after, outcome)
	}
}

func TestAwardOnSigning(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03")
	chair := f.allValidated()
	_, err := f.s.Sign(f.ctx, chair, f.session)
	must(t, err)
	certs, _ := f.pf.Certificates(f.ctx, f.candidate)
	if len(certs) != 1 || !strings.HasPrefix(certs[0].Number, fmt.Sprintf("RNCP37779-%d-", time.Now().Year())) {
		t.Fatalf("certification : %+v", certs)
	}
}

// TestConcurrentEvaluators: two evaluators saving the same grid at once
// lose nothing.
func TestConcurrentEvaluators(t *testing.T) {
	f := newFx(t, "RNCP36625", "RNCP36625BC01", "RNCP36625BC02")
	f.ready()
	crs := f.criteria()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for _, m := range f.members[:2] {
		for _, list := range crs {
			for _, cr := range list {
				wg.Add(1)
				go func(m int64, cr string) {
					defer wg.Done()
					_, err := f.s.RecordVerdict(f.ctx, as(m), f.session, f.candidacy, cr, Acquis, "")
					errs <- err
				}(m, cr)
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	var n int
	if err := f.d.Get(&n, `SELECT count(*) FROM jury_verdicts`); err != nil {
		t.Fatal(err)
	}
	if n != 2*40 {
		t.Fatalf("%d verdicts, attendu 80", n)
	}
}

// fakeMinutesPDF stands for internal/pdf, which imports this package: the
// store's tests check that the document is stored with its hash; the
// printing itself is tested in internal/pdf and through the web layer.
func fakeMinutesPDF(m *MinutesContent, sum string) ([]byte, error) {
	return []byte(fmt.Sprintf("%%PDF-fake v%d %s", m.Version, sum)), nil
}

// TestSigningIsAllOrNothing: a failure at the very last statement of the
// signature (the database refusing to mark the session signed, as a crash
// there would) leaves nothing of it: no minutes, no projection, no
// acquired bloc, no certificate, no state change, no audit row. Then the
// signature goes through whole.
func TestSigningIsAllOrNothing(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03")
	chair := f.allValidated()
	owner := dbtest.Owner(t, f.d) // the serving role may not create triggers
	owner.MustExec(`CREATE FUNCTION test_crash() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.status = 'signed' THEN RAISE EXCEPTION 'panne simulée'; END IF; RETURN NEW; END $$`)
	owner.MustExec(`CREATE TRIGGER test_crash BEFORE UPDATE ON jury_sessions FOR EACH ROW EXECUTE FUNCTION test_crash()`)
	if _, err := f.s.Sign(f.ctx, chair, f.session); err == nil || !strings.Contains(err.Error(), "panne simulée") {
		t.Fatalf("signature malgré la panne : %v", err)
	}
	count := func(q string) int {
		var n int
		must(t, f.d.Get(&n, q, f.session))
		return n
	}
	for what, q := range map[string]string{
		"procès-verbal":      `SELECT count(*) FROM jury_minutes WHERE session_id = $1`,
		"résultats projetés": `SELECT count(*) FROM results WHERE session_id = $1`,
		"blocs acquis":       `SELECT count(*) FROM acquired_blocks WHERE source = 'jury_session:' || $1::text`,
		"certificats":        `SELECT count(*) FROM certificates WHERE candidacy_id IN (SELECT candidacy_id FROM jury_assignments WHERE session_id = $1)`,
		"session signée":     `SELECT count(*) FROM jury_sessions WHERE id = $1 AND status = 'signed'`,
		"audit":              `SELECT count(*) FROM audit_log WHERE action = 'jury.signed' AND entity_id = $1::text`,
	} {
		if n := count(q); n != 0 {
			t.Errorf("%s : %d ligne(s) malgré l'échec de la signature", what, n)
		}
	}
	if c, _ := f.pf.Candidacy(f.ctx, f.candidacy); c.State != portfolio.DossierSubmitted {
		t.Fatalf("candidature passée à %s malgré l'échec", c.State)
	}
	owner.MustExec(`DROP TRIGGER test_crash ON jury_sessions`)
	_, err := f.s.Sign(f.ctx, chair, f.session)
	must(t, err)
	if count(`SELECT count(*) FROM jury_minutes WHERE session_id = $1`) != 1 || count(`SELECT count(*) FROM results WHERE session_id = $1`) != 1 {
		t.Fatal("signature incomplète après la panne")
	}
}

// allValidated takes a session whose candidacy targets the three
// RNCP37779 blocs to the point of signing: every criterion acquis, every
// bloc validated, full success. It returns the chair.
func (f *fx) allValidated() audit.Actor {
	f.t.Helper()
	f.ready()
	for _, m := range f.members {
		f.scoreAll(m)
	}
	f.sessionDay()
	must(f.t, f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members}))
	chair := as(f.members[0])
	for _, b := range []string{"RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03"} {
		f.vote(b, Valide, Valide, Valide)
		must(f.t, f.s.Decide(f.ctx, chair, f.session, f.candidacy, b, ""))
	}
	must(f.t, f.s.SetOutcome(f.ctx, chair, f.session, f.candidacy, ReussiteTotale, ""))
	return chair
}

// TestSignedMinutesCarryAuditHead: the minutes record the audit chain's
// sealed head at signing, and that head is found in the chain afterwards.
func TestSignedMinutesCarryAuditHead(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03")
	chair := f.allValidated()
	if _, err := audit.Seal(f.ctx, f.d); err != nil {
		t.Fatal(err)
	}
	head, err := audit.LastHead(f.ctx, f.d)
	must(t, err)
	m, err := f.s.Sign(f.ctx, chair, f.session)
	must(t, err)
	if head.Seq == 0 || m.Content.AuditHead != head.String() {
		t.Fatalf("tête imprimée %q, attendu %q", m.Content.AuditHead, head)
	}
	must(t, audit.CheckHead(f.ctx, f.d, head))
}

// sessionDay brings the session's date: deliberation and signing are
// refused before it.
func (f *fx) sessionDay() {
	f.t.Helper()
	f.d.MustExec(`UPDATE jury_sessions SET starts_at = now() - interval '1 hour' WHERE id = $1`, f.session)
}

// vote records the members' votes on a bloc, in f.members order; an
// empty vote skips that member.
func (f *fx) vote(block string, votes ...string) {
	f.t.Helper()
	for i, v := range votes {
		if v != "" {
			must(f.t, f.s.Vote(f.ctx, as(f.members[i]), f.session, f.candidacy, block, v))
		}
	}
}

func mustVersions(t *testing.T, f *fx) []Minutes {
	t.Helper()
	all, err := f.s.MinutesVersions(f.ctx, f.session)
	must(t, err)
	return all
}

// TestMinutesNameTheCertifierIdentity: once the certifier has set its
// identity, the signed minutes name it (issue 20), not the référentiel's
// source.
func TestMinutesNameTheCertifierIdentity(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03")
	must(t, certifier.NewStore(f.d, referentiel.NewStore(f.d)).Save(f.ctx, sys, certifier.Identity{Name: "CFEA — Centre de formation à l'emploi accompagné",
		SignatoryName: "Claire Dubois", SignatoryFunction: "Directrice"}, false))
	chair := f.allValidated()
	m, err := f.s.Sign(f.ctx, chair, f.session)
	must(t, err)
	if m.Content.Certifier != "CFEA — Centre de formation à l'emploi accompagné" {
		t.Fatalf("certificateur du procès-verbal : %q", m.Content.Certifier)
	}
}
