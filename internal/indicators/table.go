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

// Records are the table as text, header first, for CSV.
func (t *Table) Records() [][]string {
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Label
	}
	out := [][]string{head}
	for _, r := range t.Rows {
		out = append(out, t.Line(r, ""))
	}
	return out
}

// CSV writes the table for French spreadsheets: UTF-8 with a BOM, ";"
// between fields, decimal commas; the definition and notes follow the
// figures after an empty line, so a file read alone says what it counts.
// Every cell goes through csvexport, which makes a label like
// =HYPERLINK(…) (an organisation's name) inert.
func (t *Table) CSV() []byte {
	records := append(t.Records(), []string{})
	for _, s := range append(append([]string{t.Title}, t.Definition...), t.Notes...) {
		records = append(records, []string{s})
	}
	return csvexport.Encode(records)
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
	for i, s := range append(append([]string{t.Title}, t.Definition...), t.Notes...) {
		if err := f.SetCellValue("Définition", "A"+strconv.Itoa(i+1), s); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
