// Package verify makes the certificates and bloc attestations that leave
// acquis verifiable by anyone: a random verification code per document,
// the public record behind /verifier/{code}, the certifier's withdrawal
// (fraud), the Open Badges 3.0 credential signed as a JWT, and the keys
// that sign credentials and PDFs.
package verify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/fielderr"
)

// ErrNotFound means no certificate or attestation has that code. The
// public page says only that, whatever the reason.
var ErrNotFound = errors.New("verify: unknown code")

// Kind says what a verification code stands for.
type Kind string

// The two kinds of verifiable document.
const (
	KindCertificate Kind = "certificate"
	KindAttestation Kind = "attestation"
)

// Status is what the verification page and the status check say.
type Status string

// The statuses of a verifiable document.
const (
	Valid     Status = "valide"
	Amended   Status = "corrige"
	Withdrawn Status = "retire"
)

// Block is one bloc held, as the verification page shows it.
type Block struct {
	Code       string    `db:"block_code" json:"code"`
	Title      string    `db:"block_title" json:"title"`
	AcquiredOn time.Time `db:"acquired_on" json:"acquired_on"`
	How        string    `db:"how" json:"how"`
}

// Amendment is a signed amendment of the minutes that changed the
// holder's decisions: N is its number (version 2 of the minutes is
// amendment n° 1).
type Amendment struct {
	N        int       `db:"n" json:"n"`
	SignedAt time.Time `db:"signed_at" json:"signed_at"`
	Reason   string    `db:"reason" json:"reason"`
}

// Withdrawal is the certifier's withdrawal of a document.
type Withdrawal struct {
	At     time.Time `db:"withdrawn_at" json:"at"`
	Reason string    `db:"reason" json:"reason"`
}

// WithdrawalOf is the withdrawal of the document a code names, or nil:
// the one fact a download needs, without the record Lookup assembles.
func (s *Store) WithdrawalOf(ctx context.Context, code string) (*Withdrawal, error) {
	var w Withdrawal
	err := s.db.GetContext(ctx, &w, `SELECT withdrawn_at, reason FROM credential_withdrawals WHERE code = $1`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("verify: withdrawal: %w", err)
	}
	return &w, nil
}

// Record is everything the verification page shows of one code, read
// from the current data: acquired blocs and certificates follow the
// amended minutes, so the page does too.
type Record struct {
	Code               string
	Kind               Kind
	StatusIndex        int64
	HolderID           int64
	HolderName         string
	CertificationCode  string
	CertificationTitle string
	Level              int
	Certifier          string
	// CertificateID and CertificateNumber are set when the holder was
	// awarded the certification (always for a certificate).
	CertificateID     int64
	CertificateNumber string
	AwardedOn         time.Time
	// AcquiredBlockID is the attested bloc (attestations only).
	AcquiredBlockID int64
	Blocks          []Block
	Amendments      []Amendment
	Withdrawal      *Withdrawal
	IssuedAt        time.Time
}

// Status is the record's status: withdrawn wins over amended.
func (r *Record) Status() Status {
	switch {
	case r.Withdrawal != nil:
		return Withdrawn
	case len(r.Amendments) > 0:
		return Amended
	}
	return Valid
}

// LastAmendment is the latest amendment that changed the holder's
// decisions, if any.
func (r *Record) LastAmendment() *Amendment {
	if len(r.Amendments) == 0 {
		return nil
	}
	return &r.Amendments[len(r.Amendments)-1]
}

// Store reads and writes verification data.
type Store struct{ db *sqlx.DB }

// NewStore returns a store on d.
func NewStore(d *sqlx.DB) *Store { return &Store{db: d} }

var codeRe = regexp.MustCompile(`^[0-9a-f]{24}$`)

// NormaliseCode accepts a code as printed (groups of four separated by
// dashes or spaces, any case) and returns its stored form, or "" when it
// cannot be a code.
func NormaliseCode(s string) string {
	s = strings.ToLower(strings.NewReplacer("-", "", " ", "", ".", "").Replace(strings.TrimSpace(s)))
	if !codeRe.MatchString(s) {
		return ""
	}
	return s
}

// FormatCode prints a code in groups of four, easier to read and type.
func FormatCode(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(code[i:min(i+4, len(code))])
	}
	return b.String()
}

// CodeForCertificate returns the verification code of a certificate.
func (s *Store) CodeForCertificate(ctx context.Context, certificateID int64) (string, error) {
	return s.code(ctx, `SELECT code FROM verification_codes WHERE certificate_id = $1`, certificateID)
}

// CodeForBlock returns the verification code of an acquired bloc's
// attestation.
func (s *Store) CodeForBlock(ctx context.Context, acquiredBlockID int64) (string, error) {
	return s.code(ctx, `SELECT code FROM verification_codes WHERE acquired_block_id = $1`, acquiredBlockID)
}

func (s *Store) code(ctx context.Context, q string, id int64) (string, error) {
	var code string
	err := s.db.GetContext(ctx, &code, q, id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return code, err
}

// Lookup reads the record behind a code (normalised or as printed).
func (s *Store) Lookup(ctx context.Context, code string) (*Record, error) {
	code = NormaliseCode(code)
	if code == "" {
		return nil, ErrNotFound
	}
	var head struct {
		Code          string         `db:"code"`
		StatusIndex   int64          `db:"status_index"`
		CreatedAt     time.Time      `db:"created_at"`
		CertificateID sql.NullInt64  `db:"certificate_id"`
		BlockID       sql.NullInt64  `db:"acquired_block_id"`
		UserID        int64          `db:"user_id"`
		CertCode      string         `db:"certification_code"`
		HolderName    string         `db:"full_name"`
		Title         string         `db:"title"`
		Level         int            `db:"level"`
		Certifier     string         `db:"certifier"`
		WithdrawnAt   sql.NullTime   `db:"withdrawn_at"`
		Reason        sql.NullString `db:"reason"`
	}
	err := s.db.GetContext(ctx, &head, `SELECT v.code, v.status_index, v.created_at, v.certificate_id, v.acquired_block_id,
			coalesce(c.user_id, a.user_id) AS user_id, coalesce(c.certification_code, a.certification_code) AS certification_code,
			u.full_name, k.title, k.level, k.certifier, w.withdrawn_at, w.reason
		FROM verification_codes v
		LEFT JOIN certificates c ON c.id = v.certificate_id
		LEFT JOIN acquired_blocks a ON a.id = v.acquired_block_id
		JOIN users u ON u.id = coalesce(c.user_id, a.user_id)
		JOIN certifications k ON k.code = coalesce(c.certification_code, a.certification_code)
		LEFT JOIN credential_withdrawals w ON w.code = v.code
		WHERE v.code = $1`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("verify: lookup: %w", err)
	}
	r := &Record{Code: head.Code, StatusIndex: head.StatusIndex, IssuedAt: head.CreatedAt, HolderID: head.UserID, HolderName: head.HolderName,
		CertificationCode: head.CertCode, CertificationTitle: head.Title, Level: head.Level, Certifier: head.Certifier, Kind: KindAttestation}
	if head.CertificateID.Valid {
		r.Kind = KindCertificate
	}
	if head.BlockID.Valid {
		r.AcquiredBlockID = head.BlockID.Int64
	}
	if head.WithdrawnAt.Valid {
		r.Withdrawal = &Withdrawal{At: head.WithdrawnAt.Time, Reason: head.Reason.String}
	}
	var cert struct {
		ID        int64     `db:"id"`
		Number    string    `db:"number"`
		AwardedOn time.Time `db:"awarded_on"`
	}
	err = s.db.GetContext(ctx, &cert, `SELECT id, number, awarded_on FROM certificates WHERE user_id = $1 AND certification_code = $2`, r.HolderID, r.CertificationCode)
	switch {
	case err == nil:
		r.CertificateID, r.CertificateNumber, r.AwardedOn = cert.ID, cert.Number, cert.AwardedOn
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	// A certificate lists every bloc held of its certification; an
	// attestation its own bloc.
	if err := s.db.SelectContext(ctx, &r.Blocks, `SELECT a.block_code,
			coalesce((SELECT b.title FROM blocks b JOIN certifications c ON c.current_version_id = b.version_id
			          WHERE c.code = a.certification_code AND b.code = a.block_code), '') AS block_title,
			a.acquired_on, a.how
		FROM acquired_blocks a WHERE a.user_id = $1 AND a.certification_code = $2 AND ($3 = 0 OR a.id = $3)
		ORDER BY a.block_code`, r.HolderID, r.CertificationCode, r.AcquiredBlockID); err != nil {
		return nil, err
	}
	// Amendments that corrected a decision of one of the holder's
	// candidacies for this certification: the page then shows the values
	// in force, which the amendment wrote in the same transaction.
	if err := s.db.SelectContext(ctx, &r.Amendments, `SELECT m.version - 1 AS n, m.signed_at, m.reason
		FROM jury_minutes m JOIN candidacies cd ON m.changes @> jsonb_build_array(jsonb_build_object('candidacy_id', cd.id))
		WHERE m.version > 1 AND cd.candidate_id = $1 AND cd.certification_code = $2
		ORDER BY m.signed_at`, r.HolderID, r.CertificationCode); err != nil {
		return nil, err
	}
	return r, nil
}

// Withdraw withdraws a certificate (fraud): the certificate and the
// attestations of the blocs of that certification the holder holds are
// shown « retiré » from now on. The reason is required and audited.
func (s *Store) Withdraw(ctx context.Context, actor audit.Actor, certificateID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &fielderr.Error{Field: "reason", Message: "Indiquez le motif du retrait (par exemple : fraude constatée le …)."}
	}
	if len(reason) > 2000 {
		return &fielderr.Error{Field: "reason", Message: "Le motif du retrait est limité à 2 000 caractères."}
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var c struct {
			UserID   int64  `db:"user_id"`
			CertCode string `db:"certification_code"`
			Number   string `db:"number"`
		}
		// One withdrawal of a certificate at a time. An advisory lock, not
		// FOR UPDATE: certificates are append-only and the serving role
		// holds no UPDATE right on them, which a row lock would need.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('acquis.withdraw'), $1::int)`, certificateID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &c, `SELECT user_id, certification_code, number FROM certificates WHERE id = $1`, certificateID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return &fielderr.Error{Field: "certificate", Message: "Ce certificat n'existe pas."}
			}
			return err
		}
		var codes []string
		if err := tx.SelectContext(ctx, &codes, `SELECT v.code FROM verification_codes v
			LEFT JOIN acquired_blocks a ON a.id = v.acquired_block_id
			WHERE (v.certificate_id = $1 OR (a.user_id = $2 AND a.certification_code = $3))
			  AND NOT EXISTS (SELECT 1 FROM credential_withdrawals w WHERE w.code = v.code)
			ORDER BY v.status_index`, certificateID, c.UserID, c.CertCode); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO credential_withdrawals (code, reason, withdrawn_by)
			SELECT unnest($1::text[]), $2, $3 ON CONFLICT (code) DO NOTHING`, pq.Array(codes), reason, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &fielderr.Error{Field: "certificate", Message: "Ce certificat est déjà retiré."}
		}
		return audit.Record(ctx, tx, actor.Entry("certificate.withdrawn", "certificate", strconv.FormatInt(certificateID, 10),
			map[string]any{"number": c.Number, "user_id": c.UserID, "reason": reason, "codes": len(codes)}))
	})
}
