package staff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// tenPeople is a platform's roster as the demo has them: 10 people, 6
// without an e-mail (issue 14 #9: each of those came back as a duplicate).
const tenPeople = "nom;email;fonction;etp;date_prise_de_poste;statut;date_statut;annee_prevue\r\n" +
	"Yann Kerjean;yann@exemple.fr;conseiller;1;01/09/2019;non engagé;;2027\r\n" +
	"Élodie Lefèvre;elodie@exemple.fr;Conseillère en emploi accompagné;0,8;15/03/2018;en formation;01/02/2026;\r\n" +
	"Anaïs Perret;;conseillère;1;02/01/2021;non engagé;;2028\r\n" +
	"Zoé Bernard;;conseiller·ère;0,5;01/06/2020;VAE en cours;01/03/2026;\r\n" +
	"Luc Martin;;Chef de service;1;05/01/2015;non engagé;;\r\n" +
	"Maëlle Guivarc'h;;conseiller;1;01/10/2022;titulaire;30/06/2026;\r\n" +
	"Jérôme Câlin;;coordinatrice;1;01/01/2016;non engagé;;\r\n" +
	"Agnès Roux;;conseiller;1;01/04/2017;non engagé;;2029\r\n" +
	"Bruno Éon;bruno@exemple.fr;conseiller;1;01/02/2026;non engagé;;\r\n" +
	"Chloé Ibáñez;chloe@exemple.fr;responsable de dispositif;1;01/09/2014;non engagé;;\r\n"

// TestReimportOwnExportChangesNothing: the platform's own export (CSV,
// then XLSX) imported back is « inchangé » on every line, writes nothing
// (no row, no audit of a change); one cell edited in it is one « mise à
// jour »; a line without id or e-mail is matched by name and date of
// taking the post.
func TestReimportOwnExportChangesNothing(t *testing.T) {
	f := newFx(t)
	p, err := f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(tenPeople))
	if err != nil || len(p.Errors) != 0 || p.Count(ActionAdd) != 10 {
		t.Fatalf("premier import : %v %v", err, p.Errors)
	}
	if n, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil || n != 10 {
		t.Fatalf("premier import : %d %v", n, err)
	}
	audits := func() int {
		var n int
		if err := f.d.Get(&n, `SELECT count(*) FROM audit_log WHERE action IN ('staff.created', 'staff.updated')`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := audits()
	roster, _ := f.s.Roster(f.ctx, f.platform)
	wb, err := WorkbookXLSX(roster, BuildPlan(roster, nil, d("2027-05-15")))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"effectif.csv": RosterCSV(roster), "effectif.xlsx": wb} {
		p, err := f.s.ParseRoster(f.ctx, f.platform, name, data)
		if err != nil || len(p.Errors) != 0 || len(p.Rows) != 10 {
			t.Fatalf("%s : %v %v", name, err, p.Errors)
		}
		for _, r := range p.Rows {
			if r.Action != ActionUnchanged {
				t.Errorf("%s, ligne %d (%s) : %s", name, r.Line, r.Member.FullName, r.Action)
			}
		}
		if n, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil || n != 0 {
			t.Fatalf("%s réimporté : %d lignes écrites, %v", name, n, err)
		}
		if f.count() != 10 || audits() != before {
			t.Fatalf("%s réimporté : %d personnes, %d changements audités", name, f.count(), audits()-before)
		}
	}
	// One FTE changed in the export: one update, nine unchanged.
	edited := strings.Replace(string(RosterCSV(roster)), "Anaïs Perret;;Conseiller en emploi accompagné;1;", "Anaïs Perret;;Conseiller en emploi accompagné;0,5;", 1)
	p, _ = f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(edited))
	if len(p.Errors) != 0 || p.Count(ActionUpdate) != 1 || p.Count(ActionUnchanged) != 9 {
		t.Fatalf("export modifié : %v, %d mises à jour", p.Errors, p.Count(ActionUpdate))
	}
	// The manager's own file again, without ids: still nothing to add.
	p, _ = f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(tenPeople))
	if len(p.Errors) != 0 || p.Count(ActionAdd) != 0 {
		t.Fatalf("fichier d'origine réimporté : %v, %d ajouts", p.Errors, p.Count(ActionAdd))
	}
	// An id that is not this roster's: refused.
	p, _ = f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte("id;nom;fonction;etp;date_prise_de_poste;statut\r\n999999;X;conseiller;1;01/01/2020;non engagé\r\n"))
	if len(p.Errors) != 1 || p.Errors[0].Field != "id" {
		t.Fatalf("identifiant étranger : %v", p.Errors)
	}
}

// TestExportSpeaksFrench: the export writes French words, names in French
// order, and an XLSX whose numbers and dates are typed, with a correct
// dimension.
func TestExportSpeaksFrench(t *testing.T) {
	f := newFx(t)
	p, _ := f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(tenPeople))
	if _, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil {
		t.Fatal(err)
	}
	roster, _ := f.s.Roster(f.ctx, f.platform)
	out := string(RosterCSV(roster))
	for _, w := range []string{"non engagé", "en formation", "VAE en cours", "titulaire", "Conseiller en emploi accompagné", "À programmer"} {
		if !strings.Contains(out, w) {
			t.Errorf("export : %q manque", w)
		}
	}
	for _, w := range []string{"not_engaged", "holder", "training", ";todo", ";conseiller;"} {
		if strings.Contains(out, w) {
			t.Errorf("export : %q en anglais ou en code", w)
		}
	}
	if strings.Index(out, "Élodie") > strings.Index(out, "Yann") || strings.Index(out, "Agnès") > strings.Index(out, "Bruno") {
		t.Error("export : noms hors de l'ordre français")
	}
	wb, err := WorkbookXLSX(roster, BuildPlan(roster, nil, d("2027-05-15")))
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	if dim, _ := x.GetSheetDimension("Effectif"); dim != "A1:T11" {
		t.Errorf("dimension de la feuille Effectif : %q", dim)
	}
	// Numbers carry no string type; the name is a string.
	for _, cell := range []string{"D2", "E2", "T2"} {
		if got, _ := x.GetCellType("Effectif", cell); got == excelize.CellTypeSharedString || got == excelize.CellTypeInlineString {
			t.Errorf("cellule %s enregistrée comme texte", cell)
		}
	}
	if got, _ := x.GetCellType("Effectif", "A2"); got != excelize.CellTypeSharedString {
		t.Errorf("nom : type %v", got)
	}
	// A date is a number with a date format, shown JJ/MM/AAAA.
	if v, _ := x.GetCellValue("Effectif", "E2"); !strings.Contains(v, "/") {
		t.Errorf("date affichée %q", v)
	}
	if raw, _ := x.GetCellValue("Effectif", "E2", excelize.Options{RawCellValue: true}); strings.Contains(raw, "/") {
		t.Errorf("date enregistrée comme texte : %q", raw)
	}
	// SUM works on the plan's targets: they add up to the baseline (six
	// counsellors in post on 2026-01-01 without the title).
	_ = x.SetCellFormula("Plan", "L1", "SUM(B2:B6)")
	if v, err := x.CalcCellValue("Plan", "L1"); err != nil || v != "6" {
		t.Errorf("SUM des objectifs : %q %v", v, err)
	}
}
