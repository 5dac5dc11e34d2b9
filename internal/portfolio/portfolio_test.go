package portfolio

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/fielderr"
)

func TestMain(m *testing.M) { dbtest.Main(m, seed.Referentiels) }

var sys = audit.Actor{Role: "test"}

type fixture struct {
	s         *Store
	d         *sqlx.DB
	candidate int64
	other     int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	t.Parallel()
	d := dbtest.New(t)
	acc := account.NewStore(d)
	ctx := context.Background()
	c, err := acc.CreateUser(ctx, sys, account.NewUser{Email: "candidat@exemple.fr", FullName: "Candidat Un", Grants: []account.Grant{{Role: account.RoleCandidate}}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := acc.CreateUser(ctx, sys, account.NewUser{Email: "autre@exemple.fr", FullName: "Candidat Deux", Grants: []account.Grant{{Role: account.RoleCandidate}}})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{s: NewStore(d), d: d, candidate: c, other: o}
}

func (f *fixture) actor() audit.Actor { return audit.Actor{UserID: f.candidate, Role: "candidate"} }

func allVAE(codes ...string) map[string]Pathway {
	m := map[string]Pathway{}
	for _, c := range codes {
		m[c] = VAE
	}
	return m
}

// TestTransitionTable checks every pair of states for every role against
// the expected table, so that an accidental new move fails here.
func TestTransitionTable(t *testing.T) {
	allowed := map[[2]State]account.Role{
		{Draft, AdmissibilitySubmitted}:         account.RoleCandidate,
		{Incomplete, AdmissibilitySubmitted}:    account.RoleCandidate,
		{AdmissibilitySubmitted, Admissible}:    account.RoleAdmin,
		{AdmissibilitySubmitted, Incomplete}:    account.RoleAdmin,
		{AdmissibilitySubmitted, NotAdmissible}: account.RoleAdmin,
		{DossierInProgress, DossierSubmitted}:   account.RoleCandidate,
		{DossierSubmitted, DossierInProgress}:   account.RoleAdmin,
		{DossierSubmitted, Evaluated}:           RoleSystem,
		{Evaluated, DossierInProgress}:          account.RoleAdmin,
		{Evaluated, Closed}:                     account.RoleAdmin,
	}
	roles := []account.Role{account.RoleCandidate, account.RoleAdmin, account.RoleJuryMember, account.RolePlatformManager, account.RoleObserver, RoleSystem}
	for _, from := range AllStates {
		for _, to := range AllStates {
			for _, r := range roles {
				want := allowed[[2]State{from, to}] == r && r != ""
				if from == Admissible && to == DossierInProgress && (r == account.RoleCandidate || r == account.RoleAdmin) {
					want = true
				}
				if to == Withdrawn && r == account.RoleCandidate && !from.Terminal() && from != Evaluated {
					want = true
				}
				err := CheckTransition(from, to, r)
				if got := err == nil; got != want {
					t.Errorf("%s → %s par %s : autorisé=%v, attendu %v", from, to, r, got, want)
				}
				if err != nil && !errors.Is(err, ErrTransition) {
					t.Errorf("erreur non typée : %v", err)
				}
				if err != nil && !strings.Contains(err.Error(), "«") {
					t.Errorf("message non français : %v", err)
				}
			}
		}
	}
}

func TestCandidacyJourney(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779",
		Pathways: map[string]Pathway{"RNCP37779BC01": VAE, "RNCP37779BC02": Formation, "RNCP37779BC03": Equivalence}, ExperienceMonths: 30})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := f.s.Candidacy(ctx, id)
	// The équivalence bloc is not among the blocs presented to the jury.
	if c.State != Draft || len(c.Blocks) != 2 || c.Blocks[1].Pathway != Formation || len(c.Equivalences) != 1 || c.Equivalences[0].Status != AwaitingProof {
		t.Fatalf("candidature : %+v", c)
	}
	if err := f.s.Transition(ctx, f.actor(), id, Admissible, account.RoleCandidate, ""); !errors.Is(err, ErrTransition) {
		t.Fatalf("le candidat se déclare recevable : %v", err)
	}
	must(t, f.s.Transition(ctx, f.actor(), id, AdmissibilitySubmitted, account.RoleCandidate, ""))
	c, _ = f.s.Candidacy(ctx, id)
	due := c.AdmissibilitySubmittedAt.AddDate(0, 2, 0)
	if c.AdmissibilityDue == nil || c.AdmissibilityDue.Sub(due) > 48*time.Hour || due.Sub(c.AdmissibilityDue.Time) > 48*time.Hour {
		t.Fatalf("échéance : %v (demandée %v)", c.AdmissibilityDue, c.AdmissibilitySubmittedAt)
	}
	if c.Overdue(time.Now()) || !c.Overdue(time.Now().AddDate(0, 2, 3)) {
		t.Fatal("retard mal calculé")
	}
	// Incomplete needs reasons.
	if err := f.s.Transition(ctx, sys, id, Incomplete, account.RoleAdmin, "  "); err == nil {
		t.Fatal("incomplet sans motif accepté")
	}
	must(t, f.s.Transition(ctx, sys, id, Incomplete, account.RoleAdmin, "Il manque l'attestation d'employeur."))
	must(t, f.s.Transition(ctx, f.actor(), id, AdmissibilitySubmitted, account.RoleCandidate, ""))
	must(t, f.s.Transition(ctx, sys, id, Admissible, account.RoleAdmin, ""))
	must(t, f.s.Transition(ctx, f.actor(), id, DossierInProgress, account.RoleCandidate, ""))
	hist, _ := f.s.History(ctx, id)
	if len(hist) != 5 {
		t.Fatalf("historique : %d transitions", len(hist))
	}
	var audited int
	if err := f.d.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'candidacy.transition' AND entity_id = $1`, itoa(id)); err != nil {
		t.Fatal(err)
	}
	if audited != 5 {
		t.Fatalf("%d transitions auditées", audited)
	}
	// Submission refused while a deliverable is missing.
	if _, err := f.s.Submit(ctx, f.actor(), id); err == nil || !strings.Contains(err.Error(), "manque") {
		t.Fatalf("dépôt incomplet accepté : %v", err)
	}
	c, _ = f.s.Candidacy(ctx, id)
	if c.State != DossierInProgress || c.Locked {
		t.Fatal("un dépôt refusé a laissé des traces")
	}
	cert, _ := f.s.refs.Version(ctx, c.VersionID)
	for _, b := range cert.Blocks {
		for _, d := range b.Deliverables {
			if !d.Upload {
				continue
			}
			if _, err := f.s.AddDocument(ctx, f.actor(), NewDocument{CandidacyID: id, BlockCode: b.Code, DeliverableCode: d.Code, FileName: "dossier.pdf",
				SHA256: strings.Repeat("ab", 32), Size: 1234, Kind: "pdf", MIME: "application/pdf"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	dep, err := f.s.Submit(ctx, f.actor(), id)
	if err != nil {
		t.Fatal(err)
	}
	// Bloc 3 is aimed at by équivalence: its file is not in the jury's dossier.
	if dep.Number != 1 || len(dep.Files) != 2 || dep.Files[0].SHA256 != strings.Repeat("ab", 32) {
		t.Fatalf("reçu : %+v", dep)
	}
	// Locked: no new version, no deletion, no self-assessment change.
	_, err = f.s.AddDocument(ctx, f.actor(), NewDocument{CandidacyID: id, BlockCode: "RNCP37779BC01", DeliverableCode: dep.Files[0].DeliverableCode,
		FileName: "x.pdf", SHA256: strings.Repeat("cd", 32), Size: 1, Kind: "pdf", MIME: "application/pdf"})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("dépôt après verrouillage : %v", err)
	}
	if err := f.s.DeleteDocument(ctx, f.actor(), dep.Files[0].DocumentID); !errors.Is(err, ErrLocked) {
		t.Fatalf("suppression après verrouillage : %v", err)
	}
	// The receipt cannot be altered, even in SQL.
	if _, err := f.d.Exec(`UPDATE deposits SET files = '[]' WHERE id = $1`, dep.ID); err == nil {
		t.Fatal("reçu modifiable")
	}
	// Reopening by the certifier needs a reason, and unlocks.
	if err := f.s.Transition(ctx, sys, id, DossierInProgress, account.RoleAdmin, ""); err == nil {
		t.Fatal("réouverture sans motif")
	}
	must(t, f.s.Transition(ctx, sys, id, DossierInProgress, account.RoleAdmin, "Pièce illisible."))
	c, _ = f.s.Candidacy(ctx, id)
	if c.Locked {
		t.Fatal("toujours verrouillé après réouverture")
	}
	// Withdrawal at any time by the candidate.
	must(t, f.s.Transition(ctx, f.actor(), id, Withdrawn, account.RoleCandidate, ""))
	if err := f.s.Transition(ctx, f.actor(), id, AdmissibilitySubmitted, account.RoleCandidate, ""); err == nil {
		t.Fatal("candidature abandonnée relancée")
	}
}

func TestDocumentVersionsAndDeletion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP36625", Pathways: allVAE("RNCP36625BC01"), ExperienceMonths: 40})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := f.s.Candidacy(ctx, id)
	cert, _ := f.s.refs.Version(ctx, c.VersionID)
	del := cert.Blocks[0].Deliverables[0]
	var last Document
	for i := 0; i < 3; i++ {
		last, err = f.s.AddDocument(ctx, f.actor(), NewDocument{CandidacyID: id, BlockCode: "RNCP36625BC01", DeliverableCode: del.Code, FileName: "memoire.pdf",
			SHA256: strings.Repeat(string(rune('a'+i)), 64), Size: int64(100 + i), Kind: "pdf", MIME: "application/pdf"})
		if err != nil {
			t.Fatal(err)
		}
	}
	if last.Version != 3 {
		t.Fatalf("version %d", last.Version)
	}
	must(t, f.s.DeleteDocument(ctx, f.actor(), last.ID))
	docs, _ := f.s.Documents(ctx, id)
	if len(docs) != 3 || docs[2].DeletedAt == nil {
		t.Fatal("la version supprimée doit rester dans l'historique")
	}
	var n int
	if err := f.d.Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'document.delete'`); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatal("suppression non auditée")
	}
}

func TestAcquiredBlocksExcludedAndAward(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	on := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	var cert *Certificate
	err := db.InTx(ctx, f.d, func(tx *sqlx.Tx) error {
		var err error
		if cert, err = Acquire(ctx, tx, sys, f.candidate, "RNCP37779", "RNCP37779BC01", on, "jury", "test", 0); err != nil {
			return err
		}
		if cert != nil {
			t.Fatal("certification délivrée après un seul bloc")
		}
		if cert, err = Acquire(ctx, tx, sys, f.candidate, "RNCP37779", "RNCP37779BC02", on, "jury", "test", 0); err != nil || cert != nil {
			t.Fatalf("après deux blocs : %v %v", cert, err)
		}
		return nil
	})
	must(t, err)
	// A new candidacy cannot target an acquired bloc…
	_, err = f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779", Pathways: allVAE("RNCP37779BC01", "RNCP37779BC03")})
	var ve *fielderr.Error
	if !errors.As(err, &ve) || !strings.Contains(ve.Message, "acquis à vie") {
		t.Fatalf("bloc acquis visé : %v", err)
	}
	// …but the missing one, yes.
	if _, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779", Pathways: allVAE("RNCP37779BC03")}); err != nil {
		t.Fatal(err)
	}
	// The last bloc awards the certification, exactly once.
	acquire := func(source string) (c *Certificate, err error) {
		err = db.InTx(ctx, f.d, func(tx *sqlx.Tx) error {
			c, err = Acquire(ctx, tx, sys, f.candidate, "RNCP37779", "RNCP37779BC03", on, "equivalence", source, 0)
			return err
		})
		return c, err
	}
	cert, err = acquire("Décision d'équivalence du 15/06/2026")
	if err != nil || cert == nil || cert.Number != "RNCP37779-2026-00001" {
		t.Fatalf("certification : %+v %v", cert, err)
	}
	again, err := acquire("doublon")
	if err != nil || again != nil {
		t.Fatalf("seconde délivrance : %+v %v", again, err)
	}
	// Another candidate gets the next number.
	err = db.InTx(ctx, f.d, func(tx *sqlx.Tx) error {
		for _, b := range []string{"RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03"} {
			c, err := Acquire(ctx, tx, sys, f.other, "RNCP37779", b, on, "jury", "test", 0)
			if err != nil {
				return err
			}
			cert = c
		}
		return nil
	})
	if err != nil || cert == nil || cert.Number != "RNCP37779-2026-00002" {
		t.Fatalf("second certificat : %+v %v", cert, err)
	}
	if _, err := f.d.Exec(`DELETE FROM acquired_blocks`); err == nil {
		t.Fatal("blocs acquis effaçables")
	}
	// All blocs held: a new candidacy is refused with a clear message.
	_, err = f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779"})
	if err == nil || !strings.Contains(err.Error(), "déjà tous les blocs") {
		t.Fatalf("toutes acquises : %v", err)
	}
}

func TestCASPPrerequisite(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP36625",
		Pathways: map[string]Pathway{"RNCP36625BC01": Formation}, ExperienceMonths: 17})
	if err == nil || !strings.Contains(err.Error(), "18 mois") || !strings.Contains(err.Error(), "manque 1 mois") {
		t.Fatalf("prérequis non vérifié : %v", err)
	}
	if _, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP36625",
		Pathways: map[string]Pathway{"RNCP36625BC01": Formation}, ExperienceMonths: 18}); err != nil {
		t.Fatalf("18 mois refusés : %v", err)
	}
	// VAE is not training entry: the prerequisite does not apply.
	if _, err := f.s.Create(ctx, audit.Actor{UserID: f.other, Role: "candidate"}, NewCandidacy{CandidateID: f.other, CertificationCode: "RNCP36625",
		Pathways: map[string]Pathway{"RNCP36625BC02": VAE}, ExperienceMonths: 6}); err != nil {
		t.Fatalf("VAE refusée : %v", err)
	}
	// Bad input changes nothing.
	for _, n := range []NewCandidacy{
		{CandidateID: f.candidate, CertificationCode: "RNCP00000", Pathways: allVAE("RNCP00000BC01")},
		{CandidateID: f.candidate, CertificationCode: "RNCP36625", Pathways: allVAE("RNCP37779BC01")},
		{CandidateID: f.candidate, CertificationCode: "RNCP36625", Pathways: map[string]Pathway{"RNCP36625BC01": "stage"}},
		{CandidateID: f.candidate, CertificationCode: "RNCP36625", Pathways: allVAE("RNCP36625BC01"), ExperienceMonths: -3},
	} {
		if _, err := f.s.Create(ctx, f.actor(), n); err == nil {
			t.Errorf("accepté : %+v", n)
		}
	}
	var count int
	if err := f.d.Get(&count, `SELECT count(*) FROM candidacies`); err != nil {
		t.Fatal(err)
	}
	if count != 2 {
		t.Fatalf("%d candidatures, attendu 2", count)
	}
}

func TestSelfAssessment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779", Pathways: allVAE("RNCP37779BC02")})
	must(t, err)
	c, _ := f.s.Candidacy(ctx, id)
	cert, _ := f.s.refs.Version(ctx, c.VersionID)
	comp := cert.Blocks[1].Competences[0].Code
	must(t, f.s.SaveSelfAssessment(ctx, f.actor(), id, []Assessment{{CompetenceCode: comp, Level: 4, Comment: "Autonome."}}))
	for _, bad := range []Assessment{{CompetenceCode: comp, Level: 6}, {CompetenceCode: cert.Blocks[0].Competences[0].Code, Level: 3}} {
		if err := f.s.SaveSelfAssessment(ctx, f.actor(), id, []Assessment{bad}); err == nil {
			t.Errorf("accepté : %+v", bad)
		}
	}
	sa, _ := f.s.SelfAssessment(ctx, id)
	if sa[comp].Level != 4 || len(sa) != 1 {
		t.Fatalf("auto-évaluation : %+v", sa)
	}
	if len(Scale) != 5 || !strings.HasPrefix(Scale[4].Label, "Mise en œuvre autonome") || !strings.HasSuffix(Scale[4].Label, "capacité à l'améliorer") {
		t.Fatal("échelle")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
