package staff

import (
	"reflect"
	"testing"

	"acquis/internal/account"
)

// TestMembersScanLikeSqlx checks that the hand-written scan of memberQuery
// (selectMembers, used by the national view and the roster) fills every
// field exactly as sqlx's scan by the db tags does, NULLs and a linked
// account included.
func TestMembersScanLikeSqlx(t *testing.T) {
	f := newFx(t)
	uid, err := account.NewStore(f.d).CreateUser(f.ctx, sys, account.NewUser{Email: "yann@exemple.fr", FullName: "Yann Kerjean",
		OrganisationID: f.platform, Grants: []account.Grant{{Role: account.RoleCandidate}}})
	if err != nil {
		t.Fatal(err)
	}
	email := "yann@exemple.fr"
	for _, m := range []*Member{
		{PlatformID: f.platform, FullName: "Yann Kerjean", Email: &email, Function: Counsellor, FTE: 0.8, HiredOn: d("2019-09-01"), Status: NotEngaged},
		{PlatformID: f.platform, FullName: "Anne Le Goff", Function: Counsellor, FTE: 1, HiredOn: d("2020-01-06"), Status: NotEngaged},
	} {
		if err := f.s.Save(f.ctx, sys, m); err != nil {
			t.Fatal(err)
		}
	}
	// Every nullable column set on one row, directly: the scan is under
	// test, not the rules of Save.
	f.d.MustExec(`UPDATE staff SET left_on = '2026-03-31', left_reason = 'mutation', employer = 'Association', training_end = '2027-06-30',
		planned_year = 2027, supervisor_training = 'done', supervisor_training_on = '2025-02-03', persons_accompanied = 12, persons_veille = 3,
		training_body = 'IRTS', evidence_name = 'preuve.pdf', evidence_mime = 'application/pdf', evidence_sha256 = repeat('a', 64)
		WHERE full_name = 'Anne Le Goff'`)
	got, err := f.s.AllStaff(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []Member
	if err := f.d.Select(&want, memberQuery+` ORDER BY s.platform_id, s.id`); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].UserID == nil || *got[0].UserID != uid || got[1].Accompanied == nil {
		t.Fatalf("rows: %+v", got)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("hand scan differs from sqlx:\n got %+v\nwant %+v", got, want)
	}
	roster, err := f.s.Roster(f.ctx, f.platform)
	if err != nil || len(roster) != 2 {
		t.Fatalf("roster: %v %+v", err, roster)
	}
}
