package staff

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"acquis/internal/fielderr"
)

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>nom</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>`
const sheetTail = `</t></is></c></row></sheetData></worksheet>`

// bombSheet streams a first sheet whose cell A2 holds n letters.
func bombSheet(w io.Writer, n int) {
	io.WriteString(w, sheetHead)
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		w.Write(chunk[:k])
		n -= k
	}
	io.WriteString(w, sheetTail)
}

// xlsxBomb is a real workbook made by excelize whose first sheet is
// replaced by one that unpacks to n letters in one cell. With lie, the
// entry declares 4 KB unpacked whatever it really holds.
func xlsxBomb(t *testing.T, n int, lie bool) []byte {
	t.Helper()
	x := excelize.NewFile()
	_ = x.SetCellValue("Sheet1", "A1", "nom")
	var orig bytes.Buffer
	if err := x.Write(&orig); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(orig.Bytes()), int64(orig.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		if e.Name != "xl/worksheets/sheet1.xml" {
			if err := zw.Copy(e); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !lie {
			w, _ := zw.Create(e.Name)
			bombSheet(w, n)
			continue
		}
		var packed bytes.Buffer
		crc := crc32.NewIEEE()
		fw, _ := flate.NewWriter(&packed, flate.BestSpeed)
		bombSheet(io.MultiWriter(fw, crc), n)
		fw.Close()
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: e.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: 4096})
		w.Write(packed.Bytes())
	}
	zw.Close()
	return out.Bytes()
}

// TestXLSXBombRefused: a workbook under the 512 KB limit that unpacks to
// a 100 MiB cell (the attack of issue 13 took 70 s and 2.2 GB with 500
// MiB) is refused with a French message, without unpacking it: reading it
// allocates a small fraction of what it would unpack to. The same with an
// entry that lies about its unpacked size. Not parallel: it measures the
// memory the test binary allocates.
func TestXLSXBombRefused(t *testing.T) {
	for _, c := range []struct {
		lie  bool
		want string
	}{{false, "décompressé dépasse 16 Mo"}, {true, "pas un classeur XLSX lisible"}} {
		data := xlsxBomb(t, 100<<20, c.lie)
		if len(data) > MaxImportBytes {
			t.Fatalf("bombe de %d Ko : plus grosse que la limite d'envoi", len(data)>>10)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		recs, err := readRecords("effectif.xlsx", data)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), c.want) || len(recs) > 1 {
			t.Errorf("en-tête mensonger %v : %v (%d lignes)", c.lie, err, len(recs))
		}
		grown := after.TotalAlloc - before.TotalAlloc
		if grown > 32<<20 {
			t.Errorf("en-tête mensonger %v : %d Mo alloués pour lire un fichier de %d Ko", c.lie, grown>>20, len(data)>>10)
		}
		t.Logf("en-tête mensonger %v : fichier de %d Ko, %d Ko alloués", c.lie, len(data)>>10, grown>>10)
	}
}

// TestImportBounds: lines, columns and cells are capped, each with its
// message; nothing is written.
func TestImportBounds(t *testing.T) {
	f := newFx(t)
	var many strings.Builder
	many.WriteString(header)
	for i := range MaxImportRows {
		fmt.Fprintf(&many, "Personne %d;;conseiller;1;01/09/2019;non engagé;;\r\n", i)
	}
	wide := "nom" + strings.Repeat(";x", MaxImportColumns) + "\r\n"
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A1", &[]any{"nom", "fonction", "etp", "date_prise_de_poste", "statut"})
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"Élodie Lefèvre", "conseiller", 1, "01/09/2019", strings.Repeat("é", MaxCellRunes+1)})
	var long bytes.Buffer
	_ = x.Write(&long)
	for name, c := range map[string]struct {
		file string
		data []byte
		want string
	}{
		"lignes":   {"effectif.csv", []byte(many.String()), "dépasse 1000 lignes"},
		"colonnes": {"effectif.csv", []byte(wide), "La ligne 1 a 61 colonnes"},
		"cellule":  {"effectif.xlsx", long.Bytes(), "Ligne 2, colonne E : la cellule dépasse 500 caractères"},
	} {
		p, err := f.s.ParseRoster(f.ctx, f.platform, c.file, c.data)
		if err != nil || len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Message, c.want) || len(p.Rows) != 0 {
			t.Errorf("%s : %v %v", name, err, p.Errors)
		}
	}
	if f.count() != 0 {
		t.Fatal("des lignes ont été écrites")
	}
	// Rows that are only formatted, far below the data, are not lines.
	y := excelize.NewFile()
	_ = y.SetSheetRow("Sheet1", "A1", &[]any{"nom", "fonction", "etp", "date_prise_de_poste", "statut"})
	_ = y.SetSheetRow("Sheet1", "A2", &[]any{"Élodie Lefèvre", "conseiller", 1, "01/09/2019", "non engagé"})
	style, _ := y.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"FFFF00"}, Pattern: 1}})
	_ = y.SetCellStyle("Sheet1", "A3", "E5000", style)
	var formatted bytes.Buffer
	_ = y.Write(&formatted)
	p, err := f.s.ParseRoster(f.ctx, f.platform, "effectif.xlsx", formatted.Bytes())
	if err != nil || len(p.Errors) != 0 || len(p.Rows) != 1 {
		t.Errorf("lignes seulement mises en forme : %v %v", err, p.Errors)
	}
}

// TestImportTimeoutWritesNothing: an import whose transaction outlives
// its bound is cancelled, says so in French, and writes nothing (not the
// audit row either).
func TestImportTimeoutWritesNothing(t *testing.T) {
	f := newFx(t)
	p, err := f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(header+"Élodie Lefèvre;;conseiller;1;01/09/2019;non engagé;;\r\n"))
	if err != nil || len(p.Errors) != 0 {
		t.Fatal(err, p.Errors)
	}
	f.s.importTimeout = time.Nanosecond
	n, err := f.s.Import(f.ctx, sys, f.platform, p)
	ve, ok := err.(*fielderr.Error)
	if !ok || n != 0 || !strings.Contains(ve.Message, "rien n'a été écrit") {
		t.Fatalf("import hors délai : %d, %v", n, err)
	}
	var audits int
	if err := f.d.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = 'staff.imported'`); err != nil {
		t.Fatal(err)
	}
	if f.count() != 0 || audits != 0 {
		t.Fatalf("%d lignes, %d audits après un import annulé", f.count(), audits)
	}
	// Within its bound, the same import goes through.
	f.s.importTimeout = ImportTimeout
	if n, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil || n != 1 {
		t.Fatalf("import : %d, %v", n, err)
	}
}
