package pdf

import (
	"strings"
	"testing"
)

// TestMinutesAndJuryFileCarryTheIdentity: with the certifier's identity
// set, the minutes and the jury file open on its letterhead (name,
// address, registration) and name it in their header, as the certificate
// and attestations do (issue 20).
func TestMinutesAndJuryFileCarryTheIdentity(t *testing.T) {
	iss := &Issuer{Name: "CFEA — Centre de formation à l'emploi accompagné", Address: "12 rue de la Paix, 75002 Paris",
		SignatoryName: "Claire Dubois", SignatoryFunction: "Directrice", RNCPReference: "Certificateur enregistré au RNCP"}
	m := minutesFor(3)
	doc, err := minutes(m, strings.Repeat("c", 64), iss)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := text(t, doc)
	for _, want := range []string{"12 rue de la Paix, 75002 Paris", "Centre de formation à l'emploi accompagné"} {
		if !strings.Contains(txt, want) {
			t.Errorf("procès-verbal : %q absent\n%.1500s", want, txt)
		}
	}
	doc, err = JuryFileWithIdentity(caspFile(t), at, iss)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ = text(t, doc)
	for _, want := range []string{"12 rue de la Paix, 75002 Paris", "Centre de formation à l'emploi accompagné"} {
		if !strings.Contains(txt, want) {
			t.Errorf("dossier jury : %q absent", want)
		}
	}
	// Without an identity, nothing of it: the documents stay as they were.
	plain, err := Minutes(m, strings.Repeat("c", 64))
	if err != nil {
		t.Fatal(err)
	}
	if txt, _ := text(t, plain); strings.Contains(txt, "rue de la Paix") {
		t.Error("adresse imprimée sans identité")
	}
}
