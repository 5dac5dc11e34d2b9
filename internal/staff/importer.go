package staff

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"acquis/internal/audit"
	"acquis/internal/csvexport"
	"acquis/internal/db"
	"acquis/internal/fielderr"
)

// MaxImportBytes bounds a roster file: a platform's roster is a few dozen
// lines, and the preview carries the file to the confirmation.
const MaxImportBytes = 512 << 10

// Bounds of what a roster file may hold once read. A 511 KB XLSX can
// unpack to a 500 MiB cell (a ZIP bomb): the workbook's unpacked size is
// checked before excelize reads it, excelize is told the same limits, and
// rows, columns and cells are counted as they are read.
const (
	// MaxImportUnpacked bounds the XLSX's unpacked size, all parts
	// together: a roster of a thousand lines unpacks to well under 2 MiB.
	MaxImportUnpacked = 16 << 20
	// MaxImportRows bounds the lines of the file, header included.
	MaxImportRows = 1000
	// MaxImportColumns bounds the cells of a line.
	MaxImportColumns = 60
	// MaxCellRunes bounds one cell: no field of the roster is longer
	// than 254 characters.
	MaxCellRunes = 500
)

// ImportTimeout bounds the import's transaction: the statements, and the
// transaction as a whole, are cancelled past it and nothing is written.
const ImportTimeout = 30 * time.Second

// columnOf names, for an import's messages, the column of each field
// Validate checks.
var columnOf = map[string]string{"full_name": "nom", "email": "email", "function": "fonction", "fte": "etp",
	"hired_on": "date_prise_de_poste", "left_on": "date_depart", "left_reason": "motif_depart", "employer": "employeur", "status": "statut",
	"status_on": "date_statut", "certificate_number": "numero_certificat", "equivalent_name": "certification_equivalente", "training_body": "organisme_formation",
	"training_end": "fin_prevue", "planned_year": "annee_prevue", "supervisor_training": "formation_encadrement",
	"supervisor_training_on": "date_formation_encadrement", "persons_accompanied": "personnes_accompagnees", "persons_veille": "dont_en_veille",
	"equivalent_id": "certification_equivalente"}

// atLine places a validation error on a line of the file, under its
// column's name.
func atLine(ve *fielderr.Error, line int) *fielderr.Error {
	ve.Line = line
	if c, ok := columnOf[ve.Field]; ok {
		ve.Field = c
	}
	return ve
}

var requiredColumns = []string{"nom", "fonction", "etp", "date_prise_de_poste", "statut"}

// ImportAction is what importing a line does, as the preview says it.
type ImportAction string

// The actions.
const (
	ActionAdd       ImportAction = "ajout"       // a person the roster does not have
	ActionUpdate    ImportAction = "mise à jour" // a person of the roster, with something changed
	ActionUnchanged ImportAction = "inchangé"    // a person of the roster, as the roster has them
)

// ImportRow is one valid line of a roster file and what importing it does.
type ImportRow struct {
	Line   int
	Member Member
	// Action is ActionAdd when empty; an update or an unchanged line
	// carries the member's ID.
	Action ImportAction
}

// Preview is a parsed roster file: its rows, and every error with its
// line and field. Nothing is written while Errors is not empty.
type Preview struct {
	Rows   []ImportRow
	Errors []*fielderr.Error
}

// Count says how many lines do what, for the preview's summary.
func (p *Preview) Count(a ImportAction) int {
	n := 0
	for _, r := range p.Rows {
		if r.Action == a || (a == ActionAdd && r.Action == "") {
			n++
		}
	}
	return n
}

// ParseRoster reads a roster file (CSV in UTF-8, with or without BOM, or
// Windows-1252, separated by ";" or ","; or XLSX, first sheet) for a
// platform, and validates every line without writing anything. Each line
// is matched to the roster by a stable key (the id column the export
// writes; else the e-mail; else the name and the date of taking the post)
// and marked as an addition, an update or unchanged.
func (s *Store) ParseRoster(ctx context.Context, platformID int64, name string, data []byte) (*Preview, error) {
	if len(data) > MaxImportBytes {
		return &Preview{Errors: []*fielderr.Error{{Field: "fichier", Message: fmt.Sprintf("Le fichier dépasse %d Ko.", MaxImportBytes>>10)}}}, nil
	}
	records, err := readRecords(name, data)
	if err != nil {
		return &Preview{Errors: []*fielderr.Error{{Field: "fichier", Message: err.Error()}}}, nil
	}
	existing, err := s.Roster(ctx, platformID)
	if err != nil {
		return nil, err
	}
	equivalents, err := s.Equivalents(ctx)
	if err != nil {
		return nil, err
	}
	return parseRecordsWith(records, platformID, existing, equivalents, s.now()), nil
}

// readRecords turns the file into rows of cells, within the bounds above.
func readRecords(name string, data []byte) ([][]string, error) {
	var out [][]string
	filled := 0
	// add keeps one line, or says which bound it passes. Blank lines
	// (a spreadsheet writes rows that are only formatted) do not count
	// towards MaxImportRows, but they are bounded too.
	add := func(rec []string) error {
		line := len(out) + 1
		blank := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if !blank {
			filled++
		}
		if filled > MaxImportRows || line > 20*MaxImportRows {
			return fileProblemf("Le fichier dépasse %d lignes : un effectif tient dans bien moins. Vérifiez qu'il s'agit du bon fichier.", MaxImportRows)
		}
		if blank {
			out = append(out, nil)
			return nil
		}
		if len(rec) > MaxImportColumns {
			return fileProblemf("La ligne %d a %d colonnes (au plus %d) : vérifiez qu'il s'agit du bon fichier.", line, len(rec), MaxImportColumns)
		}
		for i, c := range rec {
			if utf8.RuneCountInString(c) > MaxCellRunes {
				col, _ := excelize.ColumnNumberToName(i + 1)
				return fileProblemf("Ligne %d, colonne %s : la cellule dépasse %d caractères.", line, col, MaxCellRunes)
			}
		}
		out = append(out, rec)
		return nil
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return out, readXLSX(data, add)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fileProblemf("Encodage du fichier non reconnu (UTF-16 ?) : enregistrez-le en CSV UTF-8 ou en XLSX.")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		// Spreadsheets on Windows still save CSV in Windows-1252.
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, fileProblemf("Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8.")
		}
		data = dec
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	if bytes.Count(first, []byte(",")) > bytes.Count(first, []byte(";")) {
		r.Comma = ','
	}
	r.FieldsPerRecord = -1
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := len(out) + 1
			if pe, ok := err.(*csv.ParseError); ok {
				line = pe.Line
			}
			return nil, fileProblemf("CSV mal formé à la ligne %d (guillemet non fermé ?).", line)
		}
		if err := add(rec); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// errTooBig is the refusal of a workbook that unpacks past the bound.
var errTooBig = fileProblemf("Le classeur décompressé dépasse %d Mo : un effectif tient dans bien moins. Enregistrez-le de nouveau ou exportez-le en CSV.", MaxImportUnpacked>>20)

// readXLSX reads the first sheet row by row. The unpacked size the
// archive declares is checked first (archive/zip refuses an entry that
// unpacks past what it declares), and excelize gets the same limits.
func readXLSX(data []byte, add func([]string) error) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fileProblemf("Le fichier n'est pas un classeur XLSX lisible.")
	}
	var unpacked uint64
	for _, e := range zr.File {
		if unpacked += e.UncompressedSize64; unpacked > MaxImportUnpacked || e.UncompressedSize64 > MaxImportUnpacked {
			return errTooBig
		}
	}
	// An entry that unpacks past what it declares (or fails its
	// checksum) is an error for archive/zip, but excelize would read it
	// truncated without a word: unpack each one to nowhere first, which
	// costs at most MaxImportUnpacked of work and no memory.
	for _, e := range zr.File {
		rc, err := e.Open()
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
		}
		if err != nil {
			return fileProblemf("Le fichier n'est pas un classeur XLSX lisible (archive endommagée).")
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxImportUnpacked, UnzipXMLSizeLimit: MaxImportUnpacked})
	if err != nil {
		return fileProblemf("Le fichier n'est pas un classeur XLSX lisible.")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return fileProblemf("Le classeur ne contient aucune feuille.")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return fileProblemf("La première feuille du classeur est illisible.")
	}
	defer rows.Close()
	for rows.Next() {
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fileProblemf("La première feuille du classeur est illisible.")
		}
		if err := add(rec); err != nil {
			return err
		}
	}
	if rows.Error() != nil {
		return fileProblemf("La première feuille du classeur est illisible.")
	}
	return nil
}

// roster indexes a platform's members by each stable key.
type roster struct {
	byID, byEmail, byNameHired map[string]*Member
}

func nameHired(name string, hired time.Time) string {
	return key(name) + "|" + hired.Format("2006-01-02")
}

func indexRoster(existing []Member) roster {
	r := roster{byID: map[string]*Member{}, byEmail: map[string]*Member{}, byNameHired: map[string]*Member{}}
	for i := range existing {
		m := &existing[i]
		r.byID[strconv.FormatInt(m.ID, 10)] = m
		if m.Email != nil {
			r.byEmail[*m.Email] = m
		}
		r.byNameHired[nameHired(m.FullName, m.HiredOn)] = m
	}
	return r
}

// match finds the roster's member a line is about: by the id column (an
// id of no one in this roster is an error), else by e-mail, else by name
// and date of taking the post.
func (r roster) match(id string, m *Member) (*Member, *fielderr.Error) {
	if id != "" {
		if prev, ok := r.byID[strings.TrimSuffix(id, ".0")]; ok {
			return prev, nil
		}
		return nil, invalid("id", "L'identifiant « %s » ne correspond à personne dans l'effectif de cette plateforme : laissez la colonne vide pour une personne nouvelle.", id)
	}
	if m.Email != nil {
		if prev, ok := r.byEmail[strings.ToLower(strings.TrimSpace(*m.Email))]; ok {
			return prev, nil
		}
	}
	if !m.HiredOn.IsZero() {
		if prev, ok := r.byNameHired[nameHired(m.FullName, m.HiredOn)]; ok {
			return prev, nil
		}
	}
	return nil, nil
}

// parseRecords reads a file's records against a roster, with no
// equivalent certification listed.
func parseRecords(records [][]string, platformID int64, existing []Member, today time.Time) *Preview {
	return parseRecordsWith(records, platformID, existing, nil, today)
}

// parseRecordsWith reads a file's records against a roster and the
// certifier's list of equivalent certifications (named by exact title).
func parseRecordsWith(records [][]string, platformID int64, existing []Member, equivalents []EquivalentCertification, today time.Time) *Preview {
	titles := equivalentTitles(equivalents)
	p := &Preview{}
	if len(records) == 0 {
		p.Errors = append(p.Errors, &fielderr.Error{Line: 1, Field: "en-tête", Message: "Le fichier est vide."})
		return p
	}
	col := map[string]int{}
	for i, h := range records[0] {
		if strings.TrimSpace(h) == "" {
			continue
		}
		c := columnFor(h)
		if c == "" {
			p.Errors = append(p.Errors, &fielderr.Error{Line: 1, Field: "en-tête", Message: fmt.Sprintf("Colonne inconnue « %s ». Colonnes attendues : %s.", h, strings.Join(Columns, ", "))})
			continue
		}
		if prev, dup := col[c]; dup {
			p.Errors = append(p.Errors, &fielderr.Error{Line: 1, Field: "en-tête", Message: fmt.Sprintf("Les colonnes « %s » et « %s » disent la même chose (%s) : gardez-en une.", records[0][prev], h, c)})
			continue
		}
		col[c] = i
	}
	for _, c := range requiredColumns {
		if _, ok := col[c]; !ok {
			p.Errors = append(p.Errors, &fielderr.Error{Line: 1, Field: "en-tête", Message: fmt.Sprintf("Colonne obligatoire absente : « %s ».", c)})
		}
	}
	if len(p.Errors) > 0 {
		return p
	}
	r := indexRoster(existing)
	seenEmail, seenKey, seenID := map[string]int{}, map[string]int{}, map[int64]int{}
	for i, rec := range records[1:] {
		line := i + 2
		cell := func(name string) string {
			if j, ok := col[name]; ok && j < len(rec) {
				// An exported cell starting with a formula character was
				// prefixed with an apostrophe (csvexport): take it off.
				return csvexport.Restore(strings.TrimSpace(rec[j]))
			}
			return ""
		}
		empty := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		m, errs := memberFromCells(cell)
		m.PlatformID = platformID
		prev, verr := r.match(cell("id"), &m)
		if verr != nil {
			errs = append(errs, verr)
		}
		if prev != nil {
			m.ID = prev.ID
			keepAbsent(&m, prev, col)
		}
		if _, ok := col["certification_equivalente"]; ok && m.Status == Equivalent && m.EquivalentName != "" {
			// The title as the certifier listed it, exactly: no free text.
			if id, ok := titles[strings.Join(strings.Fields(m.EquivalentName), " ")]; ok {
				m.EquivalentID = &id
			} else {
				errs = append(errs, unlistedEquivalent(m.EquivalentName, equivalents))
			}
		}
		// Every error of the line, each column once: a cell that did not
		// parse is not reported again as missing.
		bad := map[string]bool{}
		for _, e := range errs {
			bad[e.Field] = true
		}
		for _, e := range ValidateAll(&m, today) {
			if f := columnOf[e.Field]; !bad[f] && !bad[e.Field] {
				errs = append(errs, e)
			}
		}
		if len(errs) > 0 {
			for _, e := range errs {
				p.Errors = append(p.Errors, atLine(e, line))
			}
			continue
		}
		if m.Email != nil {
			if l, dup := seenEmail[*m.Email]; dup {
				p.Errors = append(p.Errors, &fielderr.Error{Line: line, Field: "email", Message: fmt.Sprintf("L'adresse %s figure déjà à la ligne %d.", *m.Email, l)})
				continue
			}
			seenEmail[*m.Email] = line
		}
		k := nameHired(m.FullName, m.HiredOn)
		if l, dup := seenKey[k]; dup && m.Email == nil {
			p.Errors = append(p.Errors, &fielderr.Error{Line: line, Field: "nom", Message: fmt.Sprintf("%s, en poste depuis le %s, figure déjà à la ligne %d.", m.FullName, m.HiredOn.Format("02/01/2006"), l)})
			continue
		}
		seenKey[k] = line
		row := ImportRow{Line: line, Member: m, Action: ActionAdd}
		if prev != nil {
			if l, dup := seenID[prev.ID]; dup {
				p.Errors = append(p.Errors, &fielderr.Error{Line: line, Field: "id", Message: fmt.Sprintf("Cette ligne désigne la même personne que la ligne %d (%s).", l, prev.FullName)})
				continue
			}
			seenID[prev.ID] = line
			row.Action = ActionUpdate
			if sameCells(rosterRow(*prev), rosterRow(m)) {
				row.Action = ActionUnchanged
			}
		}
		p.Rows = append(p.Rows, row)
	}
	if len(p.Rows) == 0 && len(p.Errors) == 0 {
		p.Errors = append(p.Errors, &fielderr.Error{Line: 2, Field: "fichier", Message: "Le fichier ne contient aucune ligne de personnel."})
	}
	return p
}

// sameCells compares two roster lines as the export writes them: a line
// read back from an export is unchanged when it would be exported alike.
func sameCells(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if cellText(a[i]) != cellText(b[i]) {
			return false
		}
	}
	return true
}

// keepAbsent keeps, for a member already in the roster, what the file
// has no column for: a file without the employer does not erase it.
func keepAbsent(m, prev *Member, col map[string]int) {
	has := func(c string) bool { _, ok := col[c]; return ok }
	if !has("email") {
		m.Email = prev.Email
	}
	if !has("date_depart") {
		m.LeftOn = prev.LeftOn
	}
	if !has("motif_depart") {
		m.LeftReason = prev.LeftReason
	}
	if !has("employeur") {
		m.Employer = prev.Employer
	}
	if !has("date_statut") && m.Status == prev.Status {
		m.StatusOn = prev.StatusOn
	}
	if !has("numero_certificat") {
		m.CertificateNumber = prev.CertificateNumber
	}
	if !has("certification_equivalente") {
		m.EquivalentName, m.EquivalentID = prev.EquivalentName, prev.EquivalentID
	}
	if !has("organisme_formation") {
		m.TrainingBody = prev.TrainingBody
	}
	if !has("fin_prevue") {
		m.TrainingEnd = prev.TrainingEnd
	}
	if !has("annee_prevue") {
		m.PlannedYear = prev.PlannedYear
	}
	if !has("formation_encadrement") {
		m.SupervisorTraining = prev.SupervisorTraining
	}
	if !has("date_formation_encadrement") {
		m.SupervisorTrainingOn = prev.SupervisorTrainingOn
	}
	if !has("personnes_accompagnees") {
		m.Accompanied = prev.Accompanied
	}
	if !has("dont_en_veille") {
		m.Veille = prev.Veille
	}
}

// memberFromCells reads one line's cells and returns every cell that does
// not parse; Validate then checks the rules.
func memberFromCells(cell func(string) string) (Member, []*fielderr.Error) {
	var errs []*fielderr.Error
	fail := func(err error) {
		if ve, ok := err.(*fielderr.Error); ok {
			errs = append(errs, ve)
		}
	}
	m := Member{FullName: cell("nom"), Employer: cell("employeur"), CertificateNumber: cell("numero_certificat"),
		EquivalentName: cell("certification_equivalente"), TrainingBody: cell("organisme_formation"), LeftReason: cell("motif_depart")}
	if first := cell(firstNameColumn); first != "" {
		m.FullName = strings.TrimSpace(first + " " + m.FullName)
	}
	if e := cell("email"); e != "" {
		m.Email = &e
	}
	var err error
	if m.Function, err = parseFunction(cell("fonction")); err != nil {
		fail(err)
	}
	if m.FTE, err = parseFTE(cell("etp")); err != nil {
		fail(err)
	}
	if hired, err := parseDate("date_prise_de_poste", cell("date_prise_de_poste")); err != nil {
		fail(err)
	} else if hired != nil {
		m.HiredOn = *hired
	}
	dates := []struct {
		name string
		dst  **time.Time
	}{{"date_depart", &m.LeftOn}, {"date_statut", &m.StatusOn}, {"fin_prevue", &m.TrainingEnd}, {"date_formation_encadrement", &m.SupervisorTrainingOn}}
	for _, d := range dates {
		if *d.dst, err = parseDate(d.name, cell(d.name)); err != nil {
			fail(err)
		}
	}
	if m.Status, err = parseStatus(cell("statut")); err != nil {
		fail(err)
	}
	if y := strings.TrimSuffix(cell("annee_prevue"), ".0"); y != "" {
		if n, err := strconv.Atoi(y); err != nil {
			fail(invalid("annee_prevue", "« %s » n'est pas une année.", y))
		} else {
			m.PlannedYear = &n
		}
	}
	if m.SupervisorTraining, err = parseSupervisor(cell("formation_encadrement")); err != nil {
		fail(err)
	}
	if m.Accompanied, err = parseCount("personnes_accompagnees", cell("personnes_accompagnees")); err != nil {
		fail(err)
	}
	if m.Veille, err = parseCount("dont_en_veille", cell("dont_en_veille")); err != nil {
		fail(err)
	}
	return m, errs
}

// Import writes a valid preview in one transaction: all lines or none;
// unchanged lines are not written. It returns how many lines it wrote.
// The transaction is bounded by ImportTimeout (s.importTimeout): past it,
// PostgreSQL cancels the statement, the context cancels the rest, and
// nothing is written.
func (s *Store) Import(ctx context.Context, actor audit.Actor, platformID int64, p *Preview) (int, error) {
	if len(p.Errors) > 0 {
		return 0, p.Errors[0]
	}
	ctx, cancel := context.WithTimeout(ctx, s.importTimeout)
	defer cancel()
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		ms := max(s.importTimeout.Milliseconds(), 1)
		if _, err := tx.ExecContext(ctx, `SELECT set_config('statement_timeout', $1, true)`, strconv.FormatInt(ms, 10)); err != nil {
			return err
		}
		for i := range p.Rows {
			if p.Rows[i].Action == ActionUnchanged {
				continue // nothing to write, nothing to audit
			}
			m := p.Rows[i].Member
			m.PlatformID = platformID
			if err := s.saveTx(ctx, tx, actor, &m); err != nil {
				if ve, ok := err.(*fielderr.Error); ok {
					atLine(ve, p.Rows[i].Line)
				}
				return err
			}
		}
		return audit.Record(ctx, tx, actor.Entry("staff.imported", "platform", strconv.FormatInt(platformID, 10), map[string]int{"rows": len(p.Rows),
			"added": p.Count(ActionAdd), "updated": p.Count(ActionUpdate), "unchanged": p.Count(ActionUnchanged)}))
	})
	if err != nil && (ctx.Err() != nil || db.IsCode(err, "57014")) {
		return 0, &fielderr.Error{Field: "fichier", Message: "L'import a pris trop de temps et a été annulé : rien n'a été écrit. Réessayez dans un instant."}
	}
	if err != nil {
		return 0, err
	}
	return len(p.Rows) - p.Count(ActionUnchanged), nil
}

// fileProblem is what is wrong with an uploaded roster file, written for
// the manager in French and shown as it is; a type of its own because Go
// error strings stay lower-case, while this is a sentence for a person.
type fileProblem string

func (p fileProblem) Error() string { return string(p) }

func fileProblemf(format string, a ...any) error { return fileProblem(fmt.Sprintf(format, a...)) }
