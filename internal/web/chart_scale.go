package web

import (
	"math"
	"strconv"
	"strings"
)

// niceScale widens [lo, hi] to round bounds and returns the ticks between
// them, stepping by 1, 2, 2.5 or 5 times a power of ten, so that a reader sees
// « 0, 50, 100, 150 » and never « 0, 43, 87, 131 ». About n intervals;
// an empty range becomes [0, 1].
func niceScale(lo, hi float64, n int) (ticks []float64) {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		lo, hi = 0, 1
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		if hi == 0 {
			hi = 1
		} else if hi > 0 {
			lo = 0
		} else {
			hi = 0
		}
	}
	if n < 1 {
		n = 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	first := math.Floor(lo/step) * step
	last := math.Ceil(hi/step) * step
	for i := 0; ; i++ {
		v := first + float64(i)*step
		if v > last+step/2 {
			break
		}
		// Rounded well below the step so that 0.1 × 3 prints 0,3, not
		// 0,30000000000000004.
		q := mag / 100
		ticks = append(ticks, math.Round(v/q)*q)
	}
	return ticks
}

// tickLabel writes a tick in French: percentages for rates, a narrow
// no-break space between thousands, a decimal comma.
func tickLabel(v float64, rate bool) string {
	if rate {
		v *= 100
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if math.Abs(v) >= 1000 && v == math.Trunc(v) {
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		var b strings.Builder
		for i, r := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteRune('\u202f')
			}
			b.WriteRune(r)
		}
		s = b.String()
		if neg {
			s = "-" + s
		}
	}
	s = strings.Replace(s, ".", ",", 1)
	if rate {
		s += "\u202f%"
	}
	return s
}
