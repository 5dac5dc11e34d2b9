package form

import (
	"testing"

	"acquis/internal/fielderr"
)

type sample struct {
	Insee string `form:"birth_insee" label:"Code INSEE" validate:"insee"`
	Start string `form:"start" label:"La date de début" validate:"omitempty,isodate"`
	End   string `form:"end" label:"La date de fin" validate:"omitempty,isodate,notbefore=Start"`
	Name  string `form:"name" label:"Le nom" validate:"required,max=5"`
	Fixed string `form:"fixed" validate:"integer" msg:"Un nombre, s'il vous plaît."`
}

// TestMessagesAreFrenchAndPlaced: each refusal carries the form name of
// its field and a French sentence naming it by its label.
func TestMessagesAreFrenchAndPlaced(t *testing.T) {
	err := Validate(&sample{Insee: "Brest", Start: "2026-05-02", End: "2026-05-01", Name: "", Fixed: "x"})
	l, ok := fielderr.From(err)
	if !ok {
		t.Fatalf("attendu une liste de champs refusés, reçu %v", err)
	}
	got := l.Messages()
	want := map[string]string{
		"birth_insee": "Code INSEE : 5 caractères, par exemple 35238 pour Rennes ou 2A004 pour Ajaccio (99xxx pour une naissance à l'étranger).",
		"end":         "La date de fin précède la date de début.",
		"name":        "Le nom est un champ obligatoire.",
		"fixed":       "Un nombre, s'il vous plaît.",
	}
	for f, m := range want {
		if got[f] != m {
			t.Errorf("%s : %q, attendu %q", f, got[f], m)
		}
	}
	if len(got) != len(want) {
		t.Errorf("champs refusés : %v", got)
	}
}

// TestGoodFormPasses: valid values (a Corsican INSEE code in lower case,
// a range on one day) are accepted.
func TestGoodFormPasses(t *testing.T) {
	if err := Validate(&sample{Insee: "2a004", Start: "2026-05-01", End: "2026-05-01", Name: "Anne", Fixed: "12"}); err != nil {
		t.Fatal(err)
	}
	if err := Validate(&sample{Insee: "35238", Name: "Anne", Fixed: "1", End: "2026-05-01"}); err != nil {
		t.Fatalf("une fin sans début est laissée aux règles du domaine : %v", err)
	}
}

func TestParseID(t *testing.T) {
	for v, ok := range map[string]bool{"12": true, "0": false, "": false, "-3": false, "99999999999999999999": false, "1e3": false} {
		if _, got := ParseID(v); got != ok {
			t.Errorf("ParseID(%q) = %v", v, got)
		}
	}
}
