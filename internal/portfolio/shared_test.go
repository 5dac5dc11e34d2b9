package portfolio

import (
	"context"
	"strings"
	"testing"

	"acquis/internal/account"
)

// caspInProgress opens a CASP candidacy by VAE on the given blocs and takes
// it to "dossier in progress".
func caspInProgress(t *testing.T, f *fixture, blocks ...string) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: CASPCode, Pathways: allVAE(blocks...), ExperienceMonths: 40})
	must(t, err)
	must(t, f.s.Transition(ctx, f.actor(), id, AdmissibilitySubmitted, account.RoleCandidate, ""))
	must(t, f.s.Transition(ctx, sys, id, Admissible, account.RoleAdmin, ""))
	must(t, f.s.Transition(ctx, f.actor(), id, DossierInProgress, account.RoleCandidate, ""))
	return id
}

// TestSharedMemoireDepositedOnce: CASP blocs 1 and 2 share one mémoire
// (issue 18 #5). Sent once, from either bloc, it is one document that
// counts for both, the receipt lists it once naming both blocs, the jury's
// dossier gives it both blocs, and the audit row says so.
func TestSharedMemoireDepositedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := caspInProgress(t, f, "RNCP36625BC01", "RNCP36625BC02", "RNCP36625BC03")
	c, _ := f.s.Candidacy(ctx, id)
	cert, _ := f.s.refs.Version(ctx, c.VersionID)
	if got := cert.SharedBlocks("RNCP36625-MEMOIRE"); len(got) != 2 || got[0] != "RNCP36625BC01" || got[1] != "RNCP36625BC02" {
		t.Fatalf("blocs du mémoire commun : %v", got)
	}
	// Sent from bloc 2's deliverable: it serves bloc 1 too.
	doc, err := f.s.AddDocument(ctx, f.actor(), NewDocument{CandidacyID: id, BlockCode: "RNCP36625BC02", DeliverableCode: "RNCP36625BC02-D01", FileName: "mémoire.pdf",
		SHA256: strings.Repeat("ab", 32), Size: 2048, Kind: "pdf", MIME: "application/pdf"})
	must(t, err)
	if doc.DeliverableCode != "RNCP36625-MEMOIRE" || doc.Version != 1 {
		t.Fatalf("document : %+v", doc)
	}
	docs, _ := f.s.Documents(ctx, id)
	missing := Missing(cert, c, docs)
	if len(missing["RNCP36625BC01"]) != 0 || len(missing["RNCP36625BC02"]) != 0 || len(missing["RNCP36625BC03"]) != 2 {
		t.Fatalf("manquants : %+v", missing)
	}
	for _, d := range []string{"RNCP36625BC03-D01", "RNCP36625BC03-D02"} {
		_, err := f.s.AddDocument(ctx, f.actor(), NewDocument{CandidacyID: id, BlockCode: "RNCP36625BC03", DeliverableCode: d, FileName: d + ".pdf",
			SHA256: strings.Repeat("cd", 32), Size: 100, Kind: "pdf", MIME: "application/pdf"})
		must(t, err)
	}
	dep, err := f.s.Submit(ctx, f.actor(), id)
	must(t, err)
	if len(dep.Files) != 3 {
		t.Fatalf("le reçu liste %d fichiers, attendu 3 (le mémoire une fois) : %+v", len(dep.Files), dep.Files)
	}
	m := dep.Files[0]
	if m.DeliverableCode != "RNCP36625-MEMOIRE" || m.BlocksLabel() != "RNCP36625BC01, RNCP36625BC02" || m.DeliverableName != "Mémoire professionnel" {
		t.Fatalf("mémoire au reçu : %+v (%s)", m, m.BlocksLabel())
	}
	jd, err := f.s.DossierDocuments(ctx, id)
	must(t, err)
	if len(jd) != 3 || len(jd[0].Blocks) != 2 || jd[0].Blocks[1] != "RNCP36625BC02" {
		t.Fatalf("dossier du jury : %+v", jd)
	}
	var blocks string
	if err := f.d.Get(&blocks, `SELECT change FROM audit_log WHERE action = 'document.upload' AND entity_id = $1`, itoa(doc.ID)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(blocks, "RNCP36625BC01") || !strings.Contains(blocks, "RNCP36625BC02") {
		t.Fatalf("audit du dépôt : %q", blocks)
	}
}

// TestSharedMemoireOneBlocPresented: when only bloc 2 goes before the jury
// (bloc 1 acquired earlier), the shared mémoire serves bloc 2 alone and
// the jury still sees it.
func TestSharedMemoireOneBlocPresented(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := caspInProgress(t, f, "RNCP36625BC02")
	doc, err := f.s.AddDocument(ctx, f.actor(), NewDocument{CandidacyID: id, BlockCode: "RNCP36625BC02", DeliverableCode: "RNCP36625BC02-D01", FileName: "mémoire.pdf",
		SHA256: strings.Repeat("ab", 32), Size: 2048, Kind: "pdf", MIME: "application/pdf"})
	must(t, err)
	dep, err := f.s.Submit(ctx, f.actor(), id)
	must(t, err)
	if len(dep.Files) != 1 || dep.Files[0].BlocksLabel() != "RNCP36625BC02" || dep.Files[0].DocumentID != doc.ID {
		t.Fatalf("reçu : %+v", dep.Files)
	}
	jd, err := f.s.DossierDocuments(ctx, id)
	must(t, err)
	if len(jd) != 1 || len(jd[0].Blocks) != 1 || jd[0].Blocks[0] != "RNCP36625BC02" {
		t.Fatalf("dossier du jury : %+v", jd)
	}
}
