package portfolio

import (
	"context"
	"errors"
	"strings"
	"testing"

	"acquis/internal/account"
	"acquis/internal/fielderr"
)

// TestOneLiveCandidacy: a second candidacy for the same certification is
// refused while the first is live, by the store with a French message and
// by the database's partial unique index; once the first is withdrawn, a
// new one may be opened, and another certification is never affected.
func TestOneLiveCandidacy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779", Pathways: allVAE("RNCP37779BC01")})
	must(t, err)
	_, err = f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779", Pathways: allVAE("RNCP37779BC02")})
	var ve *fielderr.Error
	if !errors.As(err, &ve) || !strings.Contains(ve.Message, "déjà une candidature en cours") || !strings.Contains(ve.Message, "Brouillon") {
		t.Fatalf("seconde candidature : %v", err)
	}
	// The database refuses it too, whatever the caller.
	if _, err := f.d.Exec(`INSERT INTO candidacies (candidate_id, certification_code, version_id)
		SELECT candidate_id, certification_code, version_id FROM candidacies WHERE id = $1`, first); err == nil {
		t.Fatal("doublon accepté par la base")
	}
	if _, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP36625", Pathways: allVAE("RNCP36625BC01")}); err != nil {
		t.Fatalf("autre certification : %v", err)
	}
	must(t, f.s.Transition(ctx, f.actor(), first, Withdrawn, account.RoleCandidate, ""))
	if _, err := f.s.Create(ctx, f.actor(), NewCandidacy{CandidateID: f.candidate, CertificationCode: "RNCP37779", Pathways: allVAE("RNCP37779BC02")}); err != nil {
		t.Fatalf("après abandon : %v", err)
	}
	var n int
	must(t, f.d.Get(&n, `SELECT count(*) FROM candidacies WHERE candidate_id = $1`, f.candidate))
	if n != 3 {
		t.Fatalf("%d candidatures, attendu 3", n)
	}
}
