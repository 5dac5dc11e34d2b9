package pdf

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
)

// The text typeface: Liberation Sans 2.1.5 (SIL Open Font License 1.1),
// unmodified from Debian's fonts-liberation2 package, with its licence in
// fonts/LICENSE (fonts/README.md says where it comes from). Unlike Go
// Regular, a font for code, it has a true hyphen (U+002D is narrower than
// the en dash), a drawn bold and a drawn italic.
var (
	//go:embed fonts/LiberationSans-Regular.ttf
	ttfRegular []byte
	//go:embed fonts/LiberationSans-Bold.ttf
	ttfBold []byte
	//go:embed fonts/LiberationSans-Italic.ttf
	ttfItalic []byte
)

// fontFiles maps fpdf's style names to the typeface's files.
var fontFiles = map[string][]byte{"": ttfRegular, "B": ttfBold, "I": ttfItalic}

// fontNames are the PostScript names of the styles.
var fontNames = map[string]string{"": "LiberationSans", "B": "LiberationSans-Bold", "I": "LiberationSans-Italic"}

// fontFamily is the family name fpdf knows a style by: one family per
// style, named so that the name fpdf writes in the PDF, "utf8" + family,
// has exactly the length of a subset's name, "ABCDEF+" + PostScript name
// (see subsetNames).
func fontFamily(style string) string { return strings.ToLower(fontNames[style]) + "ttf" }

// subsetNames renames the embedded fonts the way PDF names a subset
// (ISO 32000-1, 9.6.4): a six-letter tag, "+", the PostScript name. fpdf
// subsets the glyphs but names every font "utf8" + family, so readers and
// pdffonts take the subset for a whole font. The tag is derived from the
// document's bytes (the same document keeps the same tag) and the names
// keep their length, so the cross-reference offsets stay right.
func subsetNames(pdf []byte, styles map[string]bool) []byte {
	sum := sha256.Sum256(pdf)
	for style := range styles {
		from := []byte("/utf8" + fontFamily(style))
		tag := make([]byte, 0, 8)
		tag = append(tag, '/')
		for i := 0; i < 6; i++ {
			tag = append(tag, 'A'+sum[i+len(fontNames[style])%8]%26)
		}
		to := append(append(tag, '+'), fontNames[style]...)
		if len(to) != len(from) {
			panic("pdf: nom de police de longueur différente")
		}
		// In place: the names keep their length, and a copy of the
		// whole document per style is what ReplaceAll would cost.
		for i := 0; ; {
			j := bytes.Index(pdf[i:], from)
			if j < 0 {
				break
			}
			i += j + copy(pdf[i+j:], to)
		}
	}
	return pdf
}

// printable marks, once, the runes every style can draw. fpdf indexes its
// width table by rune and has no glyph fallback, so anything else (an emoji
// in a comment, a control character) is replaced before it reaches fpdf.
var printable = sync.OnceValue(func() []bool {
	ok := make([]bool, 0x10000)
	var buf sfnt.Buffer
	fonts := make([]*sfnt.Font, 0, len(fontFiles))
	for _, ttf := range [][]byte{ttfRegular, ttfBold, ttfItalic} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("pdf: police Liberation illisible : " + err.Error())
		}
		fonts = append(fonts, f)
	}
	for r := rune(0x20); r < 0x10000; r++ {
		all := true
		for _, f := range fonts {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				all = false
				break
			}
		}
		ok[r] = all
	}
	return ok
})

// clean makes text printable and sets it the French way (see shape).
func clean(s string) string { return shape(printableText(s)) }

// printableText keeps line breaks, turns tabs into spaces, drops other
// control characters and replaces runes the font lacks by "?". No-break
// spaces (U+00A0, U+202F) are kept: the documents wrap only at U+0020.
func printableText(s string) string {
	table := printable()
	if asIs(s, table) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || r == '\r':
		case r < 0x10000 && table[r]:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// asIs reports whether printableText would give s back unchanged: valid
// UTF-8 of printable runes and line feeds only (most text is, and
// printableText runs on every text printed).
func asIs(s string, table []bool) bool {
	for _, r := range s {
		if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x10000 || r == utf8.RuneError || !table[r]) {
			return false
		}
	}
	return true
}
