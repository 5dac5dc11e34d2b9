package pdf

import (
	"strings"
	"testing"
)

// TestSharedFileListedOnce (issue 18 #5): the receipt and the jury file
// list CASP's mémoire, one file deposited once for blocs 1 and 2, on one
// line naming both blocs, as the candidate handed it in: one file, one
// hash. Checked on the text extracted from the PDFs.
func TestSharedFileListedOnce(t *testing.T) {
	f := caspFile(t)
	memoire := f.Deposit.Files[0]
	if memoire.DeliverableCode != "RNCP36625-MEMOIRE" || len(f.Deposit.Files) != 3 {
		t.Fatalf("fixture : %+v", f.Deposit.Files)
	}
	receipt, err := Receipt(f.Deposit, f.Certification, nil)
	if err != nil {
		t.Fatal(err)
	}
	file, err := JuryFile(f, at)
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{"récépissé": receipt, "dossier du jury": file} {
		txt, _ := text(t, doc)
		flat := strings.Join(strings.Fields(txt), " ")
		if n := strings.Count(flat, memoire.FileName); n != 1 {
			t.Errorf("%s : le mémoire apparaît %d fois", name, n)
		}
		if !strings.Contains(flat, "RNCP36625BC01, RNCP36625BC02") {
			t.Errorf("%s : le mémoire ne nomme pas ses deux blocs :\n%s", name, flat)
		}
	}
}
