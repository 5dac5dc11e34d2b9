package jury

import (
	"errors"
	"strings"
	"testing"

	"acquis/internal/fielderr"
)

// TestMemberAddChairRemove: a member already on the session is refused, a
// second chair is refused with the name of the one in place, the
// présidence changes by its own action naming who loses it, and a member
// is removed before scoring opens (with their evaluator assignments), not
// after; each change is audited.
func TestMemberAddChairRemove(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	must(t, f.s.AddMember(f.ctx, sys, f.session, f.members[0], true))
	must(t, f.s.AddMember(f.ctx, sys, f.session, f.members[1], false))
	var ve *fielderr.Error
	if err := f.s.AddMember(f.ctx, sys, f.session, f.members[1], false); !errors.As(err, &ve) || !strings.Contains(ve.Message, "Juré 1 est déjà membre de cette session") {
		t.Fatalf("membre ajouté deux fois : %v", err)
	}
	if err := f.s.AddMember(f.ctx, sys, f.session, f.members[2], true); !errors.As(err, &ve) || !strings.Contains(ve.Message, "déjà confiée à Juré 0") {
		t.Fatalf("seconde présidence : %v", err)
	}
	var n int
	must(t, f.d.Get(&n, `SELECT count(*) FROM jury_members WHERE session_id = $1`, f.session))
	if n != 2 {
		t.Fatalf("%d membres après refus, attendu 2", n)
	}
	ch, err := f.s.SetChair(f.ctx, sys, f.session, f.members[1])
	if err != nil || ch.From != "Juré 0" || ch.To != "Juré 1" {
		t.Fatalf("changement de présidence : %+v %v", ch, err)
	}
	if _, err := f.s.SetChair(f.ctx, sys, f.session, f.members[2]); !errors.As(err, &ve) || !strings.Contains(ve.Message, "pas membre") {
		t.Fatalf("présidence à un non-membre : %v", err)
	}
	members, err := f.s.Members(f.ctx, f.session)
	must(t, err)
	if len(members) != 2 || !members[0].IsChair || members[0].UserID != f.members[1] || members[1].IsChair {
		t.Fatalf("après changement : %+v", members)
	}
	must(t, f.s.AddMember(f.ctx, sys, f.session, f.members[2], false))
	must(t, f.s.Assign(f.ctx, sys, f.session, f.candidacy, f.members))
	must(t, f.s.RemoveMember(f.ctx, sys, f.session, f.members[2]))
	must(t, f.d.Get(&n, `SELECT count(*) FROM jury_evaluators WHERE session_id = $1 AND evaluator_id = $2`, f.session, f.members[2]))
	if n != 0 {
		t.Fatal("le membre retiré reste évaluateur")
	}
	must(t, f.s.AddMember(f.ctx, sys, f.session, f.members[2], false))
	must(t, f.s.Assign(f.ctx, sys, f.session, f.candidacy, f.members))
	_, err = f.s.Open(f.ctx, sys, f.session)
	must(t, err)
	if err := f.s.RemoveMember(f.ctx, sys, f.session, f.members[2]); !errors.As(err, &ve) || !strings.Contains(ve.Message, "évaluation ouverte") {
		t.Fatalf("retrait après ouverture : %v", err)
	}
	var actions []string
	must(t, f.d.Select(&actions, `SELECT action FROM audit_log WHERE action IN ('jury.chair_change', 'jury.member_remove') ORDER BY id`))
	if strings.Join(actions, ",") != "jury.chair_change,jury.member_remove" {
		t.Fatalf("journal : %v", actions)
	}
}
