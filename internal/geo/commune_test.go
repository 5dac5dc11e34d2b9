package geo

import (
	"strings"
	"testing"
)

func names(cs []Commune) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Choice())
	}
	return strings.Join(out, ", ")
}

// TestCommunesEmbedded checks the embedded list is the whole official one:
// current communes, Paris's arrondissements and former communes.
func TestCommunesEmbedded(t *testing.T) {
	t.Parallel()
	ix := communeIndex()
	count := map[string]int{}
	for _, c := range ix.list {
		count[c.Kind]++
	}
	if count[CommuneCurrent] < 34000 || count[CommuneDistrict] != 45 || count[CommuneDelegated] < 2000 || count[CommuneAssociated] < 400 {
		t.Fatalf("liste incomplète : %v", count)
	}
	for _, code := range []string{"35238", "2A004", "75115", "75056", "97411", "13201"} {
		if !CommuneKnown(code) {
			t.Errorf("%s inconnu", code)
		}
	}
	for _, code := range []string{"35999", "99134", "00000", "Rennes"} {
		if CommuneKnown(code) {
			t.Errorf("%s connu", code)
		}
	}
	if c, ok := CommuneByCode("01015"); !ok || c.Name != "Arboys en Bugey" {
		t.Fatalf("code partagé par une commune déléguée : %+v", c)
	}
}

func TestSearchCommunes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		q, first string
		max      int
	}{
		{"rennes", "Rennes (35238)", 0},
		{"RENNES", "Rennes (35238)", 0},
		{"ajaccio", "Ajaccio (2A004)", 0},
		{"evry c", "Évry-Courcouronnes (91228)", 0}, {"évry", "Évry (89162)", 0},
		{"st malo", "Saint-Malo (35288)", 0},
		{"rochelle", "La Rochelle (17300)", 0},
		{"35000", "Rennes (35238)", 1},
		{"29200", "Brest (29019)", 1},
		{"saint denis 974", "Saint-Denis (97411)", 1},
		{"Rennes (35238)", "Rennes (35238)", 1},
		{"arbignieu", "Arbignieu (01015)", 1},
		{"paris 15", "Paris 15e Arrondissement (75115)", 0},
	} {
		got := SearchCommunes(tc.q, 20)
		if len(got) == 0 || got[0].Choice() != tc.first || tc.max > 0 && len(got) > tc.max {
			t.Errorf("%q : %s", tc.q, names(got))
		}
	}
	if got := SearchCommunes("saint", 20); len(got) != 20 {
		t.Errorf("limite non tenue : %d", len(got))
	}
	if got := SearchCommunes("zzzz", 20); len(got) != 0 {
		t.Errorf("zzzz : %s", names(got))
	}
	if got := SearchCommunes("  ", 20); len(got) != 0 {
		t.Errorf("vide : %s", names(got))
	}
	if c, _ := CommuneByCode("01015"); !strings.Contains(SearchCommunes("arbignieu", 1)[0].Label(), "commune déléguée, aujourd'hui "+c.Name) {
		t.Errorf("libellé d'une commune déléguée : %s", SearchCommunes("arbignieu", 1)[0].Label())
	}
	if l := SearchCommunes("rennes", 1)[0].Label(); l != "Ille-et-Vilaine (35) — 35000, 35200, 35700" {
		t.Errorf("libellé : %s", l)
	}
}
