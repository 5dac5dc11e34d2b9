package portfolio

import (
	"context"
	"errors"
	"strings"
	"testing"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/fielderr"
)

// TestCASPPrerequisiteEvidence: entering CASP training needs 18 months of
// experience (fiche 002). The number typed at creation is not enough:
// admissibility is asked only with evidence uploaded, and granted only
// once the certifier has verified that evidence and found 18 months; a
// verification of 12 months cannot be accepted, and one accepted on an
// older file does not count for a new one. VAE is not concerned.
func TestCASPPrerequisiteEvidence(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	adminID, err := account.NewStore(f.d).CreateUser(ctx, sys, account.NewUser{Email: "certif@exemple.fr", FullName: "Certificateur", Grants: []account.Grant{{Role: account.RoleAdmin}}})
	must(t, err)
	certifier := audit.Actor{UserID: adminID, Role: "admin"}
	id, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: CASPCode,
		Pathways: map[string]Pathway{"RNCP36625BC01": Formation}, ExperienceMonths: 24})
	must(t, err)
	var ve *fielderr.Error
	if err := f.s.Transition(ctx, f.actor(), id, AdmissibilitySubmitted, account.RoleCandidate, ""); !errors.As(err, &ve) || !strings.Contains(ve.Message, "joignez le justificatif") {
		t.Fatalf("recevabilité demandée sans justificatif : %v", err)
	}
	evidence := func() {
		t.Helper()
		_, err := f.s.AddPrerequisiteEvidence(ctx, f.actor(), id, "experience_professionnelle", NewDocument{FileName: "certificats de travail.pdf",
			SHA256: strings.Repeat("c", 64), Size: 10, Kind: "pdf", MIME: "application/pdf"})
		must(t, err)
	}
	evidence()
	must(t, f.s.Transition(ctx, f.actor(), id, AdmissibilitySubmitted, account.RoleCandidate, ""))
	if err := f.s.Transition(ctx, certifier, id, Admissible, account.RoleAdmin, ""); !errors.As(err, &ve) || !strings.Contains(ve.Message, "vérifiez d'abord") {
		t.Fatalf("recevable sans vérification : %v", err)
	}
	if err := f.s.CheckPrerequisite(ctx, certifier, id, "experience_professionnelle", 12, true, "Deux certificats : 12 mois."); !errors.As(err, &ve) || !strings.Contains(ve.Message, "12 mois") {
		t.Fatalf("12 mois acceptés : %v", err)
	}
	must(t, f.s.CheckPrerequisite(ctx, certifier, id, "experience_professionnelle", 12, false, "Deux certificats : 12 mois seulement."))
	if err := f.s.Transition(ctx, certifier, id, Admissible, account.RoleAdmin, ""); !errors.As(err, &ve) || !strings.Contains(ve.Message, "12 mois sur les 18") {
		t.Fatalf("recevable avec 12 mois justifiés : %v", err)
	}
	must(t, f.s.CheckPrerequisite(ctx, certifier, id, "experience_professionnelle", 20, true, "Trois employeurs, de 2022 à 2024 : 20 mois."))
	// A new file from the candidate: the verification was of the old one.
	evidence()
	if err := f.s.Transition(ctx, certifier, id, Admissible, account.RoleAdmin, ""); !errors.As(err, &ve) || !strings.Contains(ve.Message, "vérifiez d'abord") {
		t.Fatalf("recevable sur la vérification d'un ancien justificatif : %v", err)
	}
	must(t, f.s.CheckPrerequisite(ctx, certifier, id, "experience_professionnelle", 20, true, "Trois employeurs, de 2022 à 2024 : 20 mois."))
	must(t, f.s.Transition(ctx, certifier, id, Admissible, account.RoleAdmin, ""))
	c, _ := f.s.Candidacy(ctx, id)
	if c.State != Admissible {
		t.Fatalf("état : %s", c.State)
	}
	checks, err := f.s.PrerequisiteChecks(ctx, id)
	must(t, err)
	if chk := checks["experience_professionnelle"]; !chk.Accepted || chk.Months != 20 {
		t.Fatalf("vérification : %+v", chk)
	}
	// VAE: no prerequisite, nothing asked.
	other := audit.Actor{UserID: f.other, Role: "candidate"}
	vae, err := f.s.Create(ctx, other, NewCandidacy{CandidateID: f.other, CertificationCode: CASPCode, Pathways: map[string]Pathway{"RNCP36625BC01": VAE}})
	must(t, err)
	must(t, f.s.Transition(ctx, other, vae, AdmissibilitySubmitted, account.RoleCandidate, ""))
	if _, err := f.s.AddPrerequisiteEvidence(ctx, other, vae, "experience_professionnelle", NewDocument{FileName: "x.pdf", SHA256: strings.Repeat("c", 64), Size: 1, Kind: "pdf", MIME: "application/pdf"}); !errors.As(err, &ve) {
		t.Fatalf("justificatif pour une VAE : %v", err)
	}
	must(t, f.s.Transition(ctx, certifier, vae, Admissible, account.RoleAdmin, ""))
}
