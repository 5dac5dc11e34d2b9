package staff

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// FuzzReadRoster: no roster file, however hostile (broken quotes, binary,
// Windows-1252, UTF-16, a zip that is not a workbook), panics the import;
// every file gives rows or French errors, and an accepted row always has
// a name and a function.
func FuzzReadRoster(f *testing.F) {
	header := strings.Join(Columns, ";")
	f.Add("effectif.csv", []byte(header+"\nCamille Martin;c.martin@exemple.fr;conseiller;1;01/03/2024;;Association;not_engaged;;;;;;2027;;\n"))
	f.Add("effectif.csv", []byte("\xef\xbb\xbf"+strings.ReplaceAll(header, ";", ",")+"\n\"Zoé \"\"Zaza\"\"\",,conseiller,0.5,2026-02-01,,,training,2026-02-01,,,Formavision,2027-06-30,,,\n"))
	f.Add("effectif.csv", []byte("nom;fonction\n\xe9l\xe9onore;conseiller\n"))
	f.Add("effectif.csv", []byte("\xff\xfen\x00o\x00m\x00"))
	f.Add("effectif.csv", []byte("nom;\"non fermé\n"))
	x := excelize.NewFile()
	for i, c := range Columns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = x.SetCellValue("Sheet1", cell, c)
	}
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"Léa Roux", "", "chef_de_service", 1, "2025-09-01", "", "", "holder", "2025-06-30"})
	var buf bytes.Buffer
	_ = x.Write(&buf)
	f.Add("effectif.xlsx", buf.Bytes())
	f.Add("effectif.xlsx", []byte("PK\x03\x04 pas un classeur"))
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if len(data) > MaxImportBytes {
			return
		}
		records, err := readRecords(name, data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("erreur sans message")
			}
			return
		}
		p := parseRecords(records, 1, nil, today)
		if len(p.Errors) > 0 {
			return
		}
		for _, r := range p.Rows {
			if strings.TrimSpace(r.Member.FullName) == "" || r.Member.Function == "" {
				t.Fatalf("ligne acceptée sans nom ou sans fonction : %+v", r.Member)
			}
		}
	})
}
