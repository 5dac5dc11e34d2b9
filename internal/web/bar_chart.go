package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"acquis/internal/indicators"
)

// barChart draws an indicator as horizontal bars, one per row of its
// table, labelled with the same text the table shows. Like planChart, it
// is an image for sighted readers: the figures sit in the table beside it,
// and labels are escaped since they come from the data (bloc codes,
// criteria).
//
// The scale always holds zero: a bar runs from zero to its value, to the
// right when positive and to the left when negative, so a zero is no bar
// at all and a negative value never makes a negative width. The axis is
// graduated in round numbers (niceScale) and the label column is as wide
// as the longest label needs, within a third of the chart.
func barChart(t *indicators.Table, id string) template.HTML {
	rows := t.Rows
	if len(rows) > 0 && rows[len(rows)-1][0] == "Total" {
		rows = rows[:len(rows)-1] // the total would dwarf the bars
	}
	kind := t.Columns[t.ChartValue].Kind
	rate := kind == indicators.Rate
	lo, hi := 0.0, 0.0
	labels := make([]string, len(rows))
	longest := 0
	for i, r := range rows {
		if v, ok := number(r[t.ChartValue]); ok {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		labels[i] = indicators.Format(t.Columns[t.ChartLabel].Kind, r[t.ChartLabel])
		longest = max(longest, len([]rune(labels[i])))
	}
	if rate && lo >= 0 && hi <= 1 {
		hi = 1
	}
	ticks := niceScale(lo, hi, 4)
	lo, hi = ticks[0], ticks[len(ticks)-1]

	const w, right, barH, gap, top, axisH = 560.0, 64.0, 18.0, 8.0, 8.0, 22.0
	// 12 px text averages under 7 px a character; 12 more for the margin.
	left := math.Min(w/3, math.Max(48, float64(longest)*charW+12))
	// A label longer than the column is shortened (the table beside the
	// chart has it whole) rather than cut off by the picture's edge.
	fit := int((left - 12) / charW)
	for i, l := range labels {
		if r := []rune(l); len(r) > fit {
			labels[i] = string(r[:fit-1]) + "…"
		}
	}
	plot := w - left - right
	xOf := func(v float64) float64 { return left + plot*(v-lo)/(hi-lo) }
	zero := xOf(0)
	h := top*2 + float64(len(rows))*(barH+gap) + axisH

	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s : %s</title>`, id, esc(t.Title), esc(t.Columns[t.ChartValue].Label))
	fmt.Fprintf(&b, `<desc id="%s-d">Une barre par ligne du tableau voisin, qui donne les valeurs.</desc>`, id)
	axisY := top + float64(len(rows))*(barH+gap)
	for _, v := range ticks {
		x := xOf(v)
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="grid"/><text x="%.1f" y="%.1f" class="axis" text-anchor="middle">%s</text>`,
			x, x, top, axisY, x, axisY+16, esc(tickLabel(v, rate)))
	}
	for i, r := range rows {
		y := top + float64(i)*(barH+gap)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis" text-anchor="end">%s</text>`, left-6, y+barH*0.75, esc(labels[i]))
		v, ok := number(r[t.ChartValue])
		if !ok {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis">—</text>`, zero+4, y+barH*0.75)
			continue
		}
		x := xOf(v)
		x0, x1 := math.Min(zero, x), math.Max(zero, x)
		if v != 0 {
			// A value too small for the scale still shows as a hairline,
			// so that it is not mistaken for a zero.
			if x1-x0 < 1 {
				if v < 0 {
					x0 = x1 - 1
				} else {
					x1 = x0 + 1
				}
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar"/>`, x0, y, x1-x0, barH)
		}
		text := esc(indicators.Format(kind, r[t.ChartValue]))
		if v < 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis" text-anchor="start">%s</text>`, zero+4, y+barH*0.75, text)
		} else {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis">%s</text>`, x1+4, y+barH*0.75, text)
		}
	}
	fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="zero"/>`, zero, zero, top, axisY)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec: every text from the data is escaped above
}

// charW is a generous average width of a character of the chart's 12 px
// text, to size the label column.
const charW = 7.0

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return x, true
	}
	return 0, false
}
