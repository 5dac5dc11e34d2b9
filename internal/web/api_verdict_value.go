package web

import (
	"strings"

	"acquis/internal/jury"
)

// apiVerdictMessage names every verdict the API understands, so that a
// client told its value is wrong knows what to send.
const apiVerdictMessage = "Verdict inconnu : valeurs acceptées « acquis » et « non_acquis » (« non acquis » est compris aussi)."

// verdictSeparators are the spellings of non_acquis's underscore; built
// once, not on each autosave.
var verdictSeparators = strings.NewReplacer(" ", "_", "-", "_")

// apiVerdictValue reads a verdict as people write it: the French
// « non acquis » (with a space or a hyphen, any case) is the stored
// non_acquis. It reports false for anything else.
func apiVerdictValue(v string) (string, bool) {
	n := verdictSeparators.Replace(strings.ToLower(strings.TrimSpace(v)))
	switch n {
	case jury.Acquis, jury.NonAcquis:
		return n, true
	}
	return "", false
}
