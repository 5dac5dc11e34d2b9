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
func barChart(t *indicators.Table, id string) template.HTML {
	rows := t.Rows
	if len(rows) > 0 && rows[len(rows)-1][0] == "Total" {
		rows = rows[:len(rows)-1] // the total would dwarf the bars
	}
	kind := t.Columns[t.ChartValue].Kind
	peak := 0.0
	for _, r := range rows {
		if v, ok := number(r[t.ChartValue]); ok {
			peak = math.Max(peak, v)
		}
	}
	if kind == indicators.Rate {
		peak = 1
	}
	if peak == 0 {
		peak = 1
	}
	const w, left, right, barH, gap, top = 560.0, 170.0, 70.0, 18.0, 8.0, 8.0
	h := top*2 + float64(len(rows))*(barH+gap)
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s : %s</title>`, id, esc(t.Title), esc(t.Columns[t.ChartValue].Label))
	fmt.Fprintf(&b, `<desc id="%s-d">Une barre par ligne du tableau voisin, qui donne les valeurs.</desc>`, id)
	for i, r := range rows {
		y := top + float64(i)*(barH+gap)
		label := indicators.Format(t.Columns[t.ChartLabel].Kind, r[t.ChartLabel])
		if len([]rune(label)) > 26 {
			label = string([]rune(label)[:25]) + "…"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis" text-anchor="end">%s</text>`, left-6, y+barH*0.75, esc(label))
		v, ok := number(r[t.ChartValue])
		if !ok {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis">—</text>`, left+4, y+barH*0.75)
			continue
		}
		bw := (w - left - right) * v / peak
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar"/>`, left, y, bw, barH)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis">%s</text>`, left+bw+4, y+barH*0.75, esc(indicators.Format(kind, r[t.ChartValue])))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec: every text from the data is escaped above
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}
