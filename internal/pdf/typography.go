package pdf

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// French typography. Documents wrap only at U+0020 (MultiCell does, and
// Doc.split for tables), so joining two words with a no-break space keeps
// them on one line:
//   - a narrow no-break space (U+202F) before « : ; ! ? » and inside
//     « guillemets »;
//   - a no-break space (U+00A0) between a number and its unit (1,2 Mo,
//     24 mois), after « n° », inside a date written out (15 octobre 2026)
//     and between a date and its time (21/10/2026 à 16:30).
//
// Codes (RNCP37779-2026-00001) hold no space and the wrapper never
// breaks at a hyphen, so they stay whole.
const (
	nbsp       = '\u00a0'
	narrowNBSP = '\u202f'
)

// units are the words that, after a number, stay on its line.
var units = map[string]bool{
	"o": true, "octet": true, "octets": true, "ko": true, "Ko": true, "Mo": true, "Go": true,
	"mois": true, "an": true, "ans": true, "jour": true, "jours": true, "semaine": true, "semaines": true,
	"h": true, "heure": true, "heures": true, "min": true, "minute": true, "minutes": true, "s": true, "ms": true,
	"%": true, "€": true, "page": true, "pages": true, "candidat": true, "candidats": true, "candidature": true, "candidatures": true,
	"bloc": true, "blocs": true, "critère": true, "critères": true, "fichier": true, "fichiers": true, "km": true,
}

// months are the French month names, for dates written out.
var months = map[string]bool{
	"janvier": true, "février": true, "mars": true, "avril": true, "mai": true, "juin": true, "juillet": true,
	"août": true, "septembre": true, "octobre": true, "novembre": true, "décembre": true,
}

// shape applies French typography to s (already cleaned).
func shape(s string) string {
	if !strings.ContainsAny(s, " :;!?0123456789") && !containsAnyOf(s, "«", "»", "°") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	// The words are s's pieces between U+0020, taken one after the other
	// rather than split into a slice (shape runs on every text printed).
	prev, rest, first := "", s, true
	for {
		w, after, more := strings.Cut(rest, " ")
		if !first {
			b.WriteRune(joiner(prev, w))
		}
		shapeWord(&b, w, first, !more)
		if !more {
			return b.String()
		}
		prev, rest, first = w, after, false
	}
}

// joiner is the space to put between two words: U+0020 where a line may
// break, a no-break space where it may not.
func joiner(left, right string) rune {
	// Only the parts on the same line matter.
	if i := strings.LastIndexByte(left, '\n'); i >= 0 {
		left = left[i+1:]
	}
	if i := strings.IndexByte(right, '\n'); i >= 0 {
		right = right[:i]
	}
	if left == "" || right == "" {
		return ' '
	}
	first, _ := utf8.DecodeRuneInString(right)
	last, _ := utf8.DecodeLastRuneInString(left)
	switch {
	case strings.ContainsRune(":;!?»", first):
		return narrowNBSP
	case last == '«':
		return narrowNBSP
	case left == "n°" || left == "N°":
		return nbsp
	case isNumber(left) && units[strings.TrimRight(right, ".,;:!?)»")]:
		return nbsp
	case right == "à" && isDate(left):
		return nbsp
	case left == "à" && isTime(strings.TrimRight(right, ".,;:)")):
		return nbsp
	case isDay(left) && months[right]:
		return nbsp
	case len(right) >= 4 && right[0] >= '0' && right[0] <= '9' && isYear(strings.TrimRight(right, ".,;:)")) && months[left]:
		// (The cheap tests first: joiner runs between every two words.)
		return nbsp
	}
	return ' '
}

// shapeWord writes w, adding the narrow no-break space that typed text
// often lacks: «mot» becomes « mot », « fin; » becomes « fin ; ». A colon
// inside a word (16:30, https://, seq:hash) is left alone.
func shapeWord(b *strings.Builder, w string, first, last bool) {
	if !strings.ContainsAny(w, ":;!?") && !containsAnyOf(w, "«", "»") {
		b.WriteString(w)
		return
	}
	rs := []rune(w)
	for i, r := range rs {
		prevLetter := i > 0 && (unicode.IsLetter(rs[i-1]) || unicode.IsDigit(rs[i-1]) || rs[i-1] == ')')
		endsWord := i == len(rs)-1 || rs[i+1] == '\n' || strings.ContainsRune(".,;:!?»)", rs[i+1])
		switch {
		case r == '»' && i > 0 && rs[i-1] != '\n' && !unicode.IsSpace(rs[i-1]):
			b.WriteRune(narrowNBSP)
		case strings.ContainsRune(";!?", r) && prevLetter && endsWord:
			b.WriteRune(narrowNBSP)
		case r == ':' && prevLetter && (i == len(rs)-1 || rs[i+1] == '\n'):
			b.WriteRune(narrowNBSP)
		}
		b.WriteRune(r)
		if r == '«' && i < len(rs)-1 && rs[i+1] != '\n' && !unicode.IsSpace(rs[i+1]) {
			b.WriteRune(narrowNBSP)
		}
	}
}

// containsAnyOf reports whether s contains one of subs. For the
// non-ASCII « » °, it is much cheaper than strings.ContainsAny, which
// decodes every rune of s when its set is not ASCII.
func containsAnyOf(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// isNumber reports whether w is a number as printed: digits with a
// decimal comma or point (1,2; 12.5).
func isNumber(w string) bool {
	if w == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(w)
	if last < '0' || last > '9' {
		return false
	}
	for _, r := range w {
		if (r < '0' || r > '9') && r != ',' && r != '.' && r != narrowNBSP {
			return false
		}
	}
	return true
}

// isDate reports whether w is a date dd/mm/yyyy.
func isDate(w string) bool {
	return len(w) == 10 && w[2] == '/' && w[5] == '/' && allDigits(w[:2]+w[3:5]+w[6:])
}

// isTime reports whether w is a time hh:mm.
func isTime(w string) bool { return len(w) == 5 && w[2] == ':' && allDigits(w[:2]+w[3:]) }

// isDay reports whether w is a day of the month (1er, 2 … 31).
func isDay(w string) bool {
	return w == "1er" || (len(w) <= 2 && allDigits(w))
}

// isYear reports whether w is a four-digit year.
func isYear(w string) bool { return len(w) == 4 && allDigits(w) }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// split wraps txt (already cleaned) into lines that fit in a cell w mm
// wide in the current font, as fpdf's SplitText does, except that it
// breaks only at U+0020 and at line feeds, never at a no-break space
// (SplitText breaks at every Unicode space). Only a group of words too
// wide for the line by itself is broken, at its last no-break space that
// fits (a date and its time in a narrow column), or else between
// characters (a hash).
func (d *Doc) split(txt string, w float64) []string {
	f := d.f
	max := w - 2*f.GetCellMargin()
	txt = strings.TrimRight(txt, "\n")
	var lines []string
	for _, para := range strings.Split(txt, "\n") {
		if f.GetStringWidth(para) <= max {
			lines = append(lines, para)
			continue
		}
		space := f.GetStringWidth(" ")
		line, lineW := "", 0.0
		for _, word := range strings.Split(para, " ") {
			ww := f.GetStringWidth(word)
			if line != "" && lineW+space+ww <= max {
				line += " " + word
				lineW += space + ww
				continue
			}
			if line != "" {
				lines = append(lines, line)
			}
			// A word wider than the line is cut.
			for ww > max {
				cut := d.fitRunes(word, max)
				lines = append(lines, word[:cut])
				word = strings.TrimLeft(word[cut:], "\u00a0\u202f")
				ww = f.GetStringWidth(word)
			}
			line, lineW = word, ww
		}
		lines = append(lines, line)
	}
	return lines
}

// fitRunes is the byte length of the prefix of word to put on a line
// max mm wide: up to its last no-break space that fits if there is one
// (the space is dropped with the break), else the longest prefix that
// fits, at least one rune.
func (d *Doc) fitRunes(word string, max float64) int {
	n, wsum, lastSpace, prevSpace := 0, 0.0, -1, -1
	for i, r := range word {
		wsum += d.f.GetStringWidth(string(r))
		if wsum > max && i > 0 {
			// « à » goes with the time that follows it.
			if prevSpace > 0 && strings.HasSuffix(word[:lastSpace], "\u00a0à") {
				return prevSpace
			}
			if lastSpace > 0 {
				return lastSpace
			}
			return i
		}
		if r == nbsp || r == narrowNBSP {
			prevSpace, lastSpace = lastSpace, i
		}
		n = i + utf8.RuneLen(r)
	}
	return n
}
