package staff

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"acquis/internal/csvexport"
)

// rosterRecords are the roster's lines under the import header, so an
// exported file can be edited and imported back.
func rosterRecords(members []Member) [][]string {
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("02/01/2006")
	}
	out := [][]string{Columns}
	for _, m := range members {
		email, year := "", ""
		if m.Email != nil {
			email = *m.Email
		}
		if m.PlannedYear != nil {
			year = strconv.Itoa(*m.PlannedYear)
		}
		out = append(out, []string{m.FullName, email, string(m.Function), strings.Replace(strconv.FormatFloat(m.FTE, 'f', -1, 64), ".", ",", 1),
			date(&m.HiredOn), date(m.LeftOn), m.Employer, string(m.Status), date(m.StatusOn), m.CertificateNumber, m.EquivalentName,
			m.TrainingBody, date(m.TrainingEnd), year, m.SupervisorTraining, date(m.SupervisorTrainingOn)})
	}
	return out
}

// planRecords are the plan's table, one line per year.
func planRecords(p Plan) [][]string {
	out := [][]string{{"annee", "objectif", "objectif_par_defaut", "motif", "certifies", "engages", "objectif_cumule", "certifies_cumules", "ecart"}}
	for _, y := range p.Years {
		gap := ""
		if y.Past {
			gap = strconv.Itoa(y.Gap)
		}
		out = append(out, []string{strconv.Itoa(y.Year), strconv.Itoa(y.Target), strconv.Itoa(y.Default), y.Reason, strconv.Itoa(y.Certified),
			strconv.Itoa(y.Engaged), strconv.Itoa(y.CumTarget), strconv.Itoa(y.CumDone), gap})
	}
	return out
}

// RosterCSV writes the roster as CSV for French spreadsheets: UTF-8 with a
// BOM (so Excel reads the accents), ";" between fields.
func RosterCSV(members []Member) []byte { return writeCSV(rosterRecords(members)) }

// PlanCSV writes the plan's table as CSV, like RosterCSV.
func PlanCSV(p Plan) []byte { return writeCSV(planRecords(p)) }

// writeCSV goes through the one CSV writer of acquis, which makes a name
// like =HYPERLINK(…) inert.
func writeCSV(records [][]string) []byte { return csvexport.Encode(records) }

// WorkbookXLSX writes the roster and the plan as one workbook with two
// sheets, « Effectif » and « Plan ».
func WorkbookXLSX(members []Member, p Plan) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheets := []struct {
		name string
		rows [][]string
	}{{"Effectif", rosterRecords(members)}, {"Plan", planRecords(p)}}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return nil, err
		}
		for r, row := range sh.rows {
			cells := make([]any, len(row))
			for c, v := range row {
				cells[c] = v
			}
			ref, err := excelize.CoordinatesToCellName(1, r+1)
			if err != nil {
				return nil, err
			}
			if err := f.SetSheetRow(sh.name, ref, &cells); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
