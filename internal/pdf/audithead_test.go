package pdf

import (
	"strings"
	"testing"
)

// TestMinutesPrintAuditHead: signed minutes carry the audit log's sealed
// head on every page, a trace of the chain kept outside the database.
func TestMinutesPrintAuditHead(t *testing.T) {
	m := minutesFor(3)
	m.AuditHead = "1234:" + strings.Repeat("ab", 32)
	doc, err := Minutes(m, strings.Repeat("c", 64))
	if err != nil {
		t.Fatal(err)
	}
	txt, pages := text(t, doc)
	if n := strings.Count(txt, "Journal d'audit scellé jusqu'à : "+m.AuditHead); n != pages {
		t.Fatalf("tête de chaîne imprimée %d fois sur %d pages", n, pages)
	}
}
