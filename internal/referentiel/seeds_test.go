package referentiel

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// readSeed returns a source document, copied unchanged under
// testdata/seeds (see its README) so that a plain clone holds it.
func readSeed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/seeds/" + name)
	if err != nil {
		t.Fatalf("document source : %v", err)
	}
	return string(b)
}

var competenceHeading = regexp.MustCompile(`Compétence (\d+) :`)

// TestCriteriaLinkedOnTheirRow reads the table of 003 row by row: a
// criterion is linked to a compétence only if that compétence is on the
// criterion's row (its heading there, or its items continuing from the row
// above); a row whose compétence column carries none links nothing. The
// few criteria of a row with two compétences are linked to one of them.
func TestCriteriaLinkedOnTheirRow(t *testing.T) {
	certs := load(t)
	casp := certs["RNCP36625"]
	seed := readSeed(t, "003_4950277a0b52e72f.txt")
	byLabel := map[string]Criterion{}
	for _, b := range casp.Blocks {
		for _, cr := range b.Criteria {
			byLabel[normalise(cr.Label)] = cr
		}
	}
	// Unlinked although their row carries compétences: the sentence is about
	// the deliverable itself, not about one compétence of the row.
	unlinkedOnPurpose := map[string]bool{"RNCP36625BC03-CR12": true}
	block, current := 0, 0 // compétence whose items run on into the next row
	seen := 0
	for _, row := range tableRows(seed) {
		compCol, crit := row[0], normalise(row[1])
		if m := regexp.MustCompile(`BLOC DE COMP[ÉE]TENCES? (\d)`).FindStringSubmatch(compCol); m != nil {
			block, current = atoi(m[1]), 0
		}
		onRow := map[string]bool{}
		// Items before the first heading continue the previous compétence.
		first := competenceHeading.FindStringIndex(compCol)
		if dash := strings.Index(compCol, "-"); current != 0 && dash >= 0 && (first == nil || dash < first[0]) {
			onRow[code(block, current)] = true
		}
		for _, m := range competenceHeading.FindAllStringSubmatch(compCol, -1) {
			current = atoi(m[1])
			onRow[code(block, current)] = true
		}
		for label, cr := range byLabel {
			if !strings.Contains(crit, label) || !strings.HasPrefix(cr.Code, fmt.Sprintf("RNCP36625BC%02d-", block)) {
				continue
			}
			seen++
			switch {
			case cr.Competence == "" && len(onRow) > 0 && !unlinkedOnPurpose[cr.Code]:
				t.Errorf("%s n'est lié à aucune compétence ; sa ligne porte %v", cr.Code, keys(onRow))
			case cr.Competence != "" && !onRow[cr.Competence]:
				t.Errorf("%s est lié à %s, que sa ligne ne porte pas (elle porte %v)", cr.Code, cr.Competence, keys(onRow))
			}
		}
	}
	if seen < 45 {
		t.Fatalf("seulement %d critères retrouvés dans le tableau", seen)
	}
}

func code(block, comp int) string { return fmt.Sprintf("RNCP36625BC%02d-C%02d", block, comp) }

// tableRows splits 003 into the rows of its table, each as its compétence
// column and its criteria column. Tab-separated lines are rows (the last
// column holds the criteria); one page of the document lost its table
// layout, and its run of plain lines is one row, all columns together.
func tableRows(seed string) [][2]string {
	var rows [][2]string
	var plain []string
	flush := func() {
		if len(plain) > 0 {
			text := strings.Join(plain, "\n")
			rows = append(rows, [2]string{text, text})
			plain = nil
		}
	}
	for _, line := range strings.Split(seed, "\n") {
		cols := strings.Split(line, "\t")
		switch {
		case len(cols) >= 3:
			flush()
			if strings.HasPrefix(cols[0], "---") || strings.Contains(line, "REFERENTIEL D") || strings.Contains(line, "CRITÈRES D'ÉVALUATION") {
				continue
			}
			rows = append(rows, [2]string{cols[1], cols[len(cols)-1]})
		case strings.TrimSpace(line) != "":
			plain = append(plain, line)
		}
	}
	flush()
	return rows
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestCFEAActivities checks that RNCP37779 carries the activities of
// 000 §2.2 word for word: every heading and every item, each once, under
// the bloc whose title names it.
func TestCFEAActivities(t *testing.T) {
	certs := load(t)
	seed := readSeed(t, "000_9abcfb978f5a73b7.txt")
	start := strings.Index(seed, "2.2. Les activités du conseiller en emploi accompagné")
	end := strings.Index(seed, "3. LES COMPÉTENCES ATTESTÉES")
	if start < 0 || end < start {
		t.Fatal("section 2.2 introuvable")
	}
	var headings, items []string
	for _, line := range strings.Split(seed[start:end], "\n")[1:] {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "- "):
			items = append(items, strings.TrimPrefix(line, "- "))
		default:
			headings = append(headings, line)
		}
	}
	if len(headings) != 4 {
		t.Fatalf("%d intitulés d'activités dans la source", len(headings))
	}
	var gotHeadings, gotItems []string
	for _, b := range certs["RNCP37779"].Blocks {
		for _, a := range b.Activities {
			gotHeadings = append(gotHeadings, a.Label)
			gotItems = append(gotItems, a.Items...)
			// The heading's last five words name its bloc in the bloc's title.
			words := strings.Fields(a.Label)
			if len(words) < 5 || !strings.Contains(b.Title, strings.Join(words[len(words)-5:], " ")) {
				t.Errorf("%s porte l'activité %q, que son intitulé ne nomme pas", b.Code, a.Label)
			}
		}
	}
	sortedEqual := func(a, b []string) bool {
		if len(a) != len(b) {
			return false
		}
		seen := map[string]int{}
		for _, x := range a {
			seen[x]++
		}
		for _, x := range b {
			seen[x]--
		}
		for _, n := range seen {
			if n != 0 {
				return false
			}
		}
		return true
	}
	if !sortedEqual(gotHeadings, headings) {
		t.Errorf("activités :\n got %q\nwant %q", gotHeadings, headings)
	}
	if !sortedEqual(gotItems, items) {
		t.Errorf("%d sous-points, la source en a %d :\n got %q\nwant %q", len(gotItems), len(items), gotItems, items)
	}
}

// TestEquivalenceGroundsQuoted: every ground for équivalence a référentiel
// lists is a sentence of its source, word for word; CASP's fiche lists none.
func TestEquivalenceGroundsQuoted(t *testing.T) {
	certs := load(t)
	seed := normalise(readSeed(t, "000_9abcfb978f5a73b7.txt"))
	cfea := certs["RNCP37779"]
	if len(cfea.Equivalences) == 0 {
		t.Fatal("RNCP37779 : aucune équivalence, alors que la section 4 la prévoit")
	}
	for _, e := range cfea.Equivalences {
		if !strings.Contains(seed, normalise(e.Label)) {
			t.Errorf("%s : absent du document source : %q", e.Code, e.Label)
		}
	}
	if n := len(certs["RNCP36625"].Equivalences); n != 0 {
		t.Errorf("CASP : %d équivalences, la fiche n'en prévoit aucune", n)
	}
}
