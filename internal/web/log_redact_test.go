package web

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestMaskSecretsLikeRegexp: the hand scan masks exactly what the regular
// expression it replaced masked, on edge cases and on random paths mixing
// token characters, separators and non-ASCII.
func TestMaskSecretsLikeRegexp(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`[A-Za-z0-9_-]{32,}`)
	tok := strings.Repeat("aZ0_-", 7) // 35 characters
	cases := []string{"", "/", "/jury/sessions/12/candidats/3", tok, "/" + tok, tok + "/", "/reset/" + tok + "/x/" + tok,
		strings.Repeat("a", 31), strings.Repeat("a", 32), "/" + strings.Repeat("b", 31) + "/", "/" + strings.Repeat("b", 32) + "é" + strings.Repeat("c", 40),
		"/x%2F" + tok, "/é" + tok + "ü"}
	alphabet := []string{"a", "Z", "9", "_", "-", "/", ".", "%", "é", "€", "\x00", "\xff", "~"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		n := r.IntN(120)
		for range n {
			// Long runs of token characters are likely, so both sides of 32 are met.
			if r.IntN(10) < 8 {
				b.WriteString(alphabet[r.IntN(5)])
			} else {
				b.WriteString(alphabet[5+r.IntN(len(alphabet)-5)])
			}
		}
		cases = append(cases, b.String())
	}
	for _, p := range cases {
		if got, want := maskSecrets(p), re.ReplaceAllString(p, "[masqué]"); got != want {
			t.Errorf("maskSecrets(%q) = %q, attendu %q", p, got, want)
		}
	}
}
