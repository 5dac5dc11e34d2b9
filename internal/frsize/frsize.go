// Package frsize writes byte counts the way French readers say them
// (« 812 octets », « 18,5 Ko », « 2,3 Mo »). It is the one formatter the
// web pages and the PDF documents share, so a file has the same size on
// the screen and on paper.
package frsize

import (
	"strconv"
	"strings"
)

// Format writes n bytes in French: octets below 1 Ko, then Ko, Mo, Go, To
// (powers of 1024) with a decimal comma and one decimal below 100, the
// number and unit joined by a no-break space so they never part.
func Format(n int64) string {
	if n < 1024 {
		if n <= 1 {
			return strconv.FormatInt(n, 10) + " octet"
		}
		return strconv.FormatInt(n, 10) + " octets"
	}
	f := float64(n)
	var unit string
	for _, u := range []string{"Ko", "Mo", "Go", "To"} {
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
