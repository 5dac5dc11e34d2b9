package account

import (
	_ "embed"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

//go:embed password_common.txt
var commonPasswordsText string

// commonPasswords holds the list of password_common.txt (see its header
// for sources): the passwords attackers try first, French ones included.
var commonPasswords = func() map[string]struct{} {
	m := make(map[string]struct{}, 13000)
	for _, l := range strings.Split(commonPasswordsText, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = struct{}{}
		}
	}
	return m
}()

// sequences are strings whose runs people type as passwords: the
// alphabet, digits and the AZERTY and QWERTY rows, each way round.
var sequences = func() []string {
	base := []string{
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
		"01234567890123456789012345678901234567890",
		"azertyuiopqsdfghjklmwxcvbnazertyuiopqsdfghjklmwxcvbn",
		"qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
		"azertyuiop^$qsdfghjklmùwxcvbn,;:!",
		"&é\"'(-è_çà)=&é\"'(-è_çà)=",
		"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;",
		"1azer2qsdf3wxcv",
	}
	out := base
	for _, s := range base {
		r := []rune(s)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		out = append(out, string(r))
	}
	return out
}()

// foldAccents lower-cases and removes accents, as the list is written.
func foldAccents(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(s))
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// weakPasswordReason says in French why pw is easy to guess despite its
// length, or returns "". It refuses a common password or common word,
// even with digits or symbols before or after it or spaces inside; a run
// of an alphabet, digit or keyboard sequence; and a short pattern
// repeated, or too few different characters.
func weakPasswordReason(pw string) string {
	low := foldAccents(pw)
	compact := strings.Join(strings.Fields(low), "")
	core := strings.TrimFunc(compact, func(r rune) bool { return !unicode.IsLetter(r) })
	for _, s := range []string{low, compact, core} {
		if _, ok := commonPasswords[s]; ok && s != "" {
			return "ce mot de passe, ou le mot qui le compose, fait partie des plus courants : les attaquants l'essaient en premier"
		}
	}
	for _, s := range sequences {
		if strings.Contains(s, compact) {
			return "ce mot de passe est une suite de caractères prévisible (comme 123456, abcdef ou azerty)"
		}
	}
	distinct := map[rune]bool{}
	for _, r := range compact {
		distinct[r] = true
	}
	if len(distinct) < 5 || periodic(compact) {
		return "ce mot de passe répète trop peu de caractères différents"
	}
	return ""
}

// periodic reports whether s is one short pattern repeated (« abcabcabc »,
// « azerazerazer »), the last repetition possibly cut.
func periodic(s string) bool {
	r := []rune(s)
	for p := 1; p <= len(r)/2; p++ {
		ok := true
		for i := p; i < len(r); i++ {
			if r[i] != r[i-p] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
