package staff

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/fielderr"
)

// Title is the certification the plan is about.
const Title = "RNCP37779"

// Store keeps rosters and plan targets in PostgreSQL.
type Store struct {
	db            *sqlx.DB
	now           func() time.Time
	importTimeout time.Duration
}

// NewStore returns a Store on d.
func NewStore(d *sqlx.DB) *Store { return &Store{db: d, now: time.Now, importTimeout: ImportTimeout} }

// memberQuery reads staff with their effective status: a certificate of
// the title awarded in acquis makes the person a holder (with its number
// and date); otherwise a live candidacy for it makes them in training or
// in VAE (any bloc by VAE) since it was submitted for admissibility (or
// opened); otherwise what the manager recorded stands. The account is
// read only while it belongs to the row's platform (issue 13 #6): a link
// that left the platform's scope (the account moved elsewhere) shows
// nothing of the account. Certificates and candidacies are the
// portfolio's: they are read through its views held_certificates and
// live_candidacies (migration 00023), which say what a live candidacy is.
// Its columns are scanned by selectMembers in this order.
const memberQuery = `SELECT s.id, s.platform_id, s.full_name, s.email, lu.id AS user_id, s.function, s.fte::float8 AS fte,
	s.hired_on, s.left_on, s.left_reason, s.employer,
	CASE WHEN cert.number IS NOT NULL THEN 'holder' WHEN cand.id IS NOT NULL THEN cand.status ELSE s.status END AS status,
	CASE WHEN cert.number IS NOT NULL THEN cert.awarded_on WHEN cand.id IS NOT NULL THEN cand.since ELSE s.status_on END AS status_on,
	CASE WHEN cert.number IS NOT NULL THEN cert.number ELSE s.certificate_number END AS certificate_number,
	s.equivalent_name, s.training_body, s.training_end, s.planned_year, s.supervisor_training, s.supervisor_training_on, s.persons_accompanied, s.persons_veille, s.equivalent_id,
	s.evidence_sha256, s.evidence_name, s.evidence_mime,
	(cert.number IS NOT NULL OR cand.id IS NOT NULL) AS from_candidacy, coalesce(cert.candidacy_id, cand.id) AS candidacy_id
FROM staff s
LEFT JOIN users lu ON lu.id = s.user_id AND lu.organisation_id = s.platform_id
LEFT JOIN LATERAL (SELECT number, awarded_on, candidacy_id FROM held_certificates
	WHERE user_id = lu.id AND certification_code = '` + Title + `') cert ON lu.id IS NOT NULL
LEFT JOIN LATERAL (SELECT c.id, c.since, CASE WHEN c.by_vae THEN 'vae' ELSE 'training' END AS status
	FROM live_candidacies c WHERE c.candidate_id = lu.id AND c.certification_code = '` + Title + `'
	ORDER BY c.created_at DESC LIMIT 1) cand ON lu.id IS NOT NULL`

// Roster lists a platform's staff, counsellors first, by name.
func (s *Store) Roster(ctx context.Context, platformID int64) ([]Member, error) {
	out, err := s.selectMembers(ctx, memberQuery+` WHERE s.platform_id = $1`, platformID)
	if err != nil {
		return nil, fmt.Errorf("staff: roster: %w", err)
	}
	// Names in French order (the database's collation may be C, which
	// puts Élodie after Yann), counsellors first.
	SortFrench(out)
	rank := func(f Function) int {
		for i, x := range Functions {
			if x == f {
				return i
			}
		}
		return len(Functions)
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Function) < rank(out[j].Function) })
	return out, nil
}

// AllStaff lists the staff of every platform, by platform: the national
// view's one query (a région's view reads its platforms' rows from it,
// since their default targets come from the national apportionment).
func (s *Store) AllStaff(ctx context.Context) ([]Member, error) {
	out, err := s.selectMembers(ctx, memberQuery+` ORDER BY s.platform_id, s.id`)
	if err != nil {
		return nil, fmt.Errorf("staff: national: %w", err)
	}
	return out, nil
}

// selectMembers runs memberQuery and scans its rows by hand, column by
// column in the query's order. The national view reads every staff row
// (a thousand at national scale) on each request, and sqlx's scan, which
// finds each row's fields by reflection, took about as much CPU as the
// rest of the page (pprof under the 200-user load, BENCHMARKS.md).
func (s *Store) selectMembers(ctx context.Context, query string, args ...any) ([]Member, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.PlatformID, &m.FullName, &m.Email, &m.UserID, &m.Function, &m.FTE,
			&m.HiredOn, &m.LeftOn, &m.LeftReason, &m.Employer,
			&m.Status, &m.StatusOn, &m.CertificateNumber,
			&m.EquivalentName, &m.TrainingBody, &m.TrainingEnd, &m.PlannedYear, &m.SupervisorTraining, &m.SupervisorTrainingOn, &m.Accompanied, &m.Veille, &m.EquivalentID,
			&m.EvidenceSHA256, &m.EvidenceName, &m.EvidenceMIME,
			&m.FromCandidacy, &m.CandidacyID); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// NationalDefaults apportions the nation's baseline to every platform
// (Defaults): a platform's default targets depend on the others'.
func (s *Store) NationalDefaults(ctx context.Context) (map[int64][LastYear - FirstYear + 1]int, error) {
	all, err := s.AllStaff(ctx)
	if err != nil {
		return nil, err
	}
	return Defaults(all, s.now()), nil
}

// Member returns one staff member.
func (s *Store) Member(ctx context.Context, id int64) (*Member, error) {
	var m Member
	if err := s.db.GetContext(ctx, &m, memberQuery+` WHERE s.id = $1`, id); err != nil {
		return nil, db.NotFound(err, ErrNotFound, "staff")
	}
	return &m, nil
}

// Targets lists the targets managers changed, for some platforms (all
// when ids is empty). No ids reach the database as NULL (pq.Array of a
// nil slice), whose cardinality is NULL, not 0: the test is on the
// array's length or its absence.
func (s *Store) Targets(ctx context.Context, ids ...int64) ([]Target, error) {
	var out []Target
	err := s.db.SelectContext(ctx, &out, `SELECT platform_id, year, target, reason FROM plan_targets
		WHERE coalesce(cardinality($1::bigint[]), 0) = 0 OR platform_id = ANY($1) ORDER BY platform_id, year`, pq.Array(ids))
	return out, err
}

// Validate checks a member as typed by a manager or read from an import,
// on day today; it normalises the e-mail and trims the texts. It returns
// the first refusal; ValidateAll returns every one.
func Validate(m *Member, today time.Time) error {
	if errs := ValidateAll(m, today); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ValidateAll checks a member like Validate and returns every refusal, in
// the order of the fields, so an import reports all the errors of a line
// at once.
func ValidateAll(m *Member, today time.Time) []*fielderr.Error {
	var errs []*fielderr.Error
	add := func(field, format string, args ...any) { errs = append(errs, invalid(field, format, args...)) }
	today = day(today)
	m.FullName = strings.TrimSpace(m.FullName)
	m.Employer = strings.TrimSpace(m.Employer)
	m.EquivalentName = strings.TrimSpace(m.EquivalentName)
	m.TrainingBody = strings.TrimSpace(m.TrainingBody)
	m.CertificateNumber = strings.TrimSpace(m.CertificateNumber)
	m.LeftReason = strings.TrimSpace(m.LeftReason)
	if m.SupervisorTraining == "" {
		m.SupervisorTraining = SupervisorTodo
	}
	switch {
	case m.FullName == "":
		add("full_name", "Le nom est obligatoire.")
	case len([]rune(m.FullName)) > 200:
		add("full_name", "Le nom ne peut dépasser 200 caractères.")
	}
	if m.Email != nil {
		e := strings.ToLower(strings.TrimSpace(*m.Email))
		if e == "" {
			m.Email = nil
		} else if a, err := mail.ParseAddress(e); err != nil || a.Address != e || len(e) > 254 {
			add("email", "L'adresse électronique « %s » n'est pas valide.", e)
		} else {
			m.Email = &e
		}
	}
	if !validFunction(m.Function) {
		add("function", "Fonction inconnue : choisissez conseiller, chef de service, responsable de dispositif ou coordination.")
	}
	if !(m.FTE > 0 && m.FTE <= 1) {
		add("fte", "Le temps de travail (ETP) doit être supérieur à 0 et au plus 1 (par exemple 0,8).")
	}
	switch {
	case m.HiredOn.IsZero():
		add("hired_on", "La date de prise de poste est obligatoire.")
	case day(m.HiredOn).After(today):
		add("hired_on", "La date de prise de poste (%s) est dans le futur.", m.HiredOn.Format("02/01/2006"))
	case m.LeftOn != nil && m.LeftOn.Before(m.HiredOn):
		add("left_on", "La date de départ précède la date de prise de poste.")
	}
	if m.LeftOn == nil {
		m.LeftReason = "" // no departure (or one undone): no reason either
	}
	if !validStatus(m.Status) {
		add("status", "Statut inconnu.")
	} else if m.Status != NotEngaged {
		if m.StatusOn == nil {
			add("status_on", "Indiquez la date d'obtention ou d'entrée en formation ou en VAE.")
		} else if day(*m.StatusOn).After(today) {
			add("status_on", "La date du statut (%s) est dans le futur.", m.StatusOn.Format("02/01/2006"))
		}
	} else {
		m.StatusOn = nil
	}
	if m.Status != Equivalent {
		m.EquivalentID, m.EquivalentName = nil, "" // no equivalent title without the status
	} else if m.EquivalentID == nil {
		add("equivalent_id", "Choisissez la certification dans la liste des certifications reconnues équivalentes par le certificateur.")
	}
	if m.TrainingEnd != nil && m.StatusOn != nil && m.TrainingEnd.Before(*m.StatusOn) {
		add("training_end", "La fin prévue précède l'entrée en formation.")
	}
	if m.PlannedYear != nil && (*m.PlannedYear < FirstYear || *m.PlannedYear > LastYear) {
		add("planned_year", "L'année prévue doit être comprise entre %d et %d.", FirstYear, LastYear)
	}
	switch m.SupervisorTraining {
	case SupervisorTodo, SupervisorPlanned:
	case SupervisorDone:
		if m.SupervisorTrainingOn == nil {
			add("supervisor_training_on", "Indiquez la date de la formation d'encadrement suivie.")
		}
	default:
		add("supervisor_training", "État de la formation d'encadrement inconnu.")
	}
	for _, f := range []struct{ field, v string }{{"employer", m.Employer}, {"equivalent_name", m.EquivalentName}, {"training_body", m.TrainingBody}, {"left_reason", m.LeftReason}} {
		if len([]rune(f.v)) > 200 {
			add(f.field, "Ce champ ne peut dépasser 200 caractères.")
		}
	}
	switch {
	case m.Accompanied != nil && (*m.Accompanied < 0 || *m.Accompanied > MaxAccompanied):
		add("persons_accompanied", "Le nombre de personnes accompagnées doit être compris entre 0 et %d.", MaxAccompanied)
	case m.Accompanied != nil && *m.Accompanied > 0 && m.Function != Counsellor:
		add("persons_accompanied", "Les personnes accompagnées se comptent pour un conseiller (référent emploi accompagné), pas pour la fonction « %s ».", m.Function.Label())
	case m.Veille != nil && m.Accompanied == nil:
		add("persons_veille", "Indiquez d'abord le nombre de personnes accompagnées, dont celles en veille.")
	case m.Veille != nil && (*m.Veille < 0 || *m.Veille > *m.Accompanied):
		add("persons_veille", "Les personnes en veille (%d) sont comptées parmi les personnes accompagnées (%d) : pas davantage.", *m.Veille, *m.Accompanied)
	}
	if len([]rune(m.CertificateNumber)) > 60 {
		add("certificate_number", "Le numéro de certificat ne peut dépasser 60 caractères.")
	}
	return errs
}

func validFunction(f Function) bool {
	for _, x := range Functions {
		if x == f {
			return true
		}
	}
	return false
}

func validStatus(st Status) bool {
	for _, x := range Statuses {
		if x == st {
			return true
		}
	}
	return false
}

// Save creates the member (ID 0) or updates it, after validation, with an
// audit row; the platform of an existing member never changes here.
func (s *Store) Save(ctx context.Context, actor audit.Actor, m *Member) error {
	if err := Validate(m, s.now()); err != nil {
		return err
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		return s.saveTx(ctx, tx, actor, m)
	})
}

// inScopeAccount finds the account a row is linked to ($1 the platform,
// $3 the e-mail): only an account that belongs to the platform itself, so
// that typing someone's e-mail never shows another platform's staff
// member's certificate or candidacy (issue 13 #6). The database refuses
// any other link (trigger staff_link_in_scope).
const inScopeAccount = `SELECT id FROM users WHERE lower(email) = lower($3) AND organisation_id = $1`

// LinkAccount links the rows of the account's own platform that carry its
// e-mail and no account yet: called when the person accepts their
// invitation, which proves the address is theirs. It returns how many
// rows it linked; each link is audited.
func (s *Store) LinkAccount(ctx context.Context, actor audit.Actor, userID int64) (int, error) {
	var ids []int64
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &ids, `UPDATE staff s SET user_id = u.id, updated_at = now() FROM users u
			WHERE u.id = $1 AND s.platform_id = u.organisation_id AND lower(s.email) = lower(u.email) AND s.user_id IS NULL
			RETURNING s.id`, userID); err != nil {
			return fmt.Errorf("staff: link: %w", err)
		}
		for _, id := range ids {
			if err := audit.Record(ctx, tx, actor.Entry("staff.linked", "staff", strconv.FormatInt(id, 10), map[string]int64{"user_id": userID})); err != nil {
				return err
			}
		}
		return nil
	})
	return len(ids), err
}

func (s *Store) saveTx(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, m *Member) error {
	args := []any{m.PlatformID, m.FullName, m.Email, m.Function, m.FTE, m.HiredOn, m.LeftOn, m.Employer, m.Status, m.StatusOn,
		m.CertificateNumber, m.EquivalentName, m.TrainingBody, m.TrainingEnd, m.PlannedYear, m.SupervisorTraining, m.SupervisorTrainingOn, m.LeftReason, m.Accompanied, m.Veille, m.EquivalentID}
	var err error
	action := "staff.updated"
	if m.ID == 0 {
		action = "staff.created"
		err = tx.GetContext(ctx, &m.ID, `INSERT INTO staff (platform_id, full_name, email, function, fte, hired_on, left_on, employer, status, status_on,
			certificate_number, equivalent_name, training_body, training_end, planned_year, supervisor_training, supervisor_training_on, left_reason, persons_accompanied, persons_veille, equivalent_id, user_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
			        (`+inScopeAccount+`)) RETURNING id`, args...)
	} else {
		var res sql.Result
		res, err = tx.ExecContext(ctx, `UPDATE staff SET full_name = $2, email = $3, function = $4, fte = $5, hired_on = $6, left_on = $7,
			employer = $8, status = $9, status_on = $10, certificate_number = $11, equivalent_name = $12, training_body = $13,
			training_end = $14, planned_year = $15, supervisor_training = $16, supervisor_training_on = $17, left_reason = $18,
			persons_accompanied = $19, persons_veille = $20, equivalent_id = $21, user_id = (`+inScopeAccount+`), updated_at = now()
			WHERE id = $22 AND platform_id = $1`, append(args, m.ID)...)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
		}
	}
	if db.IsCode(err, "23503") && m.EquivalentID != nil {
		// The only reference a manager picks: a title not in the list.
		return invalid("equivalent_id", "Cette certification ne figure pas dans la liste des certifications reconnues équivalentes : choisissez-la dans la liste.")
	}
	if db.IsUniqueViolation(err, "staff_platform_email_key") {
		// Only this platform's roster is named: whether the address is
		// known elsewhere is none of the manager's business.
		return invalid("email", "L'adresse %s figure déjà dans l'effectif de cette plateforme.", *m.Email)
	}
	if err != nil {
		return fmt.Errorf("staff: save: %w", err)
	}
	return audit.Record(ctx, tx, actor.Entry(action, "staff", strconv.FormatInt(m.ID, 10), m))
}

// SetTarget changes one year's target of a platform's plan; the reason is
// required and kept.
func (s *Store) SetTarget(ctx context.Context, actor audit.Actor, platformID int64, year, target int, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case year < FirstYear || year > LastYear:
		return invalid("year", "L'année doit être comprise entre %d et %d.", FirstYear, LastYear)
	case target < 0 || target > 10000:
		return invalid("target", "L'objectif doit être un nombre de personnes, entre 0 et 10 000.")
	case reason == "":
		return invalid("reason", "Dites pourquoi l'objectif change : le motif est conservé.")
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_targets (platform_id, year, target, reason, updated_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (platform_id, year) DO UPDATE SET target = EXCLUDED.target, reason = EXCLUDED.reason, updated_by = EXCLUDED.updated_by, updated_at = now()`,
			platformID, year, target, reason, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("plan.target", "platform", strconv.FormatInt(platformID, 10),
			map[string]any{"year": year, "target": target, "reason": reason}))
	})
}

// SetEvidence attaches the proof of a recorded status (a certificate, a
// training contract) stored in the blob store.
func (s *Store) SetEvidence(ctx context.Context, actor audit.Actor, id int64, sha, name, mime string) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET evidence_sha256 = $2, evidence_name = $3, evidence_mime = $4, updated_at = now() WHERE id = $1`, id, sha, name, mime)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit.Record(ctx, tx, actor.Entry("staff.evidence", "staff", strconv.FormatInt(id, 10), map[string]string{"sha256": sha, "name": name}))
	})
}
