package pdf

import (
	"strings"
	"testing"
)

// TestShape checks French typography: narrow no-break spaces before
// double punctuation and inside guillemets, no-break spaces tying numbers
// to units and dates together, and nothing changed inside codes, times,
// addresses or hashes.
func TestShape(t *testing.T) {
	const n, nn = "\u00a0", "\u202f"
	for in, want := range map[string]string{
		"Motif : erreur ; voir ! oui ?":                "Motif" + nn + ": erreur" + nn + "; voir" + nn + "! oui" + nn + "?",
		"Motif: erreur; voir! oui?":                    "Motif" + nn + ": erreur" + nn + "; voir" + nn + "! oui" + nn + "?",
		"« analyse convaincante »":                     "«" + nn + "analyse convaincante" + nn + "»",
		"«analyse»":                                    "«" + nn + "analyse" + nn + "»",
		"taille 1,2 Mo, 24 mois, 3 blocs.":             "taille 1,2" + n + "Mo, 24" + n + "mois, 3" + n + "blocs.",
		"le 21/10/2026 à 16:30 ici":                    "le 21/10/2026" + n + "à" + n + "16:30 ici",
		"le 15 octobre 2026.":                          "le 15" + n + "octobre" + n + "2026.",
		"enregistrée au RNCP sous le n° 37779":         "enregistrée au RNCP sous le n°" + n + "37779",
		"RNCP37779-2026-00001 https://a.fr/v/x seq:ab": "RNCP37779-2026-00001 https://a.fr/v/x seq:ab",
		"à 16:30":                  "à" + n + "16:30",
		"Jean-Marc de Saint-Denis": "Jean-Marc de Saint-Denis",
		"ligne :\n« suite »":       "ligne" + nn + ":\n«" + nn + "suite" + nn + "»",
	} {
		if got := shape(in); got != want {
			t.Errorf("shape(%q) = %q, attendu %q", in, got, want)
		}
	}
}

// TestSplitKeepsNoBreakSpaces checks that the table wrapper breaks at
// plain spaces only: a number stays with its unit and a date with its
// time, where fpdf's SplitText would break at the no-break space.
func TestSplitKeepsNoBreakSpaces(t *testing.T) {
	d := newDoc(Meta{Title: "t", ID: "T"})
	txt := clean(strings.Repeat("mot ", 3) + "le 21/10/2026 à 16:30, 1,2 Mo")
	w := d.f.GetStringWidth("mot mot mot le 21/10/2026 à") + 2*d.f.GetCellMargin() + 0.1
	for _, l := range d.split(txt, w) {
		if strings.HasSuffix(l, "à") || strings.HasSuffix(l, "1,2") || strings.HasSuffix(l, "21/10/2026") {
			t.Errorf("coupure interdite après %q (lignes %q)", l, d.split(txt, w))
		}
	}
	// fpdf's own wrapper would have cut there: the test can fail.
	cut := false
	for _, l := range d.f.SplitText(txt, w) {
		cut = cut || strings.HasSuffix(l, "à")
	}
	if !cut {
		t.Fatal("cas de test sans coupure possible : largeur à revoir")
	}
}

// TestSplitDateTimeInNarrowColumn checks that a date and time too wide
// for their column break at a no-break space, not inside the time.
func TestSplitDateTimeInNarrowColumn(t *testing.T) {
	d := newDoc(Meta{Title: "t", ID: "T"})
	d.font("", bodySize-1)
	txt := clean("20/10/2026 à 16:30")
	w := d.f.GetStringWidth("20/10/2026 à 16:") + 2*d.f.GetCellMargin()
	lines := d.split(txt, w)
	if len(lines) != 2 || lines[0] != "20/10/2026" || lines[1] != "à\u00a016:30" {
		t.Errorf("coupure de %q sur %.1f mm : %q, attendu [20/10/2026 à 16:30]", txt, w, lines)
	}
}

// TestHyphenNarrowerThanDash checks the glyphs themselves: in the
// documents' font a hyphen is clearly narrower than an en dash, so
// « Procès-verbal » does not read « Procès–verbal » (in Go Regular both
// are as wide as a minus), and bold is a font of its own, wider than the
// regular (a stroked regular has the regular's widths).
func TestHyphenNarrowerThanDash(t *testing.T) {
	d := newDoc(Meta{Title: "t", ID: "T"})
	d.font("", 10)
	hyphen, dash := d.f.GetStringWidth("-"), d.f.GetStringWidth("–")
	if hyphen > 0.7*dash {
		t.Errorf("trait d'union de %.2f mm pour un tiret demi-cadratin de %.2f mm : trop large", hyphen, dash)
	}
	regular := d.f.GetStringWidth("Procès-verbal de délibération")
	d.font("B", 10)
	if bold := d.f.GetStringWidth("Procès-verbal de délibération"); bold <= regular {
		t.Errorf("gras de la même chasse que le romain (%.2f mm) : gras simulé", bold)
	}
}
