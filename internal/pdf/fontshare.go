package pdf

import (
	"maps"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/go-pdf/fpdf"
)

// Parsed fonts shared between documents.
//
// fpdf's AddUTF8FontFromBytes parses the TrueType file and fingerprints
// its 65,536-entry width table (a JSON encoding hashed with SHA-1) on
// every call, ≈ 1.8 ms of CPU per style and per document, and keeps the
// result in a private map of the document. It offers no way to reuse it,
// so each style is parsed here once per process, by fpdf itself, and its
// definition is copied into each document's font map through reflection.
// The copy is what AddUTF8FontFromBytes would have built, value for value
// (TestSharedFontsSameBytes prints every kind of document both ways and
// compares the bytes); what fpdf changes while printing is per document:
// the set of runes used (a fresh map) and the parser's state, which
// subsetting at output resets and re-reads (a fresh copy of the parser
// and of its reader; the font's bytes, read only, are shared, as they
// already were).
//
// This reads unexported fields of fpdf v0.9.0 (Fpdf.fonts, and in its
// font definition utf8File, usedRunes and the parser's fileReader). If a
// later fpdf renames or retypes them, sharedFont finds out at the first
// parse and documents fall back to AddUTF8FontFromBytes: slower, never
// wrong. TestFontsShared fails then, so the upgrade is noticed.

// sharedFontDef is one style's font definition as fpdf built it.
type sharedFontDef struct {
	key   string        // the key of fpdf's font map: family + style
	def   reflect.Value // fpdf's fontDefType, addressable, never changed
	runes map[int]int   // its initial set of used runes, copied per document
}

// sharedFonts parses each style at most once, on first use.
var sharedFonts = map[string]func() *sharedFontDef{
	"":  sync.OnceValue(func() *sharedFontDef { return parseShared("") }),
	"B": sync.OnceValue(func() *sharedFontDef { return parseShared("B") }),
	"I": sync.OnceValue(func() *sharedFontDef { return parseShared("I") }),
}

// fpdfAlone makes documents use fpdf's public API only, as before fonts
// were shared and table lines written directly (Doc.text): addFont calls
// AddUTF8FontFromBytes for every document. For the test that compares
// the bytes both ways print.
var fpdfAlone atomic.Bool

// addFont embeds one style of the typeface in f: a copy of the shared
// definition, or fpdf's own parse if it cannot be shared. fpdf subsets
// each embedded style to the glyphs used. A document embeds a style only
// when it first prints in it (see Doc.font). It returns the document's
// set of used runes for that style, the one fpdf subsets the font to,
// when it is the copy's (nil after fpdf's own parse).
func addFont(f *fpdf.Fpdf, style string) map[int]int {
	if sf := sharedFonts[style](); sf != nil && !fpdfAlone.Load() {
		if runes := sf.addTo(f); runes != nil {
			return runes
		}
	}
	f.AddUTF8FontFromBytes(fontFamily(style), "", fontFiles[style])
	return nil
}

// parseShared has fpdf parse style's file in a document of its own,
// configured as newDoc configures every document before its first font
// (the page-count alias changes the initial set of used runes), and
// takes the definition out of it; nil if fpdf's fields are not the ones
// this file knows.
func parseShared(style string) *sharedFontDef {
	p := fpdf.New("P", "mm", "A4", "")
	p.AliasNbPages("{nb}")
	p.AddUTF8FontFromBytes(fontFamily(style), "", fontFiles[style])
	if p.Err() {
		return nil
	}
	fonts, ok := field(reflect.ValueOf(p).Elem(), "fonts", reflect.Map)
	if !ok || fonts.Len() != 1 || fonts.Type().Key().Kind() != reflect.String {
		return nil
	}
	key := fonts.MapKeys()[0]
	def := reflect.New(fonts.Type().Elem()).Elem()
	def.Set(fonts.MapIndex(key))
	runes, ok := field(def, "usedRunes", reflect.Map)
	if !ok || runes.Type() != reflect.TypeOf(map[int]int(nil)) {
		return nil
	}
	file, ok := field(def, "utf8File", reflect.Pointer)
	if !ok || file.IsNil() || file.Type().Elem().Kind() != reflect.Struct {
		return nil
	}
	if reader, ok := field(file.Elem(), "fileReader", reflect.Pointer); !ok || reader.IsNil() || reader.Type().Elem().Kind() != reflect.Struct {
		return nil
	}
	return &sharedFontDef{key: key.String(), def: def, runes: runes.Interface().(map[int]int)}
}

// addTo puts a copy of the definition in f's font map, with its own set
// of used runes, parser and reader, as AddUTF8FontFromBytes would, and
// returns that set; nil if f's font map is not the one parseShared read.
func (sf *sharedFontDef) addTo(f *fpdf.Fpdf) map[int]int {
	fonts, ok := field(reflect.ValueOf(f).Elem(), "fonts", reflect.Map)
	if !ok || fonts.IsNil() || fonts.Type().Elem() != sf.def.Type() {
		return nil
	}
	def := reflect.New(sf.def.Type()).Elem()
	def.Set(sf.def)
	used := maps.Clone(sf.runes)
	runes, _ := field(def, "usedRunes", reflect.Map)
	runes.Set(reflect.ValueOf(used))
	file, _ := field(def, "utf8File", reflect.Pointer)
	parser := reflect.New(file.Type().Elem())
	parser.Elem().Set(file.Elem())
	reader, _ := field(parser.Elem(), "fileReader", reflect.Pointer)
	ownReader := reflect.New(reader.Type().Elem())
	ownReader.Elem().Set(reader.Elem())
	reader.Set(ownReader)
	file.Set(parser)
	fonts.SetMapIndex(reflect.ValueOf(sf.key), def)
	return used
}

// field is the named field of the addressable struct v, settable even
// though unexported, if it exists and is of kind k.
func field(v reflect.Value, name string, k reflect.Kind) (reflect.Value, bool) {
	fv := v.FieldByName(name)
	if !fv.IsValid() || fv.Kind() != k {
		return reflect.Value{}, false
	}
	return reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem(), true
}
