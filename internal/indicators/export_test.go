package indicators_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"acquis/internal/indicators"
)

func exportTable() *indicators.Table {
	return &indicators.Table{Title: "Essai", Definition: []string{"Définition"}, Notes: []string{"Une note"},
		Columns: []indicators.Column{{Key: "a", Label: "Année", Kind: indicators.Text}, {Key: "n", Label: "Présentés", Kind: indicators.Count},
			{Key: "t", Label: "Taux", Kind: indicators.Rate}, {Key: "d", Label: "Médiane (jours)", Kind: indicators.Days}},
		Rows: [][]any{{"2025", 1234, 0.5, 12.25}, {"2026", 0, nil, nil}, {"Total", 1234, 0.5, nil}}}
}

// TestCSVReadsTyped reads an indicator's CSV as a strict data tool would
// (pandas.read_csv(sep=";", decimal=",")): one header, every line as wide,
// counts that parse as integers, rates and durations as decimals, and
// nothing else: no blank line, no definition, no total row.
func TestCSVReadsTyped(t *testing.T) {
	raw := bytes.TrimPrefix(exportTable().CSV(), []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comma = ';'
	r.FieldsPerRecord = 4 // strict: a short line is an error
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV non tabulaire : %v\n%s", err, raw)
	}
	if len(recs) != 3 {
		t.Fatalf("%d lignes, attendu l'en-tête et deux lignes de données (sans total) :\n%s", len(recs), raw)
	}
	for _, rec := range recs[1:] {
		if rec[0] == "Total" || rec[0] == "" {
			t.Errorf("ligne parasite %q", rec)
		}
		if _, err := strconv.Atoi(rec[1]); err != nil {
			t.Errorf("effectif %q n'est pas un entier", rec[1])
		}
		for _, v := range rec[2:] {
			if v == "" {
				continue
			}
			if _, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64); err != nil {
				t.Errorf("%q n'est pas un nombre décimal", v)
			}
		}
	}
	if recs[1][2] != "50,0" || recs[1][3] != "12,3" || recs[0][2] != "Taux (%)" {
		t.Errorf("valeurs : %q / %q", recs[0], recs[1])
	}
}

// TestXLSXDimensionAndTypes: each sheet declares its real extent (the
// streaming readers trust it) and numbers are stored as numbers.
func TestXLSXDimensionAndTypes(t *testing.T) {
	b, err := exportTable().XLSX()
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	dim := regexp.MustCompile(`<dimension ref="([^"]+)"`)
	want := map[string]string{"xl/worksheets/sheet1.xml": "A1:D4", "xl/worksheets/sheet2.xml": "A1:A3"}
	for _, f := range z.File {
		w, ok := want[f.Name]
		if !ok {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		x, _ := io.ReadAll(rc)
		rc.Close()
		if m := dim.FindSubmatch(x); m == nil || string(m[1]) != w {
			t.Errorf("%s : dimension %q, attendu %s", f.Name, m, w)
		}
		delete(want, f.Name)
	}
	if len(want) > 0 {
		t.Errorf("feuilles absentes : %v", want)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for cell, kind := range map[string]excelize.CellType{"B2": excelize.CellTypeNumber, "C2": excelize.CellTypeNumber, "D2": excelize.CellTypeNumber, "A2": excelize.CellTypeSharedString} {
		got, err := x.GetCellType("Indicateur", cell)
		if err != nil || (got != kind && !(kind == excelize.CellTypeNumber && got == excelize.CellTypeUnset)) {
			t.Errorf("%s : type %v, attendu %v", cell, got, kind)
		}
	}
}
