package pdf

// Column is one column of a table: its width in millimetres (one column
// may say 0 to take what the others leave), its header and alignment.
type Column struct {
	Width  float64
	Header string
	Align  string // "L" (default), "C" or "R"
}

// Table draws rows whose cells wrap. A row that does not fit on the page
// continues on the next one, where the header row is repeated; a row taller
// than a whole page is cut between lines, never lost.
type Table struct {
	d     *Doc
	cols  []Column
	plain bool // no borders and no header (label/value lists)
	size  float64
}

// Table starts a table with these columns and prints its header row when
// the columns have headers.
func (d *Doc) Table(cols []Column) *Table {
	used := 0.0
	for _, c := range cols {
		used += c.Width
	}
	for i := range cols {
		if cols[i].Width == 0 {
			cols[i].Width = contentWidth - used
			break
		}
	}
	t := &Table{d: d, cols: cols, size: bodySize - 1}
	if d.due != nil {
		// A table before this one got no row: its header goes first.
		d.keep(rowLine)
	}
	for _, c := range cols {
		if c.Header != "" {
			if len(d.held) > 0 {
				// Under a heading, the header row waits for the first
				// row, and the three go to the page together.
				d.due = t
				break
			}
			t.Header()
			break
		}
	}
	return t
}

// rowLine is the height of one line of text in a table; cellPad the
// space between a cell's border and its text (fpdf's default).
const (
	rowLine = 4.0
	cellPad = 1.0
)

// Header prints the header row; Row calls it again after a page break.
func (t *Table) Header() {
	if t.plain {
		return
	}
	_, n := t.headerCells()
	t.d.need(float64(n)*rowLine + 2*rowLine)
	t.drawHeader()
}

// headerCells is the header row's wrapped text, and its number of lines.
func (t *Table) headerCells() ([][]string, int) {
	d := t.d
	d.font("B", t.size)
	cells := make([][]string, len(t.cols))
	n := 1
	for i, c := range t.cols {
		cells[i] = d.split(clean(c.Header), c.Width)
		if len(cells[i]) > n {
			n = len(cells[i])
		}
	}
	return cells, n
}

// headerHeight is the height of the header row on the page.
func (t *Table) headerHeight() float64 {
	if t.plain {
		return 0
	}
	_, n := t.headerCells()
	return float64(n)*rowLine + 1
}

// drawHeader draws the header row where the page is now.
func (t *Table) drawHeader() {
	if t.plain {
		return
	}
	cells, n := t.headerCells()
	t.d.f.SetFillColor(228, 232, 238)
	t.draw(cells, 0, n, true)
	// Fill back in the text's colour: while the two differ, fpdf wraps
	// every line of text in its colour (and Doc.text defers to it).
	t.d.f.SetFillColor(0, 0, 0)
	t.d.font("", t.size)
}

// Row prints one row; empty cells are allowed.
func (t *Table) Row(cells ...string) {
	d := t.d
	d.font("", t.size)
	if t.plain {
		d.font("", bodySize)
	}
	lines := make([][]string, len(t.cols))
	n := 1
	for i, c := range t.cols {
		txt := ""
		if i < len(cells) {
			txt = clean(cells[i])
		}
		if t.plain && i == 0 {
			d.font("B", bodySize)
		}
		lines[i] = d.split(txt, c.Width)
		if t.plain && i == 0 {
			d.font("", bodySize)
		}
		if len(lines[i]) > n {
			n = len(lines[i])
		}
	}
	if d.holding() {
		// The held heading and header go with this whole row, or with
		// its first line when the row is taller than a page anyway.
		first := n
		if n > t.pageLines() {
			first = 1
		}
		d.keep(float64(first)*rowLine + 2)
	}
	for from := 0; from < n; {
		fit := int((d.space() - 1) / rowLine)
		if fit < 1 || (from == 0 && fit < n && n <= t.pageLines()) {
			// A row that fits on a page is never cut: next page. Only a
			// row taller than a whole page is cut between lines.
			d.f.AddPage()
			t.Header()
			d.font("", t.size)
			if t.plain {
				d.font("", bodySize)
			}
			continue
		}
		to := min(n, from+fit)
		t.draw(lines, from, to, false)
		from = to
		if from < n {
			d.f.AddPage()
			t.Header()
			d.font("", t.size)
		}
	}
}

// draw prints lines [from, to) of every cell as one band with borders.
func (t *Table) draw(cells [][]string, from, to int, fill bool) {
	f := t.d.f
	x0, y0 := marginLeft, f.GetY()
	h := float64(to-from)*rowLine + 1
	x := x0
	for i, c := range t.cols {
		if !t.plain {
			style := "D"
			if fill {
				style = "FD"
			}
			f.SetDrawColor(150, 150, 150)
			f.Rect(x, y0, c.Width, h, style)
		}
		if t.plain && i == 0 {
			t.d.font("B", bodySize)
		}
		align := c.Align
		if align == "" {
			align = "L"
		}
		// text is the cheapest way to print a line (see Doc.text), and
		// the table draws thousands; the baseline and padding are
		// CellFormat's.
		_, size := f.GetFontSize()
		for j := from; j < to && j < len(cells[i]); j++ {
			line := cells[i][j]
			tx := x + cellPad
			switch align {
			case "R":
				tx = x + c.Width - cellPad - f.GetStringWidth(line)
			case "C":
				tx = x + (c.Width-f.GetStringWidth(line))/2
			}
			t.d.text(tx, y0+0.5+float64(j-from)*rowLine+rowLine/2+0.3*size, line)
		}
		if t.plain && i == 0 {
			t.d.font("", bodySize)
		}
		x += c.Width
	}
	f.SetXY(x0, y0+h)
}

// pageLines is how many lines of a row fit on a fresh page under the
// repeated header.
func (t *Table) pageLines() int {
	usable := pageHeight - marginTop - marginBottom - 1
	if !t.plain {
		usable -= 3 * rowLine // room for a header of up to two lines
	}
	return int(usable / rowLine)
}
