// Package csvexport writes every CSV file acquis hands out (rosters, plans,
// indicators) the one way French spreadsheets read them, and with every
// cell made inert: a cell that a spreadsheet would take for a formula
// (OWASP « CSV injection ») is written as text.
package csvexport

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
)

// triggers are the first characters that make Excel, LibreOffice or
// Google Sheets read a cell as a formula (or a DDE call): =, +, -, @, and
// a tab or carriage return before any of them.
const triggers = "=+-@\t\r"

// number is a plain number as acquis writes them (a gap of -3, a rate of
// -0,5): a spreadsheet reads it as a number, never as a formula, so it is
// left as is and SUM keeps working.
var number = regexp.MustCompile(`^-?[0-9]+([.,][0-9]+)?$`)

// Neutralise returns the cell as a spreadsheet must show it: a cell
// starting with a formula trigger is prefixed with an apostrophe, which
// spreadsheets take as « this is text » and do not display.
func Neutralise(cell string) string {
	if cell == "" || !strings.ContainsRune(triggers, rune(cell[0])) || number.MatchString(cell) {
		return cell
	}
	return "'" + cell
}

// Restore undoes Neutralise on a cell read back from an exported file, so
// that an export imported again changes nothing.
func Restore(cell string) string {
	if len(cell) >= 2 && cell[0] == '\'' && strings.ContainsRune(triggers, rune(cell[1])) && !number.MatchString(cell[1:]) {
		return cell[1:]
	}
	return cell
}

// Encode writes records for French spreadsheets: UTF-8 with a BOM (so
// Excel reads the accents), ";" between fields, CRLF line ends, every
// cell neutralised. An empty record is an empty line.
func Encode(records [][]string) []byte {
	var buf bytes.Buffer
	buf.WriteString("\xef\xbb\xbf")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	for _, rec := range records {
		safe := make([]string, len(rec))
		for i, c := range rec {
			safe[i] = Neutralise(c)
		}
		_ = w.Write(safe) // writes to memory: cannot fail
	}
	w.Flush()
	return buf.Bytes()
}
