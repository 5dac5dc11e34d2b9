package portfolio

import (
	"os"
	"strings"
	"testing"
)

// TestScaleWordForWord compares the scale with annex 4 of 004: each label
// is the source's once the words listed in RemovedForOrientation are taken
// out, and each of those words is about orientation.
func TestScaleWordForWord(t *testing.T) {
	// Copied unchanged under testdata/seeds (see its README).
	b, err := os.ReadFile("testdata/seeds/004_cf991cc7ff87f963.txt")
	if err != nil {
		t.Fatalf("document source 004 : %v", err)
	}
	seed := string(b)
	lines := strings.Split(seed, "\n")
	var labels []string
	for i, l := range lines {
		if strings.HasPrefix(l, "Niv. 1\tNiv. 2\tNiv. 3\tNiv. 4\tNiv. 5") && i+1 < len(lines) {
			labels = strings.Split(strings.TrimSpace(lines[i+1]), "\t")
		}
	}
	if len(labels) != 5 || len(Scale) != 5 {
		t.Fatalf("annexe 4 : %d libellés, échelle : %d niveaux", len(labels), len(Scale))
	}
	for i, l := range Scale {
		want := labels[i]
		for _, w := range RemovedForOrientation[l.Value] {
			if !strings.Contains(w, "orient") {
				t.Errorf("niveau %d : %q retiré sans rapport avec l'orientation", l.Value, w)
			}
			if !strings.Contains(want, w) {
				t.Errorf("niveau %d : %q absent de la source", l.Value, w)
			}
			want = strings.Replace(want, w, "", 1)
		}
		if l.Label != want {
			t.Errorf("niveau %d :\n got %q\nwant %q (source : %q)", l.Value, l.Label, want, labels[i])
		}
	}
}
