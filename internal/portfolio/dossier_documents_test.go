package portfolio

import (
	"context"
	"strings"
	"testing"

	"acquis/internal/account"
)

// TestDossierDocumentsAreTheDeposited checks the jury reads the versions on
// the latest receipt: not a version superseded before the deposit, nor one
// uploaded after the certifier reopened the dossier.
func TestDossierDocumentsAreTheDeposited(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779", Pathways: allVAE("RNCP37779BC02"), ExperienceMonths: 30})
	must(t, err)
	must(t, f.s.Transition(ctx, f.actor(), id, AdmissibilitySubmitted, account.RoleCandidate, ""))
	must(t, f.s.Transition(ctx, sys, id, Admissible, account.RoleAdmin, ""))
	must(t, f.s.Transition(ctx, f.actor(), id, DossierInProgress, account.RoleCandidate, ""))
	add := func(hash string) Document {
		d, err := f.s.AddDocument(ctx, f.actor(), NewDocument{CandidacyID: id, BlockCode: "RNCP37779BC02", DeliverableCode: "RNCP37779BC02-D01",
			FileName: "dossier-" + hash + ".pdf", SHA256: strings.Repeat(hash, 64), Size: 10, Kind: "pdf", MIME: "application/pdf"})
		must(t, err)
		return d
	}
	if docs, err := f.s.DossierDocuments(ctx, id); err != nil || len(docs) != 0 {
		t.Fatalf("avant tout dépôt, le jury voit %+v (%v)", docs, err)
	}
	v1 := add("a")
	if docs, err := f.s.DossierDocuments(ctx, id); err != nil || len(docs) != 0 {
		t.Fatalf("avant le dépôt, le jury voit %+v (%v)", docs, err)
	}
	v2 := add("b")
	_, err = f.s.Submit(ctx, f.actor(), id)
	must(t, err)
	only := func(want Document) {
		t.Helper()
		docs, err := f.s.DossierDocuments(ctx, id)
		if err != nil || len(docs) != 1 || docs[0].ID != want.ID {
			t.Fatalf("le jury voit %+v (%v), attendu la version %d", docs, err, want.Version)
		}
		for _, d := range []Document{v1, v2} {
			ok, err := f.s.Deposited(ctx, id, d.ID)
			must(t, err)
			if ok != (d.ID == want.ID) {
				t.Fatalf("version %d ouverte au jury : %v", d.Version, ok)
			}
		}
	}
	only(v2)
	// Reopened and a third version uploaded: still the deposited one.
	must(t, f.s.Transition(ctx, sys, id, DossierInProgress, account.RoleAdmin, "Pièce illisible."))
	v3 := add("c")
	only(v2)
	if ok, _ := f.s.Deposited(ctx, id, v3.ID); ok {
		t.Fatal("une version postérieure au dépôt est ouverte au jury")
	}
	// Deposited again: now the third.
	_, err = f.s.Submit(ctx, f.actor(), id)
	must(t, err)
	docs, err := f.s.DossierDocuments(ctx, id)
	if err != nil || len(docs) != 1 || docs[0].ID != v3.ID {
		t.Fatalf("après le second dépôt, le jury voit %+v (%v)", docs, err)
	}
	if ok, _ := f.s.Deposited(ctx, id, v2.ID); ok {
		t.Fatal("la version remplacée reste ouverte au jury")
	}
}
