// Package pdf builds the documents a certifier archives and sends to
// auditors: the jury file, the minutes (procès-verbal), attestations and
// certificates, and the deposit receipt. Every document is A4 with a wide
// left margin for hole-punching, a header naming the certifier and the
// certification, and a footer with "page X / Y", the document's identifier
// and the SHA-256 of the data it was built from, so a printed page can be
// traced back to the record.
//
// Text is set in Liberation Sans (embedded TrueType, UTF-8, subset to the
// glyphs used), which covers every French character, with French
// typography (typography.go). Output is deterministic: the same data and date
// give the same bytes, so a stored document's hash can be checked.
package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	parisloc "acquis/internal/paris"
	"acquis/internal/referentiel"
)

// Page geometry, in millimetres. The left margin leaves room for a
// two-hole punch (holes sit 12 mm from the edge).
const (
	marginLeft   = 25.0
	marginRight  = 15.0
	marginTop    = 22.0
	marginBottom = 20.0
	pageWidth    = 210.0
	pageHeight   = 297.0
	contentWidth = pageWidth - marginLeft - marginRight
	lineHeight   = 4.6
	bodySize     = 9.5
	smallSize    = 7.5
)

// Meta is what every page's header and footer say.
type Meta struct {
	Title         string    // document title, also the PDF's title
	ID            string    // the document's identifier, printed in the footer
	Certifier     string    // the certifying body
	Certification string    // code and title of the certification
	At            time.Time // the date the document bears (creation date)
	DataSHA256    string    // SHA-256 of the data it was built from
	AuditHead     string    // the audit log's sealed head when signed ("seq:hash"), if any
	// DateOnly says At is a calendar date (a jury's decision), not a
	// moment: the footer prints it without a time.
	DateOnly bool
}

// metaFor is the Meta of a document about one certification.
func metaFor(cert *referentiel.Certification, title, id string, at time.Time, dataSHA256 string) Meta {
	return Meta{Title: title, ID: id, Certifier: cert.Certifier, Certification: cert.Code + " — " + cert.Title, At: at, DataSHA256: dataSHA256}
}

// Doc is a document being built.
type Doc struct {
	f    *fpdf.Fpdf
	meta Meta
	// styles are the font styles embedded so far ("", "B", "I").
	styles map[string]bool
	// runes are the runes printed in each style, when the style's font
	// is shared (fontshare.go); line is text's buffer.
	runes map[string]*usedRunes
	line  []byte
	// style and size are the font in use, so printing a held heading
	// can give the caller back the font it had set.
	style string
	size  float64
	// held are headings not printed yet: the first thing that follows a
	// heading prints it, after a page break if the heading and that
	// thing's first line would not fit together (keep-with-next).
	held []heldHeading
	// due is a table whose header row waits, with the held headings, for
	// the table's first row.
	due *Table
}

// heldHeading is a heading waiting for what follows it.
type heldHeading struct {
	s           string
	size, lineH float64
	gap, rule   bool
}

// HashData returns the SHA-256 (hex) of v's JSON encoding: the "data it
// was built from" printed in each footer.
func HashData(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("pdf: hash des données : %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// newDoc starts an A4 portrait document with fonts, header and footer.
func newDoc(m Meta) *Doc {
	f := fpdf.New("P", "mm", "A4", "")
	d := &Doc{f: f, meta: m, styles: make(map[string]bool, 3), runes: make(map[string]*usedRunes, 3)}
	f.SetMargins(marginLeft, marginTop, marginRight)
	// One line width for rules and borders.
	f.SetLineWidth(0.12)
	f.SetAutoPageBreak(true, marginBottom)
	f.AliasNbPages("{nb}")
	at := m.At.UTC()
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	f.SetTitle(clean(m.Title), true)
	f.SetAuthor(clean(m.Certifier), true)
	f.SetSubject(clean(m.Certification), true)
	f.SetCreator("acquis", true)
	f.SetCompression(false)
	f.SetHeaderFunc(d.header)
	f.SetFooterFunc(d.footer)
	f.AddPage()
	d.font("", bodySize)
	return d
}

func (d *Doc) header() {
	// fpdf gives the page's text its font back after the header and
	// footer; so does the record of it.
	defer func(style string, size float64) { d.style, d.size = style, size }(d.style, d.size)
	f := d.f
	d.font("", smallSize)
	f.SetTextColor(90, 90, 90)
	f.SetXY(marginLeft, 10)
	f.CellFormat(contentWidth/2, 4, clean(d.meta.Certifier), "", 0, "L", false, 0, "")
	f.CellFormat(contentWidth/2, 4, clean(d.meta.Certification), "", 1, "R", false, 0, "")
	f.SetDrawColor(160, 160, 160)
	f.Line(marginLeft, 15, pageWidth-marginRight, 15)
	f.SetTextColor(0, 0, 0)
	f.SetY(marginTop)
	d.font("", bodySize)
}

func (d *Doc) footer() {
	defer func(style string, size float64) { d.style, d.size = style, size }(d.style, d.size)
	f := d.f
	d.font("", smallSize-0.5)
	f.SetTextColor(90, 90, 90)
	f.SetDrawColor(160, 160, 160)
	y := pageHeight - 15
	f.Line(marginLeft, y-1, pageWidth-marginRight, y-1)
	f.SetXY(marginLeft, y)
	dated := " · édité le " + FormatDateTime(d.meta.At)
	if d.meta.DateOnly {
		dated = " · daté du " + FormatDate(d.meta.At)
	}
	f.CellFormat(contentWidth-25, 3.5, clean("Document "+d.meta.ID+dated), "", 0, "L", false, 0, "")
	f.CellFormat(25, 3.5, fmt.Sprintf("page %d / {nb}", f.PageNo()), "", 1, "R", false, 0, "")
	f.SetX(marginLeft)
	f.CellFormat(contentWidth, 3.5, clean("SHA-256 des données : "+d.meta.DataSHA256), "", 1, "L", false, 0, "")
	if d.meta.AuditHead != "" {
		f.SetX(marginLeft)
		f.CellFormat(contentWidth, 3.5, clean("Journal d'audit scellé jusqu'à : "+d.meta.AuditHead), "", 1, "L", false, 0, "")
	}
	f.SetTextColor(0, 0, 0)
}

// font sets the style ("" regular, "B" bold, "I" italic) and size in
// points. A style is embedded the first time it is used: each costs fpdf
// a subset of the font at output, and most documents never print in italic.
func (d *Doc) font(style string, size float64) {
	if !d.styles[style] {
		d.styles[style] = true
		if m := addFont(d.f, style); m != nil {
			d.runes[style] = &usedRunes{m: m}
		}
	}
	d.f.SetFont(fontFamily(style), "", size)
	d.style, d.size = style, size
}

// space reports the height left on the page above the bottom margin.
func (d *Doc) space() float64 { return pageHeight - marginBottom - d.f.GetY() }

// need starts a new page when less than h millimetres remain, so a
// block of h mm is not cut. Held headings are printed first, kept with
// those h mm.
func (d *Doc) need(h float64) {
	if d.holding() {
		d.keep(h)
		return
	}
	if d.space() < h {
		d.f.AddPage()
	}
}

// holding reports whether headings or a table header wait to be printed.
func (d *Doc) holding() bool { return len(d.held) > 0 || d.due != nil }

// keep prints the held headings and the due table header, first starting
// a new page when they and the next h mm (the first line or row of what
// follows) would not fit in what is left of this one. Every way of
// printing content calls it first, so no heading ends a page alone.
func (d *Doc) keep(h float64) {
	if !d.holding() {
		return
	}
	style, size := d.style, d.size
	total := h
	for _, hd := range d.held {
		total += d.headingHeight(hd)
	}
	if d.due != nil {
		total += d.due.headerHeight()
	}
	// At the top of a page a new page would not help.
	if d.space() < total && d.f.GetY() > marginTop+0.01 {
		d.f.AddPage()
	}
	held, due := d.held, d.due
	d.held, d.due = nil, nil
	for _, hd := range held {
		d.printHeading(hd)
	}
	if due != nil {
		due.drawHeader()
	}
	d.font(style, size)
}

// Title prints the document's title.
func (d *Doc) Title(s string) {
	d.keep(0)
	d.printHeading(heldHeading{s: s, size: 15, lineH: 7})
	d.font("", bodySize)
	d.f.Ln(2)
}

// Heading prints a section heading with a rule under it, on the same
// page as the first line of what follows it.
func (d *Doc) Heading(s string) {
	d.hold(heldHeading{s: s, size: 11.5, lineH: 6, gap: true, rule: true})
}

// Subheading prints a smaller heading, kept with what follows it too.
func (d *Doc) Subheading(s string) { d.hold(heldHeading{s: s, size: 10, lineH: 5, gap: true}) }

// hold keeps a heading until what follows it is printed. A table header
// still waiting belongs above this heading: it is printed first.
func (d *Doc) hold(h heldHeading) {
	if d.due != nil {
		d.keep(rowLine)
	}
	d.held = append(d.held, h)
}

// headingHeight is the height h takes on the page, its wrapped lines
// measured in its own font.
func (d *Doc) headingHeight(h heldHeading) float64 {
	d.font("B", h.size)
	n := len(d.split(clean(h.s), contentWidth))
	height := float64(max(n, 1)) * h.lineH
	if h.gap {
		height += h.lineH / 3
	}
	if h.rule {
		height += 1.5
	}
	return height
}

// printHeading prints bold text on lines of lineH mm, with a rule under
// it when asked; it leaves the font bold, for the caller to reset.
func (d *Doc) printHeading(h heldHeading) {
	if h.gap {
		d.f.Ln(h.lineH / 3)
	}
	d.font("B", h.size)
	d.f.MultiCell(contentWidth, h.lineH, clean(h.s), "", "L", false)
	if h.rule {
		d.f.SetDrawColor(60, 60, 60)
		d.f.Line(marginLeft, d.f.GetY(), pageWidth-marginRight, d.f.GetY())
		d.f.Ln(1.5)
	}
}

// Para prints wrapped text; blank text prints nothing.
func (d *Doc) Para(s string) {
	s = clean(s)
	if strings.TrimSpace(s) == "" {
		return
	}
	d.keep(lineHeight)
	d.f.MultiCell(contentWidth, lineHeight, s, "", "L", false)
	d.f.Ln(1)
}

// Fields prints label: value pairs, the labels in a column.
func (d *Doc) Fields(pairs ...[2]string) {
	t := d.Table([]Column{{Width: 48}, {Width: contentWidth - 48}})
	t.plain = true
	for _, p := range pairs {
		t.Row(p[0], p[1])
	}
	d.f.Ln(1)
}

// Signatures prints boxes where the named people sign by hand.
func (d *Doc) Signatures(who ...string) {
	if len(who) == 0 {
		return
	}
	d.need(34)
	d.f.Ln(3)
	w := contentWidth / float64(len(who))
	y := d.f.GetY()
	d.font("", smallSize+0.5)
	for i, name := range who {
		x := marginLeft + float64(i)*w
		d.f.Rect(x+1, y, w-2, 28, "D")
		d.f.SetXY(x+2, y+1)
		d.f.MultiCell(w-4, 3.6, clean(name), "", "L", false)
		d.f.SetXY(x+2, y+23)
		d.f.CellFormat(w-4, 4, "Date et signature", "", 0, "L", false, 0, "")
	}
	d.f.SetXY(marginLeft, y+30)
	d.font("", bodySize)
}

// Bytes finishes the document.
func (d *Doc) Bytes() ([]byte, error) {
	d.keep(0)
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %s : %w", d.meta.ID, err)
	}
	return subsetNames(buf.Bytes(), d.styles), nil
}

// FormatDate writes a date the French way (22/11/2026), in Paris time.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(paris).Format("02/01/2006")
}

// FormatDateTime writes a date and time the French way, in Paris time.
func FormatDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(paris).Format("02/01/2006 à 15:04")
}

// paris is the time zone dates are printed in.
var paris = parisloc.Location
