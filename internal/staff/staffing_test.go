package staff

import (
	"fmt"
	"strings"
	"testing"

	"acquis/internal/account"
)

// TestStaffingIndicators (issue 14 #5): seed 001's « nombre total d'ETP
// affectés à la plateforme », « nombre d'ETP dédiés à l'accompagnement »
// and « nombre moyen de personnes suivies par conseiller (ETP) » against
// « 20 personnes hors veille », read from the roster: the import takes
// the persons accompanied and those in « veille » under headers as
// people write them, reports every error of a line, the export round
// trip changes nothing, and the figures add up per platform, région and
// nation with the ceiling flagged.
func TestStaffingIndicators(t *testing.T) {
	f := newFx(t) // Hérault, Occitanie; today 2027-05-15
	file := "Nom;Fonction;ETP;Date de prise de poste;Statut;Nombre de personnes accompagnées;Dont en veille\r\n" +
		"Yann Kerjean;conseiller;1;01/09/2019;non engagé;22;3\r\n" +
		"Élodie Lefèvre;Conseillère en emploi accompagné;0,8;15/03/2018;non engagé;20 personnes;2\r\n" +
		"Anaïs Perret;conseillère;1;02/01/2021;non engagé;;\r\n" +
		"Luc Martin;Chef de service;1;05/01/2015;non engagé;;\r\n"
	bad := "Nom;Fonction;ETP;Date de prise de poste;Statut;Personnes suivies;En veille\r\n" +
		"Zoé Bernard;conseiller;1;01/06/2020;non engagé;douze;\r\n" +
		"Agnès Roux;conseiller;1;01/04/2017;non engagé;10;12\r\n" +
		"Chloé Ibáñez;responsable de dispositif;1,5;01/09/2014;non engagé;5;\r\n" +
		"Bruno Éon;conseiller;1;01/02/2026;non engagé;;4\r\n"
	p, err := f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range p.Errors {
		got[fmt.Sprintf("ligne %d, %s", e.Line, e.Field)] = true
	}
	for _, want := range []string{"ligne 2, personnes_accompagnees", "ligne 3, dont_en_veille", "ligne 4, etp", "ligne 4, personnes_accompagnees", "ligne 5, dont_en_veille"} {
		if !got[want] {
			t.Errorf("erreur attendue %q, reçu %v", want, p.Errors)
		}
	}
	if len(p.Errors) != 5 {
		t.Errorf("%d erreurs : %v", len(p.Errors), p.Errors)
	}
	p, _ = f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(file))
	if len(p.Errors) != 0 {
		t.Fatal(p.Errors)
	}
	if _, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil {
		t.Fatal(err)
	}
	roster, _ := f.s.Roster(f.ctx, f.platform)
	st := BuildPlan(roster, nil, f.s.now()).Staffing
	// 3,8 ETP in post, 2,8 of counsellors; 42 accompanied, 5 in veille,
	// over the 1,8 ETP that said it: 37 / 1,8 = 20,6 > 20.
	if st.FTE != 3.8 || st.CounsellorFTE != 2.8 || st.Accompanied != 42 || st.Veille != 5 || st.ReportedFTE != 1.8 || st.Unreported != 1 || st.OverCeiling != 1 {
		t.Fatalf("indicateurs : %+v", st)
	}
	if r, ok := st.PerFTE(); !ok || r != 20.6 || !st.AboveCeiling() || st.PerFTEText() != "20,6" {
		t.Errorf("ratio %v %v", r, ok)
	}
	// The export carries both counts; imported back, every line is
	// « inchangé ».
	wb, err := WorkbookXLSX(roster, BuildPlan(roster, nil, f.s.now()))
	if err != nil {
		t.Fatal(err)
	}
	csv := string(RosterCSV(roster))
	if !strings.Contains(csv, ";personnes_accompagnees;dont_en_veille;id\r\n") || !strings.Contains(csv, ";22;3;") {
		t.Fatalf("export :\n%s", csv)
	}
	for name, data := range map[string][]byte{"effectif.csv": []byte(csv), "effectif.xlsx": wb} {
		p, _ := f.s.ParseRoster(f.ctx, f.platform, name, data)
		if len(p.Errors) != 0 || p.Count(ActionUnchanged) != 4 {
			t.Errorf("%s réimporté : %v, %d inchangés", name, p.Errors, p.Count(ActionUnchanged))
		}
	}
	// A second platform of the région: 10 accompanied on 1 ETP. The
	// région and the nation: 47 outside veille over 2,8 ETP = 16,8.
	accounts := account.NewStore(f.d)
	gard, err := accounts.CreateOrganisation(f.ctx, sys, account.NewOrganisation{Kind: account.OrgPlatform, Name: "Plateforme du Gard", DepartementCode: "30"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ = f.s.ParseRoster(f.ctx, gard, "effectif.csv", []byte("nom;fonction;etp;date_prise_de_poste;statut;personnes_accompagnees\r\nLéa Fabre;conseiller;1;01/01/2020;non engagé;10\r\n"))
	if _, err := f.s.Import(f.ctx, sys, gard, p); err != nil {
		t.Fatal(err)
	}
	platforms, _ := accounts.Organisations(f.ctx, account.OrgPlatform)
	all, _ := f.s.AllStaff(f.ctx)
	n := Aggregate(platforms, all, nil, Defaults(all, f.s.now()), f.s.now(), "")
	if len(n.Regions) != 1 || n.Regions[0].Code != "76" {
		t.Fatalf("régions : %+v", n.Regions)
	}
	for _, s := range []Staffing{n.Regions[0].Plan.Staffing, n.Total.Staffing} {
		if s.FTE != 4.8 || s.Accompanied != 52 || s.Veille != 5 || s.ReportedFTE != 2.8 || s.PerFTEText() != "16,8" || s.AboveCeiling() || s.OverCeiling != 1 {
			t.Errorf("région ou nation : %+v", s)
		}
	}
	for _, pp := range n.Platforms {
		if above := pp.Plan.Staffing.AboveCeiling(); above != (pp.Platform.ID == f.platform) {
			t.Errorf("%s : au-dessus du plafond %v", pp.Platform.Name, above)
		}
	}
}
