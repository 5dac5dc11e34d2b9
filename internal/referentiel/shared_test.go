package referentiel

import (
	"strings"
	"testing"
)

// TestSharedDeliverable: a référentiel declares a file shared by blocs
// with a key on each deliverable (issue 18 #5); CASP's mémoire of blocs 1
// and 2 is one, each bloc keeping its own description from seed 003, and
// a key that is not one file for several blocs is refused with its line.
func TestSharedDeliverable(t *testing.T) {
	casp := load(t)["RNCP36625"]
	d1, d2 := casp.Blocks[0].Deliverables[0], casp.Blocks[1].Deliverables[0]
	if d1.Shared == "" || d1.FileKey() != d2.FileKey() || d1.FileKey() != "RNCP36625-MEMOIRE" {
		t.Fatalf("mémoire des blocs 1 et 2 : %q / %q", d1.FileKey(), d2.FileKey())
	}
	if d1.Description == d2.Description || !strings.Contains(d1.Description, "accompagnement de publics") || !strings.Contains(d2.Description, "intermédiation") {
		t.Fatal("chaque bloc garde la description de son mémoire, mot pour mot")
	}
	if got := casp.SharedBlocks(d1.Shared); strings.Join(got, ",") != "RNCP36625BC01,RNCP36625BC02" {
		t.Fatalf("blocs : %v", got)
	}
	if k := casp.Blocks[2].Deliverables[0].FileKey(); k != "RNCP36625BC03-D01" {
		t.Fatalf("la carte mentale n'est pas partagée : %q", k)
	}

	block := func(n, extra string) string {
		return `  - code: RNCP1BC0` + n + `
    title: Bloc
    competences:
      - {code: C` + n + `, label: Compétence}
    deliverables:
      - {code: D` + n + `, kind: memoire, label: Mémoire, upload: true, accepted_types: [pdf]` + extra + `}
    criteria:
      - {code: CR` + n + `, label: Critère}
`
	}
	doc := func(blocks ...string) string {
		return "code: RNCP1\ntitle: Titre\nlevel: 5\ncertifier: X\nblocks:\n" + strings.Join(blocks, "")
	}
	c, err := Parse("ok.yaml", []byte(doc(block("1", ", shared: RNCP1-M"), block("2", ", shared: RNCP1-M"))))
	if err != nil {
		t.Fatalf("fichier commun valide refusé : %v", err)
	}
	if c.Blocks[1].Deliverables[0].FileKey() != "RNCP1-M" {
		t.Fatal("clé partagée perdue")
	}
	cases := []struct{ name, yaml, reason string }{
		{"un seul bloc", doc(block("1", ", shared: RNCP1-M"), block("2", "")), "au moins deux blocs"},
		{"hors certification", doc(block("1", ", shared: M"), block("2", ", shared: M")), "doit commencer par RNCP1-"},
		{"formats différents", doc(block("1", ", shared: RNCP1-M"), strings.Replace(block("2", ", shared: RNCP1-M"), "[pdf]", "[odt]", 1)), "mêmes formats"},
		{"oral partagé", doc(block("1", ", shared: RNCP1-M"), strings.Replace(block("2", ", shared: RNCP1-M"), "upload: true", "upload: false", 1)), "n'attend pas de fichier"},
		{"clé déjà un code", doc(block("1", ", shared: RNCP1-M"), block("2", ", shared: RNCP1-M"), strings.Replace(block("3", ""), "code: D3", "code: RNCP1-M", 1)), "déjà le code"},
	}
	for _, tc := range cases {
		_, err := Parse("bad.yaml", []byte(tc.yaml))
		var e *Error
		if err == nil || !errorsAs(err, &e) || !strings.Contains(e.Reason, tc.reason) || e.Line == 0 {
			t.Errorf("%s : %v", tc.name, err)
		}
	}
}
