package jury

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/fielderr"
	"acquis/internal/referentiel"
)

// Verdict values.
const (
	Acquis    = "acquis"
	NonAcquis = "non_acquis"
)

// Verdict is one evaluator's mark on one criterion.
type Verdict struct {
	EvaluatorID   int64     `db:"evaluator_id" json:"evaluator_id"`
	EvaluatorName string    `db:"full_name" json:"evaluator_name"`
	BlockCode     string    `db:"block_code" json:"block_code"`
	CriterionCode string    `db:"criterion_code" json:"criterion_code"`
	Verdict       string    `db:"verdict" json:"verdict"`
	Comment       string    `db:"comment" json:"comment"`
	UpdatedAt     time.Time `db:"updated_at" json:"updated_at"`
}

// RecordVerdict saves one criterion's mark: the grid's autosave calls it
// for each change, so an evaluator never loses work. The session row is
// share-locked so the session cannot leave "open" while the write is in
// flight. It returns an error wrapping ErrNotFound, and writes nothing,
// when actor does not evaluate that candidacy in that session (or either
// does not exist): its one statement is thus also the check of who may
// write (the autosave's scope relies on it); every other refusal comes
// after that check.
func (s *Store) RecordVerdict(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64, criterion, verdict, comment string) (Verdict, error) {
	v, args, err := verdictArgs(actor, sessionID, candidacyID, VerdictInput{Criterion: criterion, Verdict: verdict, Comment: comment})
	if err != nil {
		return v, err
	}
	var res verdictResult
	err = s.verdictQ.Get(ctx, &res, args...)
	return res.outcome(v, err)
}

// VerdictInput is one criterion's mark as a form or a request gives it.
type VerdictInput struct{ Criterion, Verdict, Comment string }

// CriterionError is a refused mark in a whole grid, said beside its
// criterion.
type CriterionError struct {
	Criterion string
	Refusal   *fielderr.Error
}

func (e *CriterionError) Error() string { return "criterion " + e.Criterion + ": " + e.Refusal.Error() }

// Unwrap gives the refusal, so errors.As finds the field error too.
func (e *CriterionError) Unwrap() error { return e.Refusal }

// RecordVerdicts saves the marks of a whole grid in one transaction: the
// form without JavaScript posts every criterion at once, so a choice made
// on one criterion is never lost by saving another. Each mark goes through
// the autosave's statement (same checks, one audit row each); one refused
// mark refuses them all, as a CriterionError, and nothing changes.
func (s *Store) RecordVerdicts(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64, marks []VerdictInput) ([]Verdict, error) {
	type prepared struct {
		v    Verdict
		args []any
	}
	todo := make([]prepared, 0, len(marks))
	for _, m := range marks {
		v, args, err := verdictArgs(actor, sessionID, candidacyID, m)
		if err != nil {
			return nil, criterionError(m.Criterion, err)
		}
		todo = append(todo, prepared{v, args})
	}
	out := make([]Verdict, 0, len(todo))
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		for _, p := range todo {
			var res verdictResult
			v, err := res.outcome(p.v, tx.GetContext(ctx, &res, verdictQuery, p.args...))
			if err != nil {
				return criterionError(p.v.CriterionCode, err)
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func criterionError(criterion string, err error) error {
	var ve *fielderr.Error
	if errors.As(err, &ve) {
		return &CriterionError{Criterion: criterion, Refusal: ve}
	}
	return err
}

// CheckVerdict refuses a mark that no grid could accept, whoever sends
// it and wherever: these refusals need nothing from the database, so
// RecordVerdict makes them before its statement (and the autosave's
// scope, to know whether a request reaches the statement at all).
func CheckVerdict(m VerdictInput) error {
	if m.Verdict != Acquis && m.Verdict != NonAcquis {
		return invalid("verdict", "Choisissez « acquis » ou « non acquis ».")
	}
	comment := strings.TrimSpace(m.Comment)
	if m.Verdict == NonAcquis && comment == "" {
		return invalid("comment", "Un commentaire est obligatoire pour un critère non acquis : il explique la décision au candidat.")
	}
	if utf8.RuneCountInString(comment) > 4000 {
		return invalid("comment", "Le commentaire ne peut dépasser 4 000 caractères.")
	}
	return nil
}

// verdictArgs checks a mark and returns the autosave statement's arguments.
func verdictArgs(actor audit.Actor, sessionID, candidacyID int64, m VerdictInput) (Verdict, []any, error) {
	v := Verdict{EvaluatorID: actor.UserID, CriterionCode: m.Criterion, Verdict: m.Verdict, Comment: strings.TrimSpace(m.Comment)}
	if err := CheckVerdict(m); err != nil {
		return v, nil, err
	}
	entry := actor.Entry("jury.verdict", "candidacy", strconv.FormatInt(candidacyID, 10),
		map[string]any{"session_id": sessionID, "criterion": m.Criterion, "verdict": m.Verdict, "comment": v.Comment})
	auditArgs, err := entry.Values()
	if err != nil {
		return v, nil, err
	}
	return v, append([]any{sessionID, candidacyID, actor.UserID, m.Criterion, sessionLockClass, m.Verdict, v.Comment}, auditArgs...), nil
}

// verdictResult is what verdictQuery reads back: the checks, and the
// write's time when it happened.
type verdictResult struct {
	Status    Status     `db:"status"`
	Declared  *time.Time `db:"declared_at"`
	Submitted *time.Time `db:"submitted_at"`
	Block     *string    `db:"block_code"`
	UpdatedAt *time.Time `db:"updated_at"`
}

// outcome turns the statement's checks into the refusal's message.
func (res verdictResult) outcome(v Verdict, err error) (Verdict, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return v, errNotEvaluator
	}
	if err != nil {
		return v, err
	}
	switch {
	case res.Status == Signed:
		return v, ErrSigned
	case res.Status != Open:
		return v, invalid("verdict", "La session n'est pas ouverte à l'évaluation (« %s »).", res.Status.Label())
	case res.Declared == nil:
		return v, invalid("verdict", "Signez d'abord la déclaration d'absence de conflit d'intérêts pour ce candidat.")
	case res.Submitted != nil:
		return v, invalid("verdict", "Vous avez remis votre grille : elle ne peut plus changer.")
	case res.Block == nil:
		return v, invalid("criterion", "Ce critère n'appartient pas aux blocs évalués pour ce candidat.")
	case res.UpdatedAt == nil:
		return v, fmt.Errorf("jury: verdict not written")
	}
	v.BlockCode, v.UpdatedAt = *res.Block, *res.UpdatedAt
	return v, nil
}

// verdictQuery is the grid's autosave in one statement, run on its own
// (PostgreSQL makes it one transaction): it takes the session's shared
// lock (see lockSession), reads what the checks need, writes the verdict
// only when they pass, and writes its audit row with it. One round trip
// instead of five, for the product's hottest write (BENCHMARKS.md). The
// caller turns the returned checks into the refusal's message; a refused
// write changes nothing since the INSERTs select no row.
//
// $1 session, $2 candidacy, $3 evaluator, $4 criterion, $5 lock class,
// $6 verdict, $7 comment, $8… the audit row.
var verdictQuery = `WITH l AS (SELECT pg_advisory_xact_lock_shared($5::int, $1::int)),
chk AS (
	SELECT s.status, e.declared_at, e.submitted_at,
	(SELECT b.code FROM candidacies c
	   JOIN candidacy_blocks cb ON cb.candidacy_id = c.id
	   JOIN blocks b ON b.version_id = c.version_id AND b.code = cb.block_code
	   JOIN criteria cr ON cr.block_id = b.id AND cr.code = $4::text
	  WHERE c.id = e.candidacy_id) AS block_code
	FROM l, jury_sessions s JOIN jury_evaluators e ON e.session_id = s.id
	WHERE s.id = $1::bigint AND e.candidacy_id = $2::bigint AND e.evaluator_id = $3::bigint),
up AS (
	INSERT INTO jury_verdicts (session_id, candidacy_id, evaluator_id, block_code, criterion_code, verdict, comment)
	SELECT $1::bigint, $2::bigint, $3::bigint, chk.block_code, $4::text, $6::text, $7::text FROM chk
	 WHERE chk.status = '` + string(Open) + `' AND chk.declared_at IS NOT NULL AND chk.submitted_at IS NULL AND chk.block_code IS NOT NULL
	ON CONFLICT (session_id, candidacy_id, evaluator_id, criterion_code)
	DO UPDATE SET verdict = EXCLUDED.verdict, comment = EXCLUDED.comment, updated_at = now()
	RETURNING updated_at),
au AS (` + audit.InsertFrom("up", 8) + `)
SELECT chk.status, chk.declared_at, chk.submitted_at, chk.block_code, up.updated_at FROM chk LEFT JOIN up ON true`

// SubmitGrid hands in an evaluator's grid: every criterion of every
// targeted bloc must be marked. Other members' verdicts become visible to
// them from then on.
func (s *Store) SubmitGrid(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		st, err := lockSession(ctx, tx, sessionID, "SHARE")
		if err != nil {
			return err
		}
		if st != Open {
			return invalid("grid", "La session n'est pas ouverte à l'évaluation.")
		}
		var missing int
		if err := tx.GetContext(ctx, &missing, `SELECT count(*) FROM candidacies c
			JOIN candidacy_blocks cb ON cb.candidacy_id = c.id
			JOIN blocks b ON b.version_id = c.version_id AND b.code = cb.block_code
			JOIN criteria cr ON cr.block_id = b.id
			WHERE c.id = $1 AND NOT EXISTS (SELECT 1 FROM jury_verdicts v WHERE v.session_id = $2 AND v.candidacy_id = c.id
				AND v.evaluator_id = $3 AND v.criterion_code = cr.code)`, candidacyID, sessionID, actor.UserID); err != nil {
			return err
		}
		if missing > 0 {
			return invalid("grid", "Il reste %d critère(s) à évaluer avant de remettre la grille.", missing)
		}
		res, err := tx.ExecContext(ctx, `UPDATE jury_evaluators SET submitted_at = now() WHERE session_id = $1 AND candidacy_id = $2 AND evaluator_id = $3 AND submitted_at IS NULL`,
			sessionID, candidacyID, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotEvaluator
		}
		return audit.Record(ctx, tx, actor.Entry("jury.grid_submitted", "candidacy", strconv.FormatInt(candidacyID, 10), map[string]int64{"session_id": sessionID}))
	})
}

// Grid is what one viewer may see of a candidacy's scoring.
type Grid struct {
	Blocks    []referentiel.Block
	Mine      map[string]Verdict   // by criterion code
	Others    map[string][]Verdict // by criterion code, counted grids only; empty while blind
	Access    Access               // what the viewer is for this candidacy
	Evaluator bool                 // the viewer evaluates this candidacy
	Declared  bool                 // the viewer declared no conflict for it
	Submitted bool                 // the viewer's grid is handed in
	Blind     bool                 // others' verdicts are hidden from this viewer
}

// Grid returns the scoring grid of a candidacy as viewerID may see it,
// by the blind rule (Access.SeesVerdicts): an evaluator sees the others'
// handed-in grids only after handing in their own; other members see them
// once the jury deliberates, after their declaration; a draft grid is
// never shown to anyone but its author.
func (s *Store) Grid(ctx context.Context, sessionID, candidacyID, viewerID int64) (*Grid, error) {
	var versionID int64
	if err := s.db.GetContext(ctx, &versionID, `SELECT version_id FROM candidacies WHERE id = $1`, candidacyID); err != nil {
		return nil, db.NotFound(err, ErrNotFound, "jury")
	}
	a, err := s.AccessOf(ctx, sessionID, candidacyID, viewerID)
	if err != nil {
		return nil, err
	}
	return s.GridWith(ctx, sessionID, candidacyID, versionID, viewerID, a)
}

// GridWith is Grid for a caller that has just read the candidacy's
// référentiel version and the viewer's Access (AccessOf) for this
// request, as the jury pages' scope does: the grid page then runs two
// queries fewer.
func (s *Store) GridWith(ctx context.Context, sessionID, candidacyID, versionID, viewerID int64, a Access) (*Grid, error) {
	cert, err := s.refs.Version(ctx, versionID)
	if err != nil {
		return nil, err
	}
	var targeted []string
	if err := s.db.SelectContext(ctx, &targeted, `SELECT block_code FROM candidacy_blocks WHERE candidacy_id = $1 ORDER BY position`, candidacyID); err != nil {
		return nil, err
	}
	g := &Grid{Mine: map[string]Verdict{}, Others: map[string][]Verdict{}}
	for _, code := range targeted {
		for _, b := range cert.Blocks {
			if b.Code == code {
				g.Blocks = append(g.Blocks, b)
			}
		}
	}
	g.Access = a
	g.Evaluator, g.Declared, g.Submitted = g.Access.Evaluator, g.Access.Declared, g.Access.Submitted
	g.Blind = !g.Access.SeesVerdicts()
	var all []Verdict
	if err := s.db.SelectContext(ctx, &all, `SELECT v.evaluator_id, u.full_name, v.block_code, v.criterion_code, v.verdict, v.comment, v.updated_at
		FROM jury_verdicts v JOIN users u ON u.id = v.evaluator_id JOIN jury_evaluators e USING (session_id, candidacy_id, evaluator_id)
		WHERE v.session_id = $1 AND v.candidacy_id = $2 AND (v.evaluator_id = $4 OR ($3 AND `+countedGrid+`)) ORDER BY u.full_name, v.evaluator_id`,
		sessionID, candidacyID, !g.Blind, viewerID); err != nil {
		return nil, err
	}
	for _, v := range all {
		if v.EvaluatorID == viewerID {
			g.Mine[v.CriterionCode] = v
			if !g.Access.Submitted || g.Access.LeftOut {
				continue // a draft is not among the counted grids
			}
		}
		if !g.Blind {
			g.Others[v.CriterionCode] = append(g.Others[v.CriterionCode], v)
		}
	}
	return g, nil
}
