package pdf

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"acquis/internal/jury"
)

// pageText is page n of doc as pdftotext reads it (content-stream order),
// one string per non-empty line.
func pageText(t *testing.T, doc []byte, n int) []string {
	t.Helper()
	p := fmt.Sprint(n)
	cmd := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", "-f", p, "-l", p, "-", "-")
	cmd.Stdin = strings.NewReader(string(doc))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext page %d : %v", n, err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = collapse(strings.Trim(l, "\f")); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// lastBodyLines are the last two lines a page prints above its footer
// (the footer is drawn when the page closes, so it comes last in the
// stream); a heading wraps to two lines at most.
func lastBodyLines(lines []string, docID string) (prev, last string) {
	for i := len(lines) - 1; i > 0; i-- {
		if strings.HasPrefix(lines[i], "Document "+docID) {
			if i > 1 {
				prev = lines[i-2]
			}
			return prev, lines[i-1]
		}
	}
	return "", ""
}

// orphanHeading says whether a page ends with a heading (on one line or
// wrapped on two), or with the header row of a bloc's table: a heading,
// or a heading and its table header, left at the foot of a page with
// nothing of theirs under them.
func orphanHeading(prev, last string, headings []string) bool {
	if strings.HasPrefix(last, clean("Critère d'évaluation")) {
		return true
	}
	for _, h := range headings {
		if h = collapse(clean(h)); last == h || prev+" "+last == h {
			return true
		}
	}
	return false
}

// withExtraFiles is the CASP jury file with n more deposited files: each
// adds a row to « Documents examinés » and moves everything after it
// (the blocs) down the pages by one row.
func withExtraFiles(t *testing.T, n int) *jury.CandidateFile {
	f := caspFile(t)
	for i := 0; i < n; i++ {
		x := f.Deposit.Files[0]
		x.DocumentID, x.FileName = int64(1000+i), fmt.Sprintf("annexe-%02d.pdf", i)
		f.Deposit.Files = append(f.Deposit.Files, x)
	}
	return f
}

// TestJuryFileKeepsHeadingWithFirstLine: however the blocs fall on the
// pages, no page of the jury file ends with a bloc heading (or any other
// heading): the heading is always on the page of its first row. The
// fixtures shift the blocs down one file row at a time across a page,
// so some bloc heading falls at the foot of a page in most of them.
func TestJuryFileKeepsHeadingWithFirstLine(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext manque : apt-get install poppler-utils (.ci/run l'installe)")
	}
	headings := []string{"Parcours par bloc", "Composition du jury", "Déclarations d'absence de conflit d'intérêts", "Évaluateurs",
		"Documents examinés", "Auto-évaluation du candidat", "Résultat", "Préconisations du jury", "Signatures"}
	for _, b := range caspFile(t).TargetedBlocks() {
		headings = append(headings, "Bloc "+b.Code+" — "+b.Title)
	}
	orphans := 0
	for extra := 0; extra <= 20; extra++ {
		f := withExtraFiles(t, extra)
		doc, err := JuryFile(f, at)
		if err != nil {
			t.Fatal(err)
		}
		_, pages := text(t, doc)
		id := fmt.Sprintf("DJ-%d-%d", f.Session.ID, f.Candidacy.ID)
		for p := 1; p <= pages; p++ {
			if prev, last := lastBodyLines(pageText(t, doc, p), id); orphanHeading(prev, last, headings) {
				orphans++
				t.Errorf("%d fichiers en plus : la page %d / %d finit par un titre sans sa première ligne : %q", extra, p, pages, last)
			}
		}
	}
	if orphans > 0 {
		t.Logf("%d pages finissent par un titre", orphans)
	}
}

// TestJuryFileSizesForPeople: the jury file gives file sizes as people
// read them (« 18,5 Ko »), never a raw count of octets; the SHA-256 of
// each file stays, for the jury to check what it assessed.
func TestJuryFileSizesForPeople(t *testing.T) {
	f := caspFile(t)
	for i := range f.Deposit.Files {
		f.Deposit.Files[i].Size = 18927
	}
	f.Deposit.Files[0].Size = 2_411_724
	doc, err := JuryFile(f, at)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := text(t, doc)
	if !strings.Contains(txt, "18,5 Ko") || !strings.Contains(txt, "2,3 Mo") {
		t.Errorf("tailles « 18,5 Ko » et « 2,3 Mo » absentes du dossier jury")
	}
	if strings.Contains(txt, "octet") || strings.Contains(txt, "18927") || strings.Contains(txt, " ko") {
		t.Error("le dossier jury donne une taille en octets ou en « ko »")
	}
	if !strings.Contains(strings.ReplaceAll(txt, " ", ""), f.Deposit.Files[1].SHA256) {
		t.Error("l'empreinte SHA-256 des fichiers a disparu du dossier jury")
	}
}

// TestMinutesKeepHeadingWithFirstLine: the minutes share the Doc helper,
// so no page of theirs ends with a heading either, whatever the number of
// candidates moving the sections down the pages.
func TestMinutesKeepHeadingWithFirstLine(t *testing.T) {
	headings := []string{"Composition du jury", "Décisions par candidat et par bloc", "Délibération par bloc", "Totaux",
		"Préconisations du jury", "Signature"}
	for n := 20; n <= 40; n++ {
		m := minutesFor(n)
		doc, err := Minutes(m, strings.Repeat("c", 64))
		if err != nil {
			t.Fatal(err)
		}
		_, pages := text(t, doc)
		id := fmt.Sprintf("PV-%d-v%d", m.SessionID, m.Version)
		for p := 1; p <= pages; p++ {
			if prev, last := lastBodyLines(pageText(t, doc, p), id); orphanHeading(prev, last, headings) {
				t.Errorf("%d candidats : la page %d / %d du procès-verbal finit par un titre : %q", n, p, pages, last)
			}
		}
	}
}
