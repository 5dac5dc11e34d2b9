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
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"acquis/internal/audit"
	"acquis/internal/csvexport"
	"acquis/internal/db"
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

// Columns are the roster file's columns, in the order exports write them.
// Imports accept them in any order, with or without accents and case.
var Columns = []string{"nom", "email", "fonction", "etp", "date_prise_de_poste", "date_depart", "employeur", "statut", "date_statut",
	"numero_certificat", "certification_equivalente", "organisme_formation", "fin_prevue", "annee_prevue",
	"formation_encadrement", "date_formation_encadrement"}

// columnOf names, for an import's messages, the column of each field
// Validate checks.
var columnOf = map[string]string{"full_name": "nom", "email": "email", "function": "fonction", "fte": "etp",
	"hired_on": "date_prise_de_poste", "left_on": "date_depart", "employer": "employeur", "status": "statut",
	"status_on": "date_statut", "equivalent_name": "certification_equivalente", "training_body": "organisme_formation",
	"training_end": "fin_prevue", "planned_year": "annee_prevue", "supervisor_training": "formation_encadrement",
	"supervisor_training_on": "date_formation_encadrement"}

// atLine places a validation error on a line of the file, under its
// column's name.
func atLine(ve *ValidationError, line int) *ValidationError {
	ve.Line = line
	if c, ok := columnOf[ve.Field]; ok {
		ve.Field = c
	}
	return ve
}

var requiredColumns = []string{"nom", "fonction", "etp", "date_prise_de_poste", "statut"}

// ImportRow is one valid line of a roster file and what importing it does.
type ImportRow struct {
	Line   int
	Member Member
	Update bool // an existing member of this platform with the same e-mail
}

// Preview is a parsed roster file: its rows, and every error with its
// line and field. Nothing is written while Errors is not empty.
type Preview struct {
	Rows   []ImportRow
	Errors []*ValidationError
}

// ParseRoster reads a roster file (CSV in UTF-8, with or without BOM, or
// Windows-1252, separated by ";" or ","; or XLSX, first sheet) for a
// platform, and validates every line without writing anything.
func (s *Store) ParseRoster(ctx context.Context, platformID int64, name string, data []byte) (*Preview, error) {
	if len(data) > MaxImportBytes {
		return &Preview{Errors: []*ValidationError{{Field: "fichier", Message: fmt.Sprintf("Le fichier dépasse %d Ko.", MaxImportBytes>>10)}}}, nil
	}
	records, err := readRecords(name, data)
	if err != nil {
		return &Preview{Errors: []*ValidationError{{Field: "fichier", Message: err.Error()}}}, nil
	}
	existing, err := s.Roster(ctx, platformID)
	if err != nil {
		return nil, err
	}
	byEmail := map[string]int64{}
	for _, m := range existing {
		if m.Email != nil {
			byEmail[*m.Email] = m.ID
		}
	}
	return parseRecords(records, platformID, byEmail, s.now()), nil
}

// readRecords turns the file into rows of cells, within the bounds above.
func readRecords(name string, data []byte) ([][]string, error) {
	var out [][]string
	// add keeps one line, or says which bound it passes.
	add := func(rec []string) error {
		line := len(out) + 1
		if line > MaxImportRows {
			return fmt.Errorf("Le fichier dépasse %d lignes : un effectif tient dans bien moins. Vérifiez qu'il s'agit du bon fichier.", MaxImportRows)
		}
		if len(rec) > MaxImportColumns {
			return fmt.Errorf("La ligne %d a %d colonnes (au plus %d) : vérifiez qu'il s'agit du bon fichier.", line, len(rec), MaxImportColumns)
		}
		for i, c := range rec {
			if utf8.RuneCountInString(c) > MaxCellRunes {
				col, _ := excelize.ColumnNumberToName(i + 1)
				return fmt.Errorf("Ligne %d, colonne %s : la cellule dépasse %d caractères.", line, col, MaxCellRunes)
			}
		}
		out = append(out, rec)
		return nil
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return out, readXLSX(data, add)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("Encodage du fichier non reconnu (UTF-16 ?) : enregistrez-le en CSV UTF-8 ou en XLSX.")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		// Spreadsheets on Windows still save CSV in Windows-1252.
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8.")
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
			return nil, fmt.Errorf("CSV mal formé à la ligne %d (guillemet non fermé ?).", line)
		}
		if err := add(rec); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// errTooBig is the refusal of a workbook that unpacks past the bound.
var errTooBig = fmt.Errorf("Le classeur décompressé dépasse %d Mo : un effectif tient dans bien moins. Enregistrez-le de nouveau ou exportez-le en CSV.", MaxImportUnpacked>>20)

// readXLSX reads the first sheet row by row. The unpacked size the
// archive declares is checked first (archive/zip refuses an entry that
// unpacks past what it declares), and excelize gets the same limits.
func readXLSX(data []byte, add func([]string) error) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("Le fichier n'est pas un classeur XLSX lisible.")
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
			return fmt.Errorf("Le fichier n'est pas un classeur XLSX lisible (archive endommagée).")
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxImportUnpacked, UnzipXMLSizeLimit: MaxImportUnpacked})
	if err != nil {
		return fmt.Errorf("Le fichier n'est pas un classeur XLSX lisible.")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return fmt.Errorf("Le classeur ne contient aucune feuille.")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return fmt.Errorf("La première feuille du classeur est illisible.")
	}
	defer rows.Close()
	for rows.Next() {
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fmt.Errorf("La première feuille du classeur est illisible.")
		}
		if err := add(rec); err != nil {
			return err
		}
	}
	if rows.Error() != nil {
		return fmt.Errorf("La première feuille du classeur est illisible.")
	}
	return nil
}

// key folds a header or a value for comparison: lower case, no accents,
// spaces and dashes as underscores.
func key(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == ' ' || r == '-' || r == '\'' || r == '’':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func parseRecords(records [][]string, platformID int64, byEmail map[string]int64, today time.Time) *Preview {
	p := &Preview{}
	if len(records) == 0 {
		p.Errors = append(p.Errors, &ValidationError{Line: 1, Field: "en-tête", Message: "Le fichier est vide."})
		return p
	}
	col := map[string]int{}
	for i, h := range records[0] {
		k := key(h)
		if k == "" {
			continue
		}
		known := false
		for _, c := range Columns {
			if c == k {
				known = true
			}
		}
		if !known {
			p.Errors = append(p.Errors, &ValidationError{Line: 1, Field: "en-tête", Message: fmt.Sprintf("Colonne inconnue « %s ». Colonnes attendues : %s.", h, strings.Join(Columns, ", "))})
			continue
		}
		col[k] = i
	}
	for _, c := range requiredColumns {
		if _, ok := col[c]; !ok {
			p.Errors = append(p.Errors, &ValidationError{Line: 1, Field: "en-tête", Message: fmt.Sprintf("Colonne obligatoire absente : « %s ».", c)})
		}
	}
	if len(p.Errors) > 0 {
		return p
	}
	seen := map[string]int{}
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
		m, err := memberFromCells(cell)
		if err == nil {
			m.PlatformID = platformID
			err = Validate(&m, today)
		}
		if err != nil {
			ve, ok := err.(*ValidationError)
			if !ok {
				ve = &ValidationError{Message: err.Error()}
			}
			p.Errors = append(p.Errors, atLine(ve, line))
			continue
		}
		row := ImportRow{Line: line, Member: m}
		if m.Email != nil {
			if prev, dup := seen[*m.Email]; dup {
				p.Errors = append(p.Errors, &ValidationError{Line: line, Field: "email", Message: fmt.Sprintf("L'adresse %s figure déjà à la ligne %d.", *m.Email, prev)})
				continue
			}
			seen[*m.Email] = line
			if id, ok := byEmail[*m.Email]; ok {
				row.Member.ID, row.Update = id, true
			}
		}
		p.Rows = append(p.Rows, row)
	}
	if len(p.Rows) == 0 && len(p.Errors) == 0 {
		p.Errors = append(p.Errors, &ValidationError{Line: 2, Field: "fichier", Message: "Le fichier ne contient aucune ligne de personnel."})
	}
	return p
}

// memberFromCells reads one line's cells; Validate then checks the rules.
func memberFromCells(cell func(string) string) (Member, error) {
	m := Member{FullName: cell("nom"), Employer: cell("employeur"), CertificateNumber: cell("numero_certificat"),
		EquivalentName: cell("certification_equivalente"), TrainingBody: cell("organisme_formation")}
	if e := cell("email"); e != "" {
		m.Email = &e
	}
	var err error
	if m.Function, err = parseFunction(cell("fonction")); err != nil {
		return m, err
	}
	if m.FTE, err = parseFTE(cell("etp")); err != nil {
		return m, err
	}
	dates := []struct {
		name string
		dst  **time.Time
	}{{"date_depart", &m.LeftOn}, {"date_statut", &m.StatusOn}, {"fin_prevue", &m.TrainingEnd}, {"date_formation_encadrement", &m.SupervisorTrainingOn}}
	hired, err := parseDate("date_prise_de_poste", cell("date_prise_de_poste"))
	if err != nil {
		return m, err
	}
	if hired != nil {
		m.HiredOn = *hired
	}
	for _, d := range dates {
		if *d.dst, err = parseDate(d.name, cell(d.name)); err != nil {
			return m, err
		}
	}
	if m.Status, err = parseStatus(cell("statut")); err != nil {
		return m, err
	}
	if y := cell("annee_prevue"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return m, invalid("annee_prevue", "« %s » n'est pas une année.", y)
		}
		m.PlannedYear = &n
	}
	if m.SupervisorTraining, err = parseSupervisor(cell("formation_encadrement")); err != nil {
		return m, err
	}
	return m, nil
}

func parseFunction(v string) (Function, error) {
	switch k := key(v); {
	case k == "conseiller" || strings.HasPrefix(k, "conseiller_"):
		return Counsellor, nil
	case k == "chef_de_service":
		return HeadOfUnit, nil
	case k == "responsable_dispositif" || k == "responsable_de_dispositif":
		return Manager, nil
	case k == "coordination" || k == "coordinateur" || k == "coordinatrice":
		return Coordinator, nil
	}
	return "", invalid("fonction", "Fonction « %s » inconnue : conseiller, chef de service, responsable de dispositif ou coordination.", v)
}

func parseStatus(v string) (Status, error) {
	switch k := key(v); {
	case k == "" || k == "non_engage" || k == "not_engaged":
		return NotEngaged, nil
	case k == "titulaire" || k == "holder" || strings.HasPrefix(k, "titulaire_du_titre"):
		return Holder, nil
	case k == "equivalent" || k == "equivalence" || strings.HasPrefix(k, "titulaire_d"):
		return Equivalent, nil
	case k == "formation" || k == "training" || strings.HasPrefix(k, "en_formation"):
		return Training, nil
	case k == "vae" || strings.HasPrefix(k, "vae_"):
		return VAE, nil
	}
	return "", invalid("statut", "Statut « %s » inconnu : titulaire, équivalent, formation, VAE ou non engagé.", v)
}

func parseSupervisor(v string) (string, error) {
	switch key(v) {
	case "", "a_programmer", "todo", "non":
		return SupervisorTodo, nil
	case "programmee", "prevue", "planned":
		return SupervisorPlanned, nil
	case "suivie", "faite", "done", "oui":
		return SupervisorDone, nil
	}
	return "", invalid("formation_encadrement", "« %s » : à programmer, programmée ou suivie.", v)
}

// parseFTE reads 0,8 or 0.8 or 80 %.
func parseFTE(v string) (float64, error) {
	s := strings.ReplaceAll(strings.TrimSpace(v), ",", ".")
	pct := strings.HasSuffix(s, "%")
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, invalid("etp", "« %s » n'est pas un temps de travail (ETP) : écrivez par exemple 0,8.", v)
	}
	if pct {
		f /= 100
	}
	return f, nil
}

// parseDate reads 31/12/2026, 2026-12-31, or a spreadsheet's day number.
func parseDate(field, v string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return &t, nil
		}
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 1 && n < 200000 {
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))
		return &t, nil
	}
	return nil, invalid(field, "« %s » n'est pas une date (JJ/MM/AAAA).", v)
}

// Import writes a valid preview in one transaction: all lines or none.
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
			m := p.Rows[i].Member
			m.PlatformID = platformID
			if err := s.saveTx(ctx, tx, actor, &m); err != nil {
				if ve, ok := err.(*ValidationError); ok {
					atLine(ve, p.Rows[i].Line)
				}
				return err
			}
		}
		return audit.Record(ctx, tx, actor.Entry("staff.imported", "platform", strconv.FormatInt(platformID, 10), map[string]int{"rows": len(p.Rows)}))
	})
	if err != nil && (ctx.Err() != nil || db.IsCode(err, "57014")) {
		return 0, &ValidationError{Field: "fichier", Message: "L'import a pris trop de temps et a été annulé : rien n'a été écrit. Réessayez dans un instant."}
	}
	if err != nil {
		return 0, err
	}
	return len(p.Rows), nil
}
