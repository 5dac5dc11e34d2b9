package jury

import (
	"fmt"
	"testing"

	"acquis/internal/account"
)

// BenchmarkBoard reads the deliberation of a session of 20 candidates ×
// 3 members (every grid in, every vote cast) as the president sees it,
// and its two queries alone.
func BenchmarkBoard(b *testing.B) {
	f := boardFx(b, 20)
	b.Run("board", func(b *testing.B) {
		for b.Loop() {
			bd, err := f.s.Board(f.ctx, f.session, f.members[0])
			if err != nil || len(bd.Lines) != 20 {
				b.Fatal(err)
			}
		}
	})
	b.Run("requete-principale", func(b *testing.B) {
		for b.Loop() {
			var row boardRow
			if err := f.d.Get(&row, boardQuery, f.session); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("requete-verdicts", func(b *testing.B) {
		for b.Loop() {
			var n []struct {
				CandidacyID int64 `db:"candidacy_id"`
				Verdict
			}
			if err := f.d.Select(&n, boardVerdictsQuery, f.session); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// boardFx is a deliberating session of n candidates × 3 members, every
// grid in and every vote cast.
func boardFx(b testing.TB, n int) *fx {
	f := newFxTB(b, "RNCP37779", "RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03")
	for i, m := range f.members {
		must(f.t, f.s.AddMember(f.ctx, sys, f.session, m, i == 0))
	}
	cids := []int64{f.candidacy}
	for i := 1; i < n; i++ {
		uid, err := f.acc.CreateUser(f.ctx, sys, account.NewUser{Email: fmt.Sprintf("cand%02d@exemple.fr", i), FullName: fmt.Sprintf("Candidat %02d", i),
			OrganisationID: f.platform, Grants: []account.Grant{{Role: account.RoleCandidate}}})
		must(f.t, err)
		cids = append(cids, f.submitted(uid, "RNCP37779", "RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03"))
	}
	for _, c := range cids {
		must(f.t, f.s.Assign(f.ctx, sys, f.session, c, f.members))
	}
	_, err := f.s.Open(f.ctx, sys, f.session)
	must(f.t, err)
	for _, c := range cids {
		f.candidacy = c
		for _, m := range f.members {
			must(f.t, f.s.Declare(f.ctx, as(m), f.session, c))
			f.scoreAll(m)
		}
	}
	f.sessionDay()
	must(f.t, f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members}))
	for _, c := range cids {
		f.candidacy = c
		for _, bl := range []string{"RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03"} {
			f.vote(bl, Valide, Valide, Valide)
		}
	}
	return f
}
