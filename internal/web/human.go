package web

import (
	"strconv"
	"strings"
)

// humanSize writes a file size as people read it, in French: « 812 octets »,
// « 18,5 Ko », « 2,3 Mo » (powers of 1024, one decimal below 100).
func humanSize(n int64) string {
	if n < 1024 {
		if n <= 1 {
			return strconv.FormatInt(n, 10) + " octet"
		}
		return strconv.FormatInt(n, 10) + " octets"
	}
	f := float64(n)
	units := []string{"Ko", "Mo", "Go", "To"}
	var unit string
	for _, u := range units {
		f /= 1024
		unit = u
		if f < 1024 {
			break
		}
	}
	prec := 1
	if f >= 100 {
		prec = 0
	}
	s := strconv.FormatFloat(f, 'f', prec, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + "\u00a0" + unit
}
