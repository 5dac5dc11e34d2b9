package web

import (
	"fmt"
	"html/template"
	"strings"

	"acquis/internal/staff"
)

// planChart draws the plan's cumulative target (a line) against the
// cumulative number certified (bars, for the years begun) as inline SVG.
// It is an image for sighted readers: the page puts the same figures in a
// table beside it, and the SVG carries a title and a description. Only
// numbers are written into it.
func planChart(p staff.Plan, id string) template.HTML {
	const w, h, left, right, top, bottom = 560.0, 260.0, 44.0, 16.0, 16.0, 36.0
	peak := 1
	for _, y := range p.Years {
		peak = max(peak, y.CumTarget, y.CumDone)
	}
	// Round ticks: the scale ends on the first round number at or above
	// the peak, not on the peak itself.
	ticks := niceScale(0, float64(peak), 4)
	scaleTop := ticks[len(ticks)-1]
	n := float64(len(p.Years))
	slot := (w - left - right) / n
	yOf := func(v float64) float64 { return top + (h-top-bottom)*(1-v/scaleTop) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">Objectif cumulé et professionnels certifiés, 2026–2030</title>`, id)
	last := p.Years[len(p.Years)-1]
	fmt.Fprintf(&b, `<desc id="%s-d">Objectif cumulé de %d certifications en 2030 ; %d certifiées à ce jour. Les valeurs figurent dans le tableau voisin.</desc>`, id, last.CumTarget, p.Certified)
	// Horizontal grid with its scale.
	for _, v := range ticks {
		y := yOf(v)
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" class="grid"/><text x="%.1f" y="%.1f" class="axis" text-anchor="end">%s</text>`,
			left, w-right, y, y, left-6, y+4, tickLabel(v, false))
	}
	var pts []string
	for i, y := range p.Years {
		x := left + slot*float64(i)
		cx := x + slot/2
		if y.Past {
			barTop := yOf(float64(y.CumDone))
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar"/>`, x+slot*0.25, barTop, slot*0.5, h-bottom-barTop)
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", cx, yOf(float64(y.CumTarget))))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis" text-anchor="middle">%d</text>`, cx, h-bottom+18, y.Year)
	}
	fmt.Fprintf(&b, `<polyline points="%s" class="target"/>`, strings.Join(pts, " "))
	for i, y := range p.Years {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" class="target-dot"/>`, left+slot*float64(i)+slot/2, yOf(float64(y.CumTarget)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec: numbers and fixed French text only
}
