package pdf

import (
	"strconv"
	"unicode/utf8"
)

// usedRunes is a document's set of runes printed in one style: fpdf's map,
// which it subsets the font to at output, and a bit per rune so that a
// rune already in the map is not written to it again.
type usedRunes struct {
	m    map[int]int
	seen [0x10000 / 64]uint64
}

// add puts r (< 0x10000) in the set, as fpdf's Text does.
func (u *usedRunes) add(r rune) {
	if u.seen[r/64]&(1<<(r%64)) == 0 {
		u.seen[r/64] |= 1 << (r % 64)
		u.m[int(r)] = int(r)
	}
}

// text prints one line with its left end at x and its baseline at y, as
// fpdf's Text does, byte for byte: the same operators, coordinates to two
// decimals, the text in UTF-16 and escaped, its runes added to the set
// the font is subset to. Text costs a fmt.Sprintf, four passes of
// escaping and a map write per rune, and a jury file's tables print
// ≈ 2,500 lines. fpdf's Text is used when the style's set is fpdf's own
// (fonts not shared), when the text and fill colours differ (Text wraps
// the line in its colour then), or for a rune beyond the BMP.
func (d *Doc) text(x, y float64, s string) {
	used := d.runes[d.style]
	if used == nil || !d.sameColours() || !bmp(s) {
		d.f.Text(x, y, s)
		return
	}
	k := d.f.GetConversionRatio()
	_, h := d.f.GetPageSize()
	b := append(d.line[:0], "BT "...)
	b = strconv.AppendFloat(b, x*k, 'f', 2, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, (h-y)*k, 'f', 2, 64)
	b = append(b, " Td ("...)
	for _, r := range s {
		used.add(r)
		b = appendEscaped(appendEscaped(b, byte(r>>8)), byte(r))
	}
	b = append(b, ") Tj ET"...)
	d.line = b
	d.f.RawWriteStr(string(b))
}

// sameColours reports whether text and fill have the same colour: fpdf
// then prints text without setting its colour.
func (d *Doc) sameColours() bool {
	r, g, b := d.f.GetTextColor()
	fr, fg, fb := d.f.GetFillColor()
	return r == fr && g == fg && b == fb
}

// bmp reports whether s is valid UTF-8 of runes below U+10000, the only
// ones fpdf's UTF-16 conversion handles (clean replaces the others).
func bmp(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || r > 0xffff {
			return false
		}
	}
	return true
}

// appendEscaped appends one byte of a PDF literal string, escaped as
// fpdf escapes it.
func appendEscaped(b []byte, c byte) []byte {
	switch c {
	case '\\', '(', ')':
		return append(b, '\\', c)
	case '\r':
		return append(b, '\\', 'r')
	}
	return append(b, c)
}
