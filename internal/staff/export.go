package staff

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"acquis/internal/csvexport"
)

// Word is the status as exports write it, in French; imports read it back.
func (s Status) Word() string {
	switch s {
	case Holder:
		return "titulaire"
	case Equivalent:
		return "équivalent"
	case Training:
		return "en formation"
	case VAE:
		return "VAE en cours"
	case NotEngaged:
		return "non engagé"
	}
	return string(s)
}

// rosterRow is one member as the export writes them, under Columns: typed
// cells (text, a float for the FTE, an int for the year and the id, a
// date, or nil for an empty cell), so the workbook holds numbers and
// dates and the CSV formats them the French way.
func rosterRow(m Member) []any {
	date := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return day(*t)
	}
	var email, year, id, accompanied, veille any
	if m.Email != nil {
		email = *m.Email
	}
	if m.PlannedYear != nil {
		year = *m.PlannedYear
	}
	if m.ID != 0 {
		id = m.ID
	}
	if m.Accompanied != nil {
		accompanied = *m.Accompanied
	}
	if m.Veille != nil {
		veille = *m.Veille
	}
	return []any{m.FullName, email, m.Function.Label(), m.FTE, day(m.HiredOn), date(m.LeftOn), m.LeftReason, m.Employer, m.Status.Word(),
		date(m.StatusOn), m.CertificateNumber, m.EquivalentName, m.TrainingBody, date(m.TrainingEnd), year,
		SupervisorLabel(m.SupervisorTraining), date(m.SupervisorTrainingOn), accompanied, veille, id}
}

// cellText writes one typed cell for a CSV file: dates as 31/12/2026,
// decimals with a comma.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	case time.Time:
		return x.Format("02/01/2006")
	}
	return ""
}

// rosterRecords are the roster under the import's header, in French
// order of names, so an exported file can be edited and imported back.
func rosterRecords(members []Member) (header []string, rows [][]any) {
	sorted := append([]Member(nil), members...)
	SortFrench(sorted)
	for _, m := range sorted {
		rows = append(rows, rosterRow(m))
	}
	return Columns, rows
}

// planColumns head the plan's table.
var planColumns = []string{"année", "objectif", "objectif par défaut", "motif du changement", "certifiés", "engagés", "objectif cumulé", "certifiés cumulés", "écart", "sortis du plan"}

// planRecords are the plan's table, one line per year; the gap of a year
// not yet begun is empty.
func planRecords(p Plan) (header []string, rows [][]any) {
	for _, y := range p.Years {
		var gap any
		if y.Past {
			gap = y.Gap
		}
		rows = append(rows, []any{y.Year, y.Target, y.Default, y.Reason, y.Certified, y.Engaged, y.CumTarget, y.CumDone, gap, y.Left})
	}
	return planColumns, rows
}

func textRecords(header []string, rows [][]any) [][]string {
	out := [][]string{header}
	for _, r := range rows {
		line := make([]string, len(r))
		for i, v := range r {
			line[i] = cellText(v)
		}
		out = append(out, line)
	}
	return out
}

// RosterCSV writes the roster as CSV for French spreadsheets (UTF-8 with
// a BOM, ";" between fields), every cell made inert by csvexport.
func RosterCSV(members []Member) []byte { return csvexport.Encode(textRecords(rosterRecords(members))) }

// PlanCSV writes the plan's table as CSV, like RosterCSV.
func PlanCSV(p Plan) []byte { return csvexport.Encode(textRecords(planRecords(p))) }

// PlanXLSX writes the plan's table alone (a région's or the nation's) as a
// workbook with one sheet, « Plan », numbers as numbers.
func PlanXLSX(p Plan) ([]byte, error) { return workbook(nil, p, false) }

// WorkbookXLSX writes the roster and the plan as one workbook with two
// sheets, « Effectif » and « Plan »: numbers are numbers, dates are dates
// (shown JJ/MM/AAAA), headers bold and frozen.
func WorkbookXLSX(members []Member, p Plan) ([]byte, error) { return workbook(members, p, true) }

func workbook(members []Member, p Plan, withRoster bool) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	dateFmt := "dd/mm/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	fteStyle, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	rh, rr := rosterRecords(members)
	ph, pr := planRecords(p)
	sheets := []struct {
		name   string
		header []string
		rows   [][]any
	}{{"Effectif", rh, rr}, {"Plan", ph, pr}}
	if !withRoster {
		sheets = sheets[1:]
	}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return nil, err
		}
		head := make([]any, len(sh.header))
		for c, h := range sh.header {
			head[c] = h
		}
		if err := f.SetSheetRow(sh.name, "A1", &head); err != nil {
			return nil, err
		}
		last, _ := excelize.CoordinatesToCellName(len(sh.header), 1)
		if err := f.SetCellStyle(sh.name, "A1", last, bold); err != nil {
			return nil, err
		}
		for r, row := range sh.rows {
			cells := make([]any, len(row))
			copy(cells, row)
			ref, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := f.SetSheetRow(sh.name, ref, &cells); err != nil {
				return nil, err
			}
			for c, v := range row {
				style := 0
				switch v.(type) {
				case time.Time:
					style = dateStyle
				case float64:
					style = fteStyle
				}
				if style != 0 {
					cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
					if err := f.SetCellStyle(sh.name, cell, cell, style); err != nil {
						return nil, err
					}
				}
			}
		}
		end, _ := excelize.CoordinatesToCellName(len(sh.header), len(sh.rows)+1)
		if err := f.SetSheetDimension(sh.name, "A1:"+end); err != nil {
			return nil, err
		}
		if err := f.SetPanes(sh.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
