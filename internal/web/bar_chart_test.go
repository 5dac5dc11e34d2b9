package web

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"

	"acquis/internal/indicators"
)

type svgDoc struct {
	ViewBox string    `xml:"viewBox,attr"`
	Rects   []svgRect `xml:"rect"`
	Texts   []svgText `xml:"text"`
}

type svgRect struct {
	X      float64 `xml:"x,attr"`
	Y      float64 `xml:"y,attr"`
	Width  float64 `xml:"width,attr"`
	Height float64 `xml:"height,attr"`
}

type svgText struct {
	X      float64 `xml:"x,attr"`
	Anchor string  `xml:"text-anchor,attr"`
	Body   string  `xml:",chardata"`
}

func parseChart(t *testing.T, raw string) svgDoc {
	t.Helper()
	var d svgDoc
	if err := xml.Unmarshal([]byte(raw), &d); err != nil {
		t.Fatalf("SVG illisible : %v\n%s", err, raw)
	}
	return d
}

func chartTable(kind indicators.Kind, rows ...[]any) *indicators.Table {
	return &indicators.Table{
		Title:      "Essai",
		Columns:    []indicators.Column{{Label: "Libellé", Kind: indicators.Text}, {Label: "Valeur", Kind: kind}},
		Rows:       rows,
		ChartLabel: 0, ChartValue: 1,
	}
}

// isRound: 1, 2 or 5 times a power of ten (or zero).
func isRound(v float64) bool {
	if v == 0 {
		return true
	}
	v = math.Abs(v)
	m := v / math.Pow(10, math.Floor(math.Log10(v)+1e-9))
	for _, r := range []float64{1, 2, 2.5, 5, 10} {
		if math.Abs(m-r) < 1e-6 {
			return true
		}
	}
	// Multiples of the step (150 with a step of 50) are round too.
	return math.Abs(v-math.Round(v)) < 1e-9 || math.Abs(v*100-math.Round(v*100)) < 1e-6
}

// TestBarChartEdgeValues: a zero draws no bar, a negative value draws a
// bar of positive width left of the zero line, a large value stays inside
// the picture, long labels are not cut off on the left, and the axis is
// graduated in round numbers.
func TestBarChartEdgeValues(t *testing.T) {
	long := "Critère au libellé très long qui déborderait de la marge gauche"
	d := parseChart(t, string(barChart(chartTable(indicators.Count,
		[]any{"zéro", 0}, []any{"négatif", -3}, []any{"grand", 1234567}, []any{long, 12}, []any{"indéfini", nil}), "c")))
	var w float64
	if f := strings.Fields(d.ViewBox); len(f) == 4 {
		w, _ = strconv.ParseFloat(f[2], 64)
	}
	if w == 0 {
		t.Fatalf("viewBox %q", d.ViewBox)
	}
	if len(d.Rects) != 3 {
		t.Fatalf("%d barres pour zéro, négatif, grand, long : un zéro ne se dessine pas", len(d.Rects))
	}
	for _, r := range d.Rects {
		if r.Width <= 0 || r.X < 0 || r.X+r.Width > w+0.1 {
			t.Errorf("barre hors du dessin : %+v (largeur %v)", r, w)
		}
	}
	// The negative bar ends where the positive ones start: at zero.
	neg, big := d.Rects[0], d.Rects[1]
	if math.Abs(neg.X+neg.Width-big.X) > 0.1 {
		t.Errorf("le négatif ne finit pas à zéro : %+v / %+v", neg, big)
	}
	var ticks int
	for _, tx := range d.Texts {
		if tx.Anchor == "end" && tx.X-float64(len([]rune(tx.Body)))*charW < -1 {
			t.Errorf("libellé coupé à gauche : %q à x=%v", tx.Body, tx.X)
		}
		if tx.Anchor == "middle" {
			ticks++
			v, err := strconv.ParseFloat(strings.NewReplacer("\u202f", "", ",", ".").Replace(tx.Body), 64)
			if err != nil || !isRound(v) {
				t.Errorf("graduation %q n'est pas un nombre rond", tx.Body)
			}
		}
	}
	if ticks < 3 {
		t.Errorf("%d graduations", ticks)
	}

	// Every value zero: no bar, no division by zero, a valid axis.
	d = parseChart(t, string(barChart(chartTable(indicators.Count, []any{"a", 0}, []any{"b", 0}), "z")))
	if len(d.Rects) != 0 {
		t.Errorf("des zéros dessinent %d barres", len(d.Rects))
	}
	// Rates run from 0 to 100 %.
	d = parseChart(t, string(barChart(chartTable(indicators.Rate, []any{"a", 0.5}, []any{"b", 0.0}), "r")))
	if len(d.Rects) != 1 || d.Rects[0].Width <= 0 {
		t.Fatalf("taux : %+v", d.Rects)
	}
	last := d.Texts[len(d.Texts)-1]
	found := false
	for _, tx := range d.Texts {
		if tx.Body == "100\u202f%" {
			found = true
		}
	}
	if !found {
		t.Errorf("l'échelle d'un taux ne va pas jusqu'à 100 %% (dernier texte %q)", last.Body)
	}
}

// TestNiceScale: the axis is graduated in round steps and covers the data.
func TestNiceScale(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{0, 175, "0 50 100 150 200"},
		{0, 7, "0 2 4 6 8"},
		{0, 1, "0 0.25 0.5 0.75 1"},
		{-3, 12, "-5 0 5 10 15"},
		{0, 0, "0 0.25 0.5 0.75 1"},
		{0, 1234567, "0 500000 1e+06 1.5e+06"},
	} {
		var got []string
		for _, v := range niceScale(c.lo, c.hi, 4) {
			got = append(got, strconv.FormatFloat(v, 'g', -1, 64))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("niceScale(%v, %v) = %v, attendu %v", c.lo, c.hi, got, c.want)
		}
	}
}
