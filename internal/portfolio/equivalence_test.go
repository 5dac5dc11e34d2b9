package portfolio

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/fielderr"
	"acquis/internal/referentiel"
)

// TestEquivalenceEndToEnd: a bloc aimed at by équivalence is not presented
// to the jury (no row the jury reads, no deliverable asked); the candidate
// gives a proof, the certifier refuses it with reasons, a new proof is
// accepted on a ground the référentiel lists, and the bloc is acquired by
// équivalence, today, without a jury. CASP, whose fiche lists no
// équivalence, refuses the pathway.
func TestEquivalenceEndToEnd(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var ve *fielderr.Error
	_, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP36625", Pathways: map[string]Pathway{"RNCP36625BC01": Equivalence}})
	if !errors.As(err, &ve) || !strings.Contains(ve.Message, "ne prévoit pas de validation par équivalence") {
		t.Fatalf("équivalence CASP : %v", err)
	}
	id, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779",
		Pathways: map[string]Pathway{"RNCP37779BC01": VAE, "RNCP37779BC03": Equivalence}})
	must(t, err)
	c, err := f.s.Candidacy(ctx, id)
	must(t, err)
	cert, err := referentiel.NewStore(f.d).Version(ctx, c.VersionID)
	must(t, err)
	if len(cert.Equivalences) != 1 {
		t.Fatalf("équivalences du référentiel : %+v", cert.Equivalences)
	}
	missing := Missing(cert, c, nil)
	if len(missing["RNCP37779BC03"]) != 0 || len(missing["RNCP37779BC01"]) == 0 {
		t.Fatalf("livrables demandés : %v", missing)
	}
	var jury int
	must(t, f.d.Get(&jury, `SELECT count(*) FROM candidacy_blocks WHERE candidacy_id = $1 AND block_code = 'RNCP37779BC03'`, id))
	if jury != 0 {
		t.Fatal("le bloc par équivalence est présenté au jury")
	}
	if _, err := f.d.Exec(`INSERT INTO candidacy_blocks (candidacy_id, block_code, position, pathway) VALUES ($1, 'RNCP37779BC02', 2, 'equivalence')`, id); err == nil {
		t.Fatal("la base accepte un bloc par équivalence parmi les blocs du jury")
	}
	adminID, err := account.NewStore(f.d).CreateUser(ctx, sys, account.NewUser{Email: "certificateur@exemple.fr", FullName: "Certificatrice", Grants: []account.Grant{{Role: account.RoleAdmin}}})
	must(t, err)
	certifier := audit.Actor{UserID: adminID, Role: "admin"}
	accept := EquivalenceDecision{BlockCode: "RNCP37779BC03", Accept: true, Basis: cert.Equivalences[0].Code, Note: "Titulaire du bloc 3 du titre X (attestation jointe)."}
	if _, err := f.s.DecideEquivalence(ctx, certifier, id, accept); !errors.As(err, &ve) || !strings.Contains(ve.Message, "pas encore fourni de preuve") {
		t.Fatalf("décision sans preuve : %v", err)
	}
	proof := func() {
		t.Helper()
		_, err := f.s.AddEquivalenceProof(ctx, f.actor(), id, "RNCP37779BC03", NewDocument{FileName: "titre.pdf", SHA256: strings.Repeat("b", 64), Size: 10, Kind: "pdf", MIME: "application/pdf"})
		must(t, err)
	}
	if _, err := f.s.AddEquivalenceProof(ctx, f.actor(), id, "RNCP37779BC01", NewDocument{FileName: "x.pdf", SHA256: strings.Repeat("b", 64), Size: 10, Kind: "pdf", MIME: "application/pdf"}); !errors.As(err, &ve) {
		t.Fatalf("preuve pour un bloc visé par VAE : %v", err)
	}
	proof()
	for _, bad := range []EquivalenceDecision{
		{BlockCode: "RNCP37779BC03", Accept: true, Basis: "inventé", Note: "x"},
		{BlockCode: "RNCP37779BC03", Accept: true, Basis: cert.Equivalences[0].Code, Note: "  "},
		{BlockCode: "RNCP37779BC01", Accept: true, Basis: cert.Equivalences[0].Code, Note: "x"},
	} {
		if _, err := f.s.DecideEquivalence(ctx, certifier, id, bad); !errors.As(err, &ve) {
			t.Errorf("décision acceptée : %+v (%v)", bad, err)
		}
	}
	_, err = f.s.DecideEquivalence(ctx, certifier, id, EquivalenceDecision{BlockCode: "RNCP37779BC03", Note: "Le titre présenté ne couvre pas l'accompagnement des communautés de travail."})
	must(t, err)
	c, _ = f.s.Candidacy(ctx, id)
	if c.Equivalences[0].Status != EquivalenceRefused {
		t.Fatalf("après refus : %+v", c.Equivalences)
	}
	if held, _ := f.s.AcquiredBlocks(ctx, f.candidate); len(held) != 0 {
		t.Fatalf("bloc acquis malgré le refus : %+v", held)
	}
	proof()
	_, err = f.s.DecideEquivalence(ctx, certifier, id, accept)
	must(t, err)
	held, err := f.s.AcquiredBlocks(ctx, f.candidate)
	must(t, err)
	today := time.Now().In(paris).Format("2006-01-02")
	if len(held) != 1 || held[0].BlockCode != "RNCP37779BC03" || held[0].How != "equivalence" || held[0].AcquiredOn.Format("2006-01-02") != today ||
		!strings.Contains(held[0].Source, "Titulaire du bloc 3") {
		t.Fatalf("bloc acquis : %+v", held)
	}
	if _, err := f.s.DecideEquivalence(ctx, certifier, id, accept); !errors.As(err, &ve) {
		t.Fatalf("seconde décision : %v", err)
	}
	var actions []string
	must(t, f.d.Select(&actions, `SELECT action FROM audit_log WHERE action LIKE 'candidacy.equivalence%' OR action = 'block.acquired' ORDER BY id`))
	if strings.Join(actions, ",") != "candidacy.equivalence_proof,candidacy.equivalence_decision,candidacy.equivalence_proof,candidacy.equivalence_decision,block.acquired" {
		t.Fatalf("journal : %v", actions)
	}
	var subjects []string
	must(t, f.d.Select(&subjects, `SELECT subject FROM outbox WHERE user_id = $1 AND subject LIKE 'Équivalence%' ORDER BY id`, f.candidate))
	if strings.Join(subjects, ",") != "Équivalence refusée : bloc RNCP37779BC03,Équivalence accordée : bloc RNCP37779BC03" {
		t.Fatalf("courriels d'équivalence : %v", subjects)
	}
	// The dossier deposited for the jury holds the VAE bloc's files, not the
	// proof of the équivalence.
	must(t, f.s.Transition(ctx, f.actor(), id, AdmissibilitySubmitted, account.RoleCandidate, ""))
	must(t, f.s.Transition(ctx, certifier, id, Admissible, account.RoleAdmin, ""))
	must(t, f.s.Transition(ctx, f.actor(), id, DossierInProgress, account.RoleCandidate, ""))
	_, err = f.s.AddDocument(ctx, f.actor(), NewDocument{CandidacyID: id, BlockCode: "RNCP37779BC01", DeliverableCode: "RNCP37779BC01-D01",
		FileName: "dossier.pdf", SHA256: strings.Repeat("d", 64), Size: 10, Kind: "pdf", MIME: "application/pdf"})
	must(t, err)
	dep, err := f.s.Submit(ctx, f.actor(), id)
	must(t, err)
	if len(dep.Files) != 1 || dep.Files[0].DeliverableCode != "RNCP37779BC01-D01" {
		t.Fatalf("récépissé : %+v", dep.Files)
	}
	if docs, err := f.s.DossierDocuments(ctx, id); err != nil || len(docs) != 1 || docs[0].DeliverableCode != "RNCP37779BC01-D01" {
		t.Fatalf("documents montrés au jury : %+v %v", docs, err)
	}
	// A candidacy aiming only at équivalences deposits no dossier for a jury.
	other := audit.Actor{UserID: f.other, Role: "candidate"}
	only, err := f.s.Create(ctx, other, NewCandidacy{CandidateID: f.other, CertificationCode: "RNCP37779", Pathways: map[string]Pathway{"RNCP37779BC02": Equivalence}})
	must(t, err)
	must(t, f.s.Transition(ctx, other, only, AdmissibilitySubmitted, account.RoleCandidate, ""))
	must(t, f.s.Transition(ctx, certifier, only, Admissible, account.RoleAdmin, ""))
	must(t, f.s.Transition(ctx, other, only, DossierInProgress, account.RoleCandidate, ""))
	if _, err := f.s.Submit(ctx, other, only); !errors.As(err, &ve) || !strings.Contains(ve.Message, "pas de dossier à déposer") {
		t.Fatalf("dépôt sans bloc pour le jury : %v", err)
	}
}
