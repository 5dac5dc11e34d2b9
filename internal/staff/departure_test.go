package staff

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"acquis/internal/fielderr"
)

// TestDepartureAndDeletion (issue 14 #10): a departure is recorded with
// its reason and takes the person out of the plan from that day; a row
// entered by mistake is deleted with a required reason; both are
// audited; another platform's row is out of reach.
func TestDepartureAndDeletion(t *testing.T) {
	f := newFx(t)
	p, _ := f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(tenPeople))
	if _, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil {
		t.Fatal(err)
	}
	roster, _ := f.s.Roster(f.ctx, f.platform)
	byName := map[string]Member{}
	for _, m := range roster {
		byName[m.FullName] = m
	}
	before := BuildPlan(roster, nil, f.s.now())
	anais := byName["Anaïs Perret"]
	if err := f.s.RecordDeparture(f.ctx, sys, f.platform, anais.ID, d("2020-12-31"), "Départ antérieur à l'embauche"); err == nil {
		t.Error("départ avant la prise de poste accepté")
	}
	if err := f.s.RecordDeparture(f.ctx, sys, f.platform, anais.ID, d("2026-10-31"), "  Mutation dans le Morbihan "); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.Member(f.ctx, anais.ID)
	if got.LeftOn == nil || !got.LeftOn.Equal(d("2026-10-31")) || got.LeftReason != "Mutation dans le Morbihan" {
		t.Fatalf("départ : %+v", got)
	}
	roster, _ = f.s.Roster(f.ctx, f.platform)
	after := BuildPlan(roster, nil, f.s.now())
	if after.Left != before.Left+1 || after.NotStarted != before.NotStarted-1 || after.Years[4].CumTarget != before.Years[4].CumTarget-1 {
		t.Errorf("plan après le départ : sortis %d → %d, objectif cumulé %d → %d", before.Left, after.Left, before.Years[4].CumTarget, after.Years[4].CumTarget)
	}
	// A deletion needs a reason.
	bruno := byName["Bruno Éon"]
	var ve *fielderr.Error
	if err := f.s.Delete(f.ctx, sys, f.platform, bruno.ID, " "); !errors.As(err, &ve) || ve.Field != "delete_reason" || f.count() != 10 {
		t.Fatalf("suppression sans motif : %v", err)
	}
	if err := f.s.Delete(f.ctx, sys, f.platform+1000, bruno.ID, "essai"); !errors.Is(err, ErrNotFound) {
		t.Errorf("suppression depuis une autre plateforme : %v", err)
	}
	if err := f.s.Delete(f.ctx, sys, f.platform, bruno.ID, "Saisi en double"); err != nil || f.count() != 9 {
		t.Fatalf("suppression : %v, %d lignes", err, f.count())
	}
	var change string
	if err := f.d.Get(&change, `SELECT change FROM audit_log WHERE action = 'staff.deleted' AND entity_id = $1`, strconv.FormatInt(bruno.ID, 10)); err != nil ||
		!strings.Contains(change, "Saisi en double") || !strings.Contains(change, "Bruno") {
		t.Errorf("audit de la suppression : %q %v", change, err)
	}
	var departed int
	if err := f.d.Get(&departed, `SELECT count(*) FROM audit_log WHERE action = 'staff.departed'`); err != nil {
		t.Fatal(err)
	}
	if departed != 1 {
		t.Errorf("%d départs audités", departed)
	}
}
