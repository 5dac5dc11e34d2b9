package indicators

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"acquis/internal/csvexport"
)

// Kind says how a column's values read.
type Kind string

// Column kinds.
const (
	Text  Kind = "text"  // a label
	Count Kind = "count" // a whole number
	Rate  Kind = "rate"  // a share between 0 and 1, shown as a percentage
	Days  Kind = "days"  // a duration in days
)

// Column is one column of an indicator's table.
type Column struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Kind  Kind   `json:"kind"`
}

// Table is one indicator computed for a filter: its definition, its
// figures, and which column the chart draws.
type Table struct {
	Key        string   `json:"key"`
	Title      string   `json:"title"`
	Definition []string `json:"definition"`
	Columns    []Column `json:"columns"`
	// Rows hold string, int or float64 values; nil where a figure is not
	// defined (a rate with nothing in its denominator).
	Rows [][]any `json:"rows"`
	// Notes say what the figures leave out (absent and excused
	// candidates, filters that do not apply).
	Notes []string `json:"notes,omitempty"`
	// ChartLabel and ChartValue are column indexes: the chart draws one
	// bar per row.
	ChartLabel int    `json:"-"`
	ChartValue int    `json:"-"`
	Filter     Filter `json:"filter"`
}

// rate divides, leaving nil when the denominator is zero.
func rate(num, den int) any {
	if den == 0 {
		return nil
	}
	return float64(num) / float64(den)
}

// Format renders one value as the page and the CSV show it.
func Format(k Kind, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		switch k {
		case Rate:
			return strings.Replace(strconv.FormatFloat(math.Round(x*1000)/10, 'f', 1, 64), ".", ",", 1) + " %"
		case Days:
			return strings.Replace(strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64), ".", ",", 1)
		}
		return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	}
	return fmt.Sprint(v)
}

// Line formats one row as text; an undefined figure (nil) becomes
// missing: a dash on pages, an empty cell in spreadsheets.
func (t *Table) Line(row []any, missing string) []string {
	out := make([]string, len(row))
	for i, v := range row {
		if v == nil {
			out[i] = missing
			continue
		}
		out[i] = Format(t.Columns[i].Kind, v)
	}
	return out
}

// Records are the figures alone, header first, as machines read them:
// one header line, one line per row, every line as wide as the header;
// counts as integers, rates as percentages with a decimal comma (the
// header says « (%) »), durations in days to the tenth. A trailing
// « Total » row stays on the page and out of the file, since a reader
// that sums a column would count it twice.
func (t *Table) Records() [][]string {
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Label
		if c.Kind == Rate {
			head[i] += " (%)"
		}
	}
	out := [][]string{head}
	for _, r := range t.dataRows() {
		line := make([]string, len(r))
		for i, v := range r {
			line[i] = machineValue(t.Columns[i].Kind, v)
		}
		out = append(out, line)
	}
	return out
}

// dataRows are the rows without a trailing total.
func (t *Table) dataRows() [][]any {
	rows := t.Rows
	if n := len(rows); n > 0 && len(rows[n-1]) > 0 && rows[n-1][0] == "Total" {
		rows = rows[:n-1]
	}
	return rows
}

// machineValue writes one figure as a number a French CSV reader parses:
// no unit, no thousands separator, a decimal comma; empty when undefined.
func machineValue(k Kind, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		switch k {
		case Rate:
			x *= 100
		}
		return strings.Replace(strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64), ".", ",", 1)
	}
	return Format(k, v)
}

// CSV writes the table for French spreadsheets and for data tools alike:
// UTF-8 with a BOM, ";" between fields, decimal commas, the figures alone
// (pandas.read_csv(sep=";", decimal=",") reads typed columns). The
// definition and notes are in the XLSX's second sheet, on the page and in
// the API. Every cell goes through csvexport, which makes a label like
// =HYPERLINK(…) (an organisation's name) inert.
func (t *Table) CSV() []byte {
	return csvexport.Encode(t.Records())
}

// XLSX writes the table as a workbook: numbers stay numbers (rates as
// fractions with a percentage format), and a second sheet holds the
// definition.
func (t *Table) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Indicateur"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	for i, c := range t.Columns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellValue(sheet, cell, c.Label); err != nil {
			return nil, err
		}
		_ = f.SetCellStyle(sheet, cell, cell, bold)
	}
	for r, row := range t.Rows {
		for i, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return nil, err
			}
			if t.Columns[i].Kind == Rate {
				_ = f.SetCellStyle(sheet, cell, cell, pct)
			}
		}
	}
	if _, err := f.NewSheet("Définition"); err != nil {
		return nil, err
	}
	def := append(append([]string{t.Title}, t.Definition...), t.Notes...)
	for i, s := range def {
		if err := f.SetCellValue("Définition", "A"+strconv.Itoa(i+1), s); err != nil {
			return nil, err
		}
	}
	if err := f.SetSheetDimension("Définition", "A1:A"+strconv.Itoa(len(def))); err != nil {
		return nil, err
	}
	// excelize leaves the dimension at A1; streaming readers (openpyxl in
	// read-only mode) trust it and would read one cell.
	last, _ := excelize.CoordinatesToCellName(len(t.Columns), len(t.Rows)+1)
	if err := f.SetSheetDimension(sheet, "A1:"+last); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
