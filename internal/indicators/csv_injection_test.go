package indicators

import (
	"strings"
	"testing"
)

// TestCSVInjectionNeutralised: an organisation named like a formula is
// written as text in an indicator's CSV; a negative figure stays a number.
func TestCSVInjectionNeutralised(t *testing.T) {
	tb := Table{Title: "Essai", Columns: []Column{{Key: "org", Label: "Organisme", Kind: Text}, {Key: "n", Label: "Écart", Kind: Count}},
		Rows: [][]any{{`=HYPERLINK("https://evil.example/","Cliquez")`, -3}, {"+33 6 00 00 00 00", 4}}}
	out := string(tb.CSV())
	if !strings.Contains(out, `'=HYPERLINK`) || !strings.Contains(out, "'+33 6") {
		t.Fatalf("formule non neutralisée : %s", out)
	}
	if !strings.Contains(out, ";-3\r\n") {
		t.Errorf("un nombre négatif n'est plus un nombre : %s", out)
	}
}
