package portfolio

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	parisloc "acquis/internal/paris"
)

// AcquiredBlock is a bloc a person holds for life.
type AcquiredBlock struct {
	ID                int64     `db:"id" json:"id"`
	UserID            int64     `db:"user_id" json:"user_id"`
	CertificationCode string    `db:"certification_code" json:"certification_code"`
	BlockCode         string    `db:"block_code" json:"block_code"`
	BlockTitle        string    `db:"block_title" json:"block_title"`
	AcquiredOn        time.Time `db:"acquired_on" json:"acquired_on"`
	How               string    `db:"how" json:"how"`
	Source            string    `db:"source" json:"source"`
}

// Certificate is an awarded certification.
type Certificate struct {
	ID                int64     `db:"id" json:"id"`
	UserID            int64     `db:"user_id" json:"user_id"`
	CertificationCode string    `db:"certification_code" json:"certification_code"`
	Number            string    `db:"number" json:"number"`
	AwardedOn         time.Time `db:"awarded_on" json:"awarded_on"`
	CandidacyID       *int64    `db:"candidacy_id" json:"candidacy_id,omitempty"`
}

// AcquiredBlocks lists the blocs a person holds, with their current title.
func (s *Store) AcquiredBlocks(ctx context.Context, userID int64) ([]AcquiredBlock, error) {
	var out []AcquiredBlock
	err := s.db.SelectContext(ctx, &out, `SELECT a.id, a.user_id, a.certification_code, a.block_code,
		coalesce((SELECT b.title FROM blocks b JOIN certifications c ON c.current_version_id = b.version_id
		          WHERE c.code = a.certification_code AND b.code = a.block_code), '') AS block_title,
		a.acquired_on, a.how, a.source
		FROM acquired_blocks a WHERE a.user_id = $1 ORDER BY a.block_code`, userID)
	if err != nil {
		return nil, fmt.Errorf("portfolio: acquired: %w", err)
	}
	return out, nil
}

// Certificates lists the certifications a person was awarded.
func (s *Store) Certificates(ctx context.Context, userID int64) ([]Certificate, error) {
	var out []Certificate
	err := s.db.SelectContext(ctx, &out, `SELECT id, user_id, certification_code, number, awarded_on, candidacy_id FROM certificates WHERE user_id = $1 ORDER BY awarded_on`, userID)
	return out, err
}

// CertificateCandidacy returns the candidacy a certificate was awarded
// at, or 0 when it was not awarded at one (or does not exist): only to
// send the certifier back to that candidacy's page.
func (s *Store) CertificateCandidacy(ctx context.Context, certificateID int64) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT coalesce(candidacy_id, 0) FROM certificates WHERE id = $1`, certificateID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// Holdings is what a person holds of one certification: its acquired
// blocs and, once all are acquired, the certificate.
type Holdings struct {
	Blocks      []AcquiredBlock
	Certificate *Certificate
}

// Block returns the held bloc with that code, if any.
func (h Holdings) Block(code string) (AcquiredBlock, bool) {
	for _, b := range h.Blocks {
		if b.BlockCode == code {
			return b, true
		}
	}
	return AcquiredBlock{}, false
}

// HoldingsFor returns what userID holds of the certification certCode.
func (s *Store) HoldingsFor(ctx context.Context, userID int64, certCode string) (Holdings, error) {
	var h Holdings
	blocks, err := s.AcquiredBlocks(ctx, userID)
	if err != nil {
		return h, err
	}
	for _, b := range blocks {
		if b.CertificationCode == certCode {
			h.Blocks = append(h.Blocks, b)
		}
	}
	certs, err := s.Certificates(ctx, userID)
	if err != nil {
		return h, err
	}
	for i := range certs {
		if certs[i].CertificationCode == certCode {
			h.Certificate = &certs[i]
		}
	}
	return h, nil
}

// Acquire records a bloc as acquired for life, inside the caller's
// transaction (the jury's signature, or the certifier recording an
// equivalence), and awards the certification when it was the last bloc
// missing. A bloc already held is left as it was: it was acquired first.
func Acquire(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, userID int64, certCode, blockCode string, on time.Time, how, source string, candidacyID int64) (*Certificate, error) {
	// The day counts in Paris, as the session's date does everywhere else.
	on = on.In(paris)
	if Future(on, time.Now()) {
		return nil, invalid("date", fmt.Sprintf("Un bloc s'acquiert à la date du jury qui l'a validé, jamais à une date à venir (%s).", on.In(paris).Format("02/01/2006")))
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO acquired_blocks (user_id, certification_code, block_code, acquired_on, how, source)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, block_code) DO NOTHING`, userID, certCode, blockCode, on, how, source)
	if err != nil {
		return nil, fmt.Errorf("portfolio: acquire: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		if err := audit.Record(ctx, tx, actor.Entry("block.acquired", "user", strconv.FormatInt(userID, 10),
			map[string]string{"block": blockCode, "how": how, "source": source, "on": on.Format("2006-01-02")})); err != nil {
			return nil, err
		}
	}
	return awardIfComplete(ctx, tx, actor, userID, certCode, on, candidacyID)
}

// awardIfComplete awards the certification once every bloc of its current
// version is held. Certificate numbers are CODE-YEAR-NNNNN, sequential per
// certification and year; an advisory lock keeps two awards from taking
// the same number.
func awardIfComplete(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, userID int64, certCode string, on time.Time, candidacyID int64) (*Certificate, error) {
	var missing int
	if err := tx.GetContext(ctx, &missing, `SELECT count(*) FROM blocks b JOIN certifications c ON c.current_version_id = b.version_id
		WHERE c.code = $1 AND NOT EXISTS (SELECT 1 FROM acquired_blocks a WHERE a.user_id = $2 AND a.block_code = b.code)`, certCode, userID); err != nil {
		return nil, err
	}
	if missing > 0 {
		return nil, nil
	}
	var already int
	if err := tx.GetContext(ctx, &already, `SELECT count(*) FROM certificates WHERE user_id = $1 AND certification_code = $2`, userID, certCode); err != nil {
		return nil, err
	}
	if already > 0 {
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('acquis.certificate.' || $1))`, certCode); err != nil {
		return nil, err
	}
	var seq int
	if err := tx.GetContext(ctx, &seq, `SELECT count(*) + 1 FROM certificates WHERE certification_code = $1 AND extract(year FROM awarded_on) = $2`,
		certCode, on.Year()); err != nil {
		return nil, err
	}
	cert := &Certificate{UserID: userID, CertificationCode: certCode, AwardedOn: on,
		Number: CertificateNumber(certCode, on.Year(), seq)}
	var cid *int64
	if candidacyID != 0 {
		cid = &candidacyID
	}
	cert.CandidacyID = cid
	if err := tx.GetContext(ctx, &cert.ID, `INSERT INTO certificates (user_id, certification_code, number, awarded_on, candidacy_id)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, userID, certCode, cert.Number, on, cid); err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, tx, actor.Entry("certification.awarded", "certificate", strconv.FormatInt(cert.ID, 10),
		map[string]any{"user_id": userID, "certification": certCode, "number": cert.Number})); err != nil {
		return nil, err
	}
	return cert, nil
}

// paris is the time zone of the dates on acquis's documents.
var paris = parisloc.Location

// Future reports whether the day of t, in Paris, comes after today's: a
// bloc or a certificate may be dated today, never later.
func Future(t, now time.Time) bool {
	y1, m1, d1 := t.In(paris).Date()
	y2, m2, d2 := now.In(paris).Date()
	return time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC).After(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC))
}

// CertificateNumber is the number of the seq-th certificate of a
// certification awarded in year: CODE-YEAR-NNNNN.
func CertificateNumber(certCode string, year, seq int) string {
	return fmt.Sprintf("%s-%d-%05d", certCode, year, seq)
}
