package staff

import (
	"testing"

	"acquis/internal/account"
)

// TestSmallCountsAndFrenchRegions (issue 14 #13): counts of 1 to 4 people
// are not written below the national level; régions come in French order.
func TestSmallCountsAndFrenchRegions(t *testing.T) {
	for n, want := range map[int]string{0: "0", 1: "< 5", 4: "< 5", 5: "5", 12: "12", -1: "> −5", -4: "> −5", -5: "−5"} {
		if got := SmallCount(n); got != want {
			t.Errorf("SmallCount(%d) = %q, attendu %q", n, got, want)
		}
	}
	platforms := []account.Organisation{
		{ID: 1, RegionCode: "28", DepartementCode: "14"}, // Normandie
		{ID: 2, RegionCode: "11", DepartementCode: "75"}, // Île-de-France
		{ID: 3, RegionCode: "84", DepartementCode: "69"}, // Auvergne-Rhône-Alpes
		{ID: 4, RegionCode: "76", DepartementCode: "34"}, // Occitanie
	}
	n := Aggregate(platforms, nil, nil, nil, d("2026-05-15"), "")
	var got []string
	for _, r := range n.Regions {
		got = append(got, r.Name)
	}
	want := []string{"Auvergne-Rhône-Alpes", "Île-de-France", "Normandie", "Occitanie"}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("ordre des régions : %v, attendu %v", got, want)
		}
	}
}
