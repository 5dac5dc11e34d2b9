package pdf

import (
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// fontFamily is the name the documents use for the Go fonts.
const fontFamily = "go"

// addFonts embeds Go Regular, the one font the documents use (bold is
// drawn from it, see Doc.font). It comes from golang.org/x/image (BSD
// licence, shipped with the module), so nothing is read from the system.
func addFonts(f *fpdf.Fpdf) {
	f.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
}

// printable marks, once, the runes the font can draw. fpdf indexes its
// width table by rune and has no glyph fallback, so anything else (an emoji
// in a comment, a control character) is replaced before it reaches fpdf.
var printable = sync.OnceValue(func() []bool {
	ok := make([]bool, 0x10000)
	var buf sfnt.Buffer
	fonts := make([]*sfnt.Font, 0, 2)
	for _, ttf := range [][]byte{goregular.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("pdf: police Go illisible : " + err.Error())
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

// clean makes text printable: line breaks are kept, tabs become spaces,
// other control characters disappear, and runes the font lacks become "?".
func clean(s string) string {
	table := printable()
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || r == '\r':
		case r == '\u00a0' || r == '\u202f':
			// fpdf wraps at any Unicode space, so a no-break space would
			// not hold anyway: print a plain one.
			b.WriteByte(' ')
		case r < 0x10000 && table[r]:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
