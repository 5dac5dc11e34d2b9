package geo

import "testing"

func TestCounts(t *testing.T) {
	if n := len(Departements()); n != 101 {
		t.Fatalf("%d départements, attendu 101", n)
	}
	if n := len(Regions()); n != 18 {
		t.Fatalf("%d régions, attendu 18", n)
	}
	over := 0
	perRegion := map[string]int{}
	for _, d := range Departements() {
		if IsOverseas(d.Code) {
			over++
		}
		perRegion[d.Region]++
	}
	if over != 5 {
		t.Fatalf("%d départements d'outre-mer, attendu 5", over)
	}
	want := map[string]int{"Île-de-France": 8, "Auvergne-Rhône-Alpes": 12, "Occitanie": 13, "Nouvelle-Aquitaine": 12,
		"Grand Est": 10, "Hauts-de-France": 5, "Bretagne": 4, "Normandie": 5, "Pays de la Loire": 5, "Centre-Val de Loire": 6,
		"Bourgogne-Franche-Comté": 8, "Provence-Alpes-Côte d'Azur": 6, "Corse": 2, "La Réunion": 1, "Mayotte": 1}
	for r, n := range want {
		if perRegion[r] != n {
			t.Errorf("%s : %d départements, attendu %d", r, perRegion[r], n)
		}
	}
}

func TestSpotChecks(t *testing.T) {
	for code, want := range map[string][2]string{
		"29": {"Finistère", "Bretagne"}, "2A": {"Corse-du-Sud", "Corse"}, "2b": {"Haute-Corse", "Corse"},
		"974": {"La Réunion", "La Réunion"}, "75": {"Paris", "Île-de-France"}, "13": {"Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur"},
		"67": {"Bas-Rhin", "Grand Est"}, "90": {"Territoire de Belfort", "Bourgogne-Franche-Comté"}, "22": {"Côtes-d'Armor", "Bretagne"},
		"69": {"Rhône", "Auvergne-Rhône-Alpes"}, "976": {"Mayotte", "Mayotte"}, "44": {"Loire-Atlantique", "Pays de la Loire"},
	} {
		d, ok := DepartementByCode(code)
		if !ok || d.Name != want[0] || d.Region != want[1] {
			t.Errorf("%s : %+v", code, d)
		}
	}
	if _, ok := DepartementByCode("20"); ok {
		t.Error("20 n'existe plus")
	}
	if r, ok := RegionByCode("53"); !ok || r.Name != "Bretagne" {
		t.Error("région 53")
	}
	if Regions()[0].Name != "Auvergne-Rhône-Alpes" {
		t.Errorf("tri : %s en tête", Regions()[0].Name)
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	for _, bad := range []string{"", "x,y\n", "code,nom,region_code,region\n01,,84,X\n", "code,nom,region_code,region\n01,A,84,X\n01,B,84,X\n"} {
		if _, err := parse(bad); err == nil {
			t.Errorf("accepté : %q", bad)
		}
	}
}
