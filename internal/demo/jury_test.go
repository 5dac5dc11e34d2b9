package demo

import (
	"context"
	"testing"

	"acquis/internal/blob"
	"acquis/internal/db/dbtest"
	"acquis/internal/jury"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// TestDemoSplitVote: the demo's signed session shows a split vote decided
// by the presidency: Olivier Chevalier states a conflict with Soizic
// Tanguy, the two other members split on her bloc 3, and Hélène
// Marchand's casting vote decides; the absent candidate's grids are left
// out with the reason. The signed minutes say all of it.
func TestDemoSplitVote(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, d, blobs); err != nil {
		t.Fatal(err)
	}
	var sid int64
	if err := d.Get(&sid, `SELECT id FROM jury_sessions WHERE status = 'signed' ORDER BY starts_at LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	m, err := jury.NewStore(d, referentiel.NewStore(d), portfolio.NewStore(d), nil).Current(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range m.Content.Candidates {
		switch l.CandidateName {
		case "Soizic Tanguy":
			for _, dec := range l.Decisions {
				if dec.BlockCode == "RNCP37779BC03" && dec.CastingVote && dec.VotesValide == 1 && dec.VotesNonValide == 1 && dec.Decision == jury.NonValide {
					found = true
				}
			}
			if len(l.Recused) != 1 || l.Recused[0].Name != "Olivier Chevalier" || l.Outcome != jury.ReussitePartielle {
				t.Errorf("Soizic Tanguy au procès-verbal : %+v", l)
			}
		case "Jérôme Blanchard":
			if l.Outcome != jury.Absent || len(l.LeftOut) != 2 {
				t.Errorf("candidat absent au procès-verbal : %+v", l)
			}
		}
	}
	if !found {
		t.Fatal("la démonstration ne montre pas de partage départagé par la présidence")
	}
}
