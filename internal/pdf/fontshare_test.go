package pdf

import (
	"bytes"
	"reflect"
	"sync"
	"testing"
)

// TestFontsShared: each style is parsed once per process, and a document
// gets the shared definition (its width table is the shared one), not a
// parse of its own. Fails when fpdf's private fields change (the fallback
// parses per document) or when fpdfAlone is left on.
func TestFontsShared(t *testing.T) {
	d := newDoc(Meta{Title: "t", ID: "T-1", At: at})
	d.font("B", bodySize)
	d.font("I", bodySize)
	fonts, ok := field(reflect.ValueOf(d.f).Elem(), "fonts", reflect.Map)
	if !ok {
		t.Fatal("fpdf n'a plus de champ fonts : les polices ne sont plus partagées")
	}
	for _, style := range []string{"", "B", "I"} {
		sf := sharedFonts[style]()
		if sf == nil {
			t.Fatalf("style %q : définition non partagée (champs de fpdf changés ?)", style)
		}
		got := fonts.MapIndex(reflect.ValueOf(sf.key))
		if !got.IsValid() {
			t.Fatalf("style %q absent du document", style)
		}
		if got.FieldByName("Cw").Pointer() != sf.def.FieldByName("Cw").Pointer() {
			t.Errorf("style %q : police analysée pour ce document au lieu d'être partagée", style)
		}
		if got.FieldByName("utf8File").Pointer() == sf.def.FieldByName("utf8File").Pointer() {
			t.Errorf("style %q : l'état de l'analyseur est partagé entre documents", style)
		}
	}
}

// TestSharedFontsSameBytes: every kind of document, printed with the
// shared fonts, has exactly the bytes it has when fpdf parses each font
// for the document, and documents printed at the same time (go test
// -race) have the bytes of one printed alone.
func TestSharedFontsSameBytes(t *testing.T) {
	shared := allDocuments(t)
	fpdfAlone.Store(true)
	parsed := allDocuments(t)
	fpdfAlone.Store(false)
	for name, doc := range shared {
		if !bytes.Equal(doc, parsed[name]) {
			t.Errorf("%s : octets différents selon que la police est partagée ou analysée (%d / %d octets)", name, len(doc), len(parsed[name]))
		}
	}
	f := caspFile(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			doc, err := JuryFile(f, at)
			if err != nil {
				t.Error(err)
				return
			}
			if !bytes.Equal(doc, shared["dossier-jury"]) {
				t.Error("dossier jury imprimé en parallèle : octets différents")
			}
		})
	}
	wg.Wait()
}

// TestTableLinesWrittenDirectly: a table's lines go through Doc.text's
// own writer (their runes are in its set), not fpdf's Text, after a
// header row filled in another colour than the text's.
func TestTableLinesWrittenDirectly(t *testing.T) {
	d := newDoc(Meta{Title: "t", ID: "T-1", At: at})
	tb := d.Table([]Column{{Width: 40, Header: "En-tête"}, {Width: 0, Header: "Valeur"}})
	tb.Row("Œuvre", "ŁŻ (€)")
	used := d.runes[""]
	if used == nil {
		t.Fatal("pas de jeu de caractères propre au document : polices non partagées")
	}
	for _, r := range "ŒŁŻ€()" {
		if used.seen[r/64]&(1<<(r%64)) == 0 || used.m[int(r)] != int(r) {
			t.Errorf("%q : ligne de tableau imprimée par fpdf, pas par Doc.text", r)
		}
	}
}
