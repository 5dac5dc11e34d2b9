// Package jury runs jury sessions: composition, assignment of candidacies
// to evaluators with conflict checks, declarations of no conflict, blind
// scoring of every criterion, deliberation per bloc, outcomes, and signed
// minutes that the database itself protects from any later change.
package jury

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/fielderr"
	"acquis/internal/paris"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

var (
	// ErrNotFound means no session, member or assignment has that key.
	ErrNotFound = errors.New("jury: introuvable")
	// ErrSigned means the session is signed: nothing it decided can change.
	ErrSigned = errors.New("jury: session signée")
)

// invalid refuses a field: the one field-error shape of every package.
func invalid(field, format string, args ...any) error {
	return fielderr.Newf(field, format, args...)
}

// Status is where a session stands.
type Status string

// The statuses, in order.
const (
	Planned      Status = "planned"
	Open         Status = "open"
	Deliberating Status = "deliberating"
	Signed       Status = "signed"
)

// Label is the status in French.
func (s Status) Label() string {
	switch s {
	case Planned:
		return "Planifiée"
	case Open:
		return "Ouverte à l'évaluation"
	case Deliberating:
		return "En délibération"
	case Signed:
		return "Procès-verbal signé"
	}
	return string(s)
}

// Session is a jury session.
type Session struct {
	ID                 int64      `db:"id" json:"id"`
	CertificationCode  string     `db:"certification_code" json:"certification_code"`
	CertificationTitle string     `db:"certification_title" json:"certification_title"`
	StartsAt           time.Time  `db:"starts_at" json:"starts_at"`
	Place              string     `db:"place" json:"place"`
	Remote             bool       `db:"remote" json:"remote"`
	DossierDeadline    time.Time  `db:"dossier_deadline" json:"dossier_deadline"`
	Status             Status     `db:"status" json:"status"`
	OpenedAt           *time.Time `db:"opened_at" json:"opened_at,omitempty"`
	SignedAt           *time.Time `db:"signed_at" json:"signed_at,omitempty"`
	SignedBy           *int64     `db:"signed_by" json:"signed_by,omitempty"`
	Candidates         int        `db:"candidates" json:"candidates"`
	// RecordedAfter marks a session the certifier recorded once it had
	// been held, with PastReason saying why; pages show it as such.
	RecordedAfter bool   `db:"recorded_after" json:"recorded_after"`
	PastReason    string `db:"past_reason" json:"past_reason,omitempty"`
}

// Store keeps jury sessions in PostgreSQL.
type Store struct {
	db   *sqlx.DB
	refs *referentiel.Store
	// pf is the portfolio, whose candidacies the jury reads and whose
	// blocs and certificates signing awards.
	pf *portfolio.Store
	// verdictQ is the autosave's single statement, kept prepared.
	verdictQ *db.Prepared
	// verdictScopeQ is the autosave's authorisation when its write
	// cannot be (VerdictScope).
	verdictScopeQ *db.Prepared
	// minutesPDF prints signed minutes (NewStore).
	minutesPDF MinutesRenderer
}

// NewStore returns a Store on d, reading référentiels from refs and
// candidacies from pf; minutes prints signed minutes (internal/pdf
// provides it; with nil, signing and amending are refused, which only a
// store that never signs, a reader, may accept).
func NewStore(d *sqlx.DB, refs *referentiel.Store, pf *portfolio.Store, minutes MinutesRenderer) *Store {
	return &Store{db: d, refs: refs, pf: pf, minutesPDF: minutes,
		verdictQ: db.NewPrepared(d, verdictQuery), verdictScopeQ: db.NewPrepared(d, verdictScopeQuery)}
}

// NewSession is what the certifier fills in.
type NewSession struct {
	CertificationCode string
	StartsAt          time.Time
	Place             string
	Remote            bool
	DossierDeadline   time.Time
	// PastReason is required, and only allowed, for a session whose date is
	// already past: the certifier records after the fact a session held
	// without acquis, and says why.
	PastReason string
}

// CreateSession plans a session. Its date may not be past, unless the
// certifier records a session already held, with the reason; such a
// session is marked as recorded after the fact.
func (s *Store) CreateSession(ctx context.Context, actor audit.Actor, n NewSession) (int64, error) {
	if _, err := s.refs.Certification(ctx, n.CertificationCode); err != nil {
		return 0, invalid("certification", "Choisissez une certification de la liste.")
	}
	if n.StartsAt.IsZero() {
		return 0, invalid("starts_at", "Indiquez la date et l'heure de la session.")
	}
	n.PastReason = strings.TrimSpace(n.PastReason)
	past := n.StartsAt.Before(time.Now())
	switch {
	case past && n.PastReason == "":
		return 0, invalid("date", "Cette date est passée : une session se planifie à une date à venir. Pour enregistrer une session déjà tenue, indiquez pourquoi elle est enregistrée après coup.")
	case !past && n.PastReason != "":
		return 0, invalid("past_reason", "La session est à venir : le motif d'enregistrement après coup ne s'applique qu'à une session passée.")
	case len([]rune(n.PastReason)) > 1000:
		return 0, invalid("past_reason", "Le motif ne peut dépasser 1 000 caractères.")
	}
	// The deadline is a day in Paris: an instant given in another zone
	// (UTC on the server) would otherwise be stored as the day before or
	// after near midnight.
	n.DossierDeadline = n.DossierDeadline.In(sessionZone)
	if n.DossierDeadline.IsZero() || n.DossierDeadline.After(n.StartsAt) {
		return 0, invalid("dossier_deadline", "La date limite de dépôt des dossiers doit précéder la session.")
	}
	n.Place = strings.TrimSpace(n.Place)
	if n.Place == "" && !n.Remote {
		return 0, invalid("place", "Indiquez le lieu, ou cochez « à distance ».")
	}
	var id int64
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &id, `INSERT INTO jury_sessions (certification_code, starts_at, place, remote, dossier_deadline, created_by, recorded_after, past_reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, n.CertificationCode, n.StartsAt, n.Place, n.Remote, n.DossierDeadline, nullID(actor.UserID),
			past, n.PastReason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.session_create", "jury_session", strconv.FormatInt(id, 10), n))
	})
	return id, err
}

// sessionZone is where sessions are held and their days counted.
var sessionZone = paris.Location

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

const sessionColumns = `s.id, s.certification_code, v.title AS certification_title, s.starts_at, s.place, s.remote, s.dossier_deadline,
	s.status, s.opened_at, s.signed_at, s.signed_by, s.recorded_after, s.past_reason,
	(SELECT count(*) FROM jury_assignments a WHERE a.session_id = s.id) AS candidates`

const sessionFrom = ` FROM jury_sessions s JOIN certifications c ON c.code = s.certification_code
	JOIN certification_versions v ON v.id = c.current_version_id`

// Session returns one session.
func (s *Store) Session(ctx context.Context, id int64) (*Session, error) {
	var out Session
	if err := s.db.GetContext(ctx, &out, `SELECT `+sessionColumns+sessionFrom+` WHERE s.id = $1`, id); err != nil {
		return nil, db.NotFound(err, ErrNotFound, "jury")
	}
	return &out, nil
}

// Sessions lists sessions, newest first; memberID limits them to those the
// member sits on.
func (s *Store) Sessions(ctx context.Context, memberID int64) ([]Session, error) {
	var out []Session
	err := s.db.SelectContext(ctx, &out, `SELECT `+sessionColumns+sessionFrom+`
		WHERE $1 = 0 OR EXISTS (SELECT 1 FROM jury_members m WHERE m.session_id = s.id AND m.user_id = $1)
		ORDER BY s.starts_at DESC, s.id DESC`, memberID)
	return out, err
}

// sessionLockClass namespaces the advisory locks of jury sessions.
const sessionLockClass = 0x6a757279 // "jury"

// lockSession reads a session's status and locks the session for the
// transaction: "SHARE" for writes inside the session (verdicts,
// declarations), "UPDATE" for status changes, which therefore wait for
// every write in flight and are waited for by the next ones. Advisory locks
// are used rather than row locks because hundreds of concurrent share
// locks on one row would each create a MultiXact.
func lockSession(ctx context.Context, tx *sqlx.Tx, id int64, mode string) (Status, error) {
	fn := "pg_advisory_xact_lock_shared"
	if mode == "UPDATE" {
		fn = "pg_advisory_xact_lock"
	}
	var st Status
	if err := tx.GetContext(ctx, &st, `WITH l AS (SELECT `+fn+`($2, $1::int)) SELECT status FROM l, jury_sessions WHERE id = $1`, id, sessionLockClass); err != nil {
		return "", db.NotFound(err, ErrNotFound, "jury")
	}
	return st, nil
}

// lockUnsigned is lockSession for a change: a signed session refuses
// every change with ErrSigned (its minutes are amended, never edited).
func lockUnsigned(ctx context.Context, tx *sqlx.Tx, id int64, mode string) (Status, error) {
	st, err := lockSession(ctx, tx, id, mode)
	if err == nil && st == Signed {
		return st, ErrSigned
	}
	return st, err
}

// setStatus moves a session forward; the checks of each step are the
// caller's.
func setStatus(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, id int64, from, to Status) error {
	st, err := lockUnsigned(ctx, tx, id, "UPDATE")
	if err != nil {
		return err
	}
	if st != from {
		return invalid("status", "La session est « %s » : impossible de passer à « %s ».", st.Label(), to.Label())
	}
	q := `UPDATE jury_sessions SET status = $2`
	if to == Open {
		q += `, opened_at = now()`
	}
	if _, err := tx.ExecContext(ctx, q+` WHERE id = $1`, id, to); err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor.Entry("jury.session_status", "jury_session", strconv.FormatInt(id, 10), map[string]Status{"from": from, "to": to}))
}
