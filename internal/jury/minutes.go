package jury

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/certifier"
	"acquis/internal/db"
	"acquis/internal/fielderr"
	"acquis/internal/portfolio"
)

// MinutesContent is what the procès-verbal records; its SHA-256 is kept
// with the signature. Its JSON encoding is deterministic (struct fields in
// order, slices sorted), so the hash can be recomputed.
type MinutesContent struct {
	SessionID          int64             `json:"session_id"`
	Certifier          string            `json:"certifier"`
	CertificationCode  string            `json:"certification_code"`
	CertificationTitle string            `json:"certification_title"`
	StartsAt           time.Time         `json:"starts_at"`
	Place              string            `json:"place"`
	Remote             bool              `json:"remote"`
	Members            []MinutesMember   `json:"members"`
	Candidates         []MinutesLine     `json:"candidates"`
	Totals             Totals            `json:"totals"`
	Version            int               `json:"version"`
	Supersedes         int               `json:"supersedes,omitempty"`
	Reason             string            `json:"reason,omitempty"`
	SignedBy           string            `json:"signed_by"`
	SignedAt           time.Time         `json:"signed_at"`
	Changes            []AmendmentChange `json:"changes,omitempty"`
	// AuditHead is the audit log's sealed head when the minutes were
	// signed ("seq:hash"): printed on the document, it keeps a trace of
	// the chain outside the database (`acquis audit verify --head`).
	AuditHead string `json:"audit_head,omitempty"`
}

// auditHead is the sealed head to print on minutes signed now.
func auditHead(ctx context.Context, tx *sqlx.Tx) (string, error) {
	h, err := audit.LastHead(ctx, tx)
	if err != nil || h.Seq == 0 {
		return "", err
	}
	return h.String(), nil
}

// MinutesMember is a jury member as the minutes name them.
type MinutesMember struct {
	UserID  int64  `db:"user_id" json:"user_id"`
	Name    string `db:"name" json:"name"`
	College string `db:"college" json:"college"`
	Chair   bool   `db:"chair" json:"chair"`
	// Absent: not present at the deliberation (minutes signed before
	// attendance was recorded leave it out).
	Absent bool `db:"absent" json:"absent,omitempty"`
}

// MinutesLine is one candidate's row: a decision per bloc and the outcome.
type MinutesLine struct {
	CandidacyID    int64           `json:"candidacy_id"`
	CandidateID    int64           `json:"candidate_id"`
	CandidateName  string          `json:"candidate_name"`
	Decisions      []BlockDecision `json:"decisions"`
	Outcome        Outcome         `json:"outcome"`
	Preconisations string          `json:"preconisations,omitempty"`
	// Recused are the members who took no part for this candidate, with
	// why; LeftOut the evaluators whose grid was left out.
	Recused []Recusal     `json:"recused,omitempty"`
	LeftOut []LeftOutGrid `json:"left_out,omitempty"`
}

// Recusal is a member in conflict with one candidate.
type Recusal struct {
	Name   string `db:"name" json:"name"`
	Reason string `db:"reason" json:"reason"`
}

// LeftOutGrid is an evaluator's grid left out when the deliberation
// opened, with the certifier's reason.
type LeftOutGrid struct {
	Name   string `db:"name" json:"name"`
	Reason string `db:"reason" json:"reason"`
}

// recusalsAndLeftOut reads, for one candidate of a session, the members
// who took no part (with the conflict said in French) and the evaluators
// whose grid was left out: what the jury file and the minutes both show.
func recusalsAndLeftOut(ctx context.Context, q sqlx.QueryerContext, sessionID, candidacyID int64) ([]Recusal, []LeftOutGrid, error) {
	var recused []Recusal
	if err := sqlx.SelectContext(ctx, q, &recused, `SELECT u.full_name AS name, k.reason FROM jury_conflicts k JOIN users u ON u.id = k.user_id
		WHERE k.session_id = $1 AND k.candidacy_id = $2 ORDER BY u.full_name, k.user_id`, sessionID, candidacyID); err != nil {
		return nil, nil, err
	}
	for i := range recused {
		recused[i].Reason = ConflictLabel(recused[i].Reason)
	}
	var leftOut []LeftOutGrid
	if err := sqlx.SelectContext(ctx, q, &leftOut, `SELECT u.full_name AS name, e.left_out_reason AS reason FROM jury_evaluators e JOIN users u ON u.id = e.evaluator_id
		WHERE e.session_id = $1 AND e.candidacy_id = $2 AND e.left_out_at IS NOT NULL ORDER BY u.full_name, e.evaluator_id`, sessionID, candidacyID); err != nil {
		return nil, nil, err
	}
	return recused, leftOut, nil
}

// Totals sum the outcomes.
type Totals struct {
	Assigned  int `json:"assigned"`
	Presented int `json:"presented"`
	Full      int `json:"full"`
	Partial   int `json:"partial"`
	NotValid  int `json:"not_validated"`
	Absent    int `json:"absent"`
	Excused   int `json:"excused"`
}

// AmendmentChange is one correction an amendment makes.
type AmendmentChange struct {
	CandidacyID    int64   `json:"candidacy_id"`
	BlockCode      string  `json:"block_code,omitempty"`
	Decision       string  `json:"decision,omitempty"`
	Outcome        Outcome `json:"outcome,omitempty"`
	Preconisations string  `json:"preconisations,omitempty"`
}

// Minutes is a stored, signed version of the procès-verbal.
type Minutes struct {
	ID         int64           `db:"id" json:"id"`
	SessionID  int64           `db:"session_id" json:"session_id"`
	Version    int             `db:"version" json:"version"`
	Supersedes *int64          `db:"supersedes" json:"supersedes,omitempty"`
	Reason     string          `db:"reason" json:"reason,omitempty"`
	Raw        []byte          `db:"content" json:"-"`
	SHA256     string          `db:"sha256" json:"sha256"`
	PDFSHA256  string          `db:"pdf_sha256" json:"pdf_sha256"`
	SignedBy   int64           `db:"signed_by" json:"signed_by"`
	SignedAt   time.Time       `db:"signed_at" json:"signed_at"`
	Content    *MinutesContent `db:"-" json:"content"`
}

// build gathers the session's decisions into minutes content.
func (s *Store) build(ctx context.Context, q sqlx.QueryerContext, sessionID int64) (*MinutesContent, error) {
	var sess Session
	if err := sqlx.GetContext(ctx, q, &sess, `SELECT `+sessionColumns+sessionFrom+` WHERE s.id = $1`, sessionID); err != nil {
		return nil, db.NotFound(err, ErrNotFound, "jury")
	}
	cert, err := s.refs.Certification(ctx, sess.CertificationCode)
	if err != nil {
		return nil, err
	}
	// The minutes name the certifier as it set its identity (issue 20),
	// else as the référentiel's source names it.
	certifierName, err := certifier.Name(ctx, q)
	if err != nil {
		return nil, err
	}
	if certifierName == "" {
		certifierName = cert.Certifier
	}
	m := &MinutesContent{SessionID: sessionID, Certifier: certifierName, CertificationCode: sess.CertificationCode, CertificationTitle: sess.CertificationTitle,
		StartsAt: sess.StartsAt.UTC(), Place: sess.Place, Remote: sess.Remote}
	if err := sqlx.SelectContext(ctx, q, &m.Members, `SELECT m.user_id, u.full_name AS name, m.college, m.is_chair AS chair,
		coalesce(NOT att.present, false) AS absent
		FROM jury_members m JOIN users u ON u.id = m.user_id
		LEFT JOIN jury_attendance att ON att.session_id = m.session_id AND att.user_id = m.user_id
		WHERE m.session_id = $1 ORDER BY m.is_chair DESC, u.full_name, m.user_id`, sessionID); err != nil {
		return nil, err
	}
	var lines []struct {
		CandidacyID    int64   `db:"candidacy_id"`
		CandidateID    int64   `db:"candidate_id"`
		Name           string  `db:"full_name"`
		Outcome        *string `db:"outcome"`
		Preconisations *string `db:"preconisations"`
	}
	if err := sqlx.SelectContext(ctx, q, &lines, `SELECT a.candidacy_id, c.candidate_id, u.full_name, o.outcome, o.preconisations
		FROM jury_assignments a JOIN candidacies c ON c.id = a.candidacy_id JOIN users u ON u.id = c.candidate_id
		LEFT JOIN jury_outcomes o ON o.session_id = a.session_id AND o.candidacy_id = a.candidacy_id
		WHERE a.session_id = $1 ORDER BY u.full_name, a.candidacy_id`, sessionID); err != nil {
		return nil, err
	}
	for _, l := range lines {
		ml := MinutesLine{CandidacyID: l.CandidacyID, CandidateID: l.CandidateID, CandidateName: l.Name}
		if l.Outcome != nil {
			ml.Outcome = Outcome(*l.Outcome)
			ml.Preconisations = *l.Preconisations
		}
		if err := sqlx.SelectContext(ctx, q, &ml.Decisions, `SELECT d.candidacy_id, d.block_code, d.proposal, d.decision, d.reason,
			d.votes_valide, d.votes_non_valide, d.casting_vote
			FROM jury_block_decisions d JOIN candidacy_blocks cb ON cb.candidacy_id = d.candidacy_id AND cb.block_code = d.block_code
			WHERE d.session_id = $1 AND d.candidacy_id = $2 ORDER BY cb.position`, sessionID, l.CandidacyID); err != nil {
			return nil, err
		}
		if ml.Recused, ml.LeftOut, err = recusalsAndLeftOut(ctx, q, sessionID, l.CandidacyID); err != nil {
			return nil, err
		}
		m.Candidates = append(m.Candidates, ml)
	}
	m.Totals = totals(m.Candidates)
	return m, nil
}

func totals(lines []MinutesLine) Totals {
	t := Totals{Assigned: len(lines)}
	for _, l := range lines {
		switch l.Outcome {
		case ReussiteTotale:
			t.Full++
		case ReussitePartielle:
			t.Partial++
		case NonValidation:
			t.NotValid++
		case Absent:
			t.Absent++
		case Excuse:
			t.Excused++
		}
	}
	t.Presented = t.Full + t.Partial + t.NotValid
	return t
}

func hashContent(m *MinutesContent) ([]byte, string, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(raw)
	return raw, hex.EncodeToString(sum[:]), nil
}

// Sign closes the session: the chair signs the minutes, whose content and
// SHA-256 are stored; validated blocs become acquired for life (and
// certifications are awarded when complete); candidacies move to
// "evaluated"; and from then on the database refuses any change to the
// session's scores, decisions and outcomes. All in one transaction.
func (s *Store) Sign(ctx context.Context, actor audit.Actor, sessionID int64) (*Minutes, error) {
	var out *Minutes
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		st, err := lockUnsigned(ctx, tx, sessionID, "UPDATE")
		if err != nil {
			return err
		}
		if st != Deliberating {
			return invalid("status", "La session doit être en délibération pour être signée.")
		}
		var chair bool
		if err := tx.GetContext(ctx, &chair, `SELECT EXISTS (SELECT 1 FROM jury_members WHERE session_id = $1 AND user_id = $2 AND is_chair)`, sessionID, actor.UserID); err != nil {
			return err
		}
		if !chair {
			return invalid("status", "Seule la présidence du jury signe le procès-verbal.")
		}
		if err := notBeforeDate(ctx, tx, sessionID); err != nil {
			return err
		}
		m, err := s.build(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if len(m.Candidates) == 0 {
			return invalid("status", "Aucune candidature n'est inscrite à cette session.")
		}
		for _, l := range m.Candidates {
			if l.Outcome == "" {
				return invalid("status", "Le résultat de %s n'est pas encore enregistré.", l.CandidateName)
			}
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		m.Version, m.SignedAt, m.SignedBy = 1, now, chairName(m.Members)
		if m.AuditHead, err = auditHead(ctx, tx); err != nil {
			return err
		}
		raw, sum, err := hashContent(m)
		if err != nil {
			return err
		}
		doc, docSum, err := s.renderMinutes(m, sum)
		if err != nil {
			return err
		}
		var minutesID int64
		if err := tx.GetContext(ctx, &minutesID, `INSERT INTO jury_minutes (session_id, version, content, sha256, pdf, pdf_sha256, signed_by, signed_at)
			VALUES ($1, 1, $2, $3, $4, $5, $6, $7) RETURNING id`, sessionID, raw, sum, doc, docSum, actor.UserID, now); err != nil {
			return err
		}
		if err := projectResults(ctx, tx, sessionID); err != nil {
			return err
		}
		on := m.StartsAt
		source := "jury_session:" + strconv.FormatInt(sessionID, 10)
		for _, l := range m.Candidates {
			if l.Outcome.Presented() {
				for _, d := range l.Decisions {
					if d.Decision == Valide {
						if _, err := portfolio.Acquire(ctx, tx, actor, l.CandidateID, m.CertificationCode, d.BlockCode, on, "jury", source, l.CandidacyID); err != nil {
							return err
						}
					}
				}
			}
			if err := s.pf.TransitionTx(ctx, tx, actor, l.CandidacyID, portfolio.Evaluated, portfolio.RoleSystem, ""); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jury_sessions SET status = 'signed', signed_at = $2, signed_by = $3 WHERE id = $1`, sessionID, now, actor.UserID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor.Entry("jury.signed", "jury_session", strconv.FormatInt(sessionID, 10),
			map[string]any{"minutes_id": minutesID, "sha256": sum, "pdf_sha256": docSum, "totals": m.Totals})); err != nil {
			return err
		}
		out = &Minutes{ID: minutesID, SessionID: sessionID, Version: 1, Raw: raw, SHA256: sum, PDFSHA256: docSum, SignedBy: actor.UserID, SignedAt: now, Content: m}
		return nil
	})
	return out, err
}

func chairName(ms []MinutesMember) string {
	for _, m := range ms {
		if m.Chair {
			return m.Name
		}
	}
	return ""
}

// MinutesVersions lists a session's signed minutes, oldest first.
func (s *Store) MinutesVersions(ctx context.Context, sessionID int64) ([]Minutes, error) {
	var out []Minutes
	if err := s.db.SelectContext(ctx, &out, `SELECT id, session_id, version, supersedes, reason, content, sha256, coalesce(pdf_sha256, '') AS pdf_sha256, signed_by, signed_at
		FROM jury_minutes WHERE session_id = $1 ORDER BY version`, sessionID); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Content = &MinutesContent{}
		if err := json.Unmarshal(out[i].Raw, out[i].Content); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Current returns the latest signed minutes of a session: the decisions in
// force, amendments included.
func (s *Store) Current(ctx context.Context, sessionID int64) (*Minutes, error) {
	all, err := s.MinutesVersions(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, ErrNotFound
	}
	return &all[len(all)-1], nil
}

// Amend corrects a signed session: a new version of the minutes, signed by
// the chair, with its reason and its changes; the old version is kept. A
// bloc newly validated becomes acquired; a validated bloc cannot be taken
// back, since blocs are acquired for life.
func (s *Store) Amend(ctx context.Context, actor audit.Actor, sessionID int64, reason string, changes []AmendmentChange) (*Minutes, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, invalid("reason", "Un avenant doit dire pourquoi il corrige le procès-verbal.")
	}
	if len(changes) == 0 {
		return nil, invalid("changes", "L'avenant ne change rien.")
	}
	var out *Minutes
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		changes := append([]AmendmentChange(nil), changes...)
		var chair bool
		if err := tx.GetContext(ctx, &chair, `SELECT EXISTS (SELECT 1 FROM jury_members WHERE session_id = $1 AND user_id = $2 AND is_chair)`, sessionID, actor.UserID); err != nil {
			return err
		}
		if !chair {
			return invalid("status", "Seule la présidence du jury signe un avenant.")
		}
		var prev Minutes
		if err := tx.GetContext(ctx, &prev, `SELECT id, session_id, version, supersedes, reason, content, sha256, coalesce(pdf_sha256, '') AS pdf_sha256, signed_by, signed_at
			FROM jury_minutes WHERE session_id = $1 ORDER BY version DESC LIMIT 1 FOR UPDATE`, sessionID); err != nil {
			return invalid("status", "La session n'est pas encore signée : corrigez directement les décisions.")
		}
		m := &MinutesContent{}
		if err := json.Unmarshal(prev.Raw, m); err != nil {
			return err
		}
		source := "jury_session:" + strconv.FormatInt(sessionID, 10) + ":avenant"
		touched := map[int64]bool{}
		var order []int64
		precos := map[int64]*string{}
		for _, ch := range changes {
			line := findLine(m, ch.CandidacyID)
			if line == nil {
				return invalid("changes", "La candidature n° %d n'est pas dans cette session.", ch.CandidacyID)
			}
			if !touched[ch.CandidacyID] {
				touched[ch.CandidacyID] = true
				order = append(order, ch.CandidacyID)
			}
			if p := strings.TrimSpace(ch.Preconisations); p != "" {
				precos[ch.CandidacyID] = &p
			}
			if ch.BlockCode == "" {
				continue
			}
			if !line.Outcome.Presented() {
				return invalid("changes", "%s n'a pas été présenté·e au jury : aucune décision par bloc à corriger.", line.CandidateName)
			}
			d := findDecision(line, ch.BlockCode)
			if d == nil {
				return invalid("changes", "Le bloc %s n'a pas été évalué pour %s.", ch.BlockCode, line.CandidateName)
			}
			if ch.Decision != Valide && ch.Decision != NonValide {
				return invalid("changes", "Décision inconnue.")
			}
			if d.Decision == Valide && ch.Decision == NonValide {
				return invalid("changes", "Le bloc %s de %s est acquis à vie depuis la signature : un avenant ne peut pas le retirer.", ch.BlockCode, line.CandidateName)
			}
			if d.Decision == ch.Decision {
				continue
			}
			d.Decision, d.Reason, d.Amended = ch.Decision, "Avenant : "+reason, true
			if _, err := portfolio.Acquire(ctx, tx, actor, line.CandidateID, m.CertificationCode, ch.BlockCode, m.StartsAt, "jury", source, line.CandidacyID); err != nil {
				return err
			}
		}
		// The outcome follows the bloc decisions; préconisations are kept
		// only while the outcome stays what it was, unless the amendment
		// gives new ones.
		for _, cid := range order {
			line := findLine(m, cid)
			want := line.Outcome
			if line.Outcome.Presented() {
				validated := 0
				for _, d := range line.Decisions {
					if d.Decision == Valide {
						validated++
					}
				}
				want = DeriveOutcome(len(line.Decisions), validated)
			}
			for _, ch := range changes {
				if ch.CandidacyID == cid && ch.Outcome != "" && ch.Outcome != want {
					return invalid("changes", "Le résultat de %s découle des décisions par bloc : c'est « %s ».", line.CandidateName, want.Label())
				}
			}
			p := ""
			if want == line.Outcome {
				p = line.Preconisations
			}
			if np := precos[cid]; np != nil {
				p = *np
			}
			p, err := checkPreconisations(want, p)
			if err != nil {
				var ve *fielderr.Error
				if errors.As(err, &ve) {
					ve.Message += " (" + line.CandidateName + ")"
				}
				return err
			}
			if want != line.Outcome || p != line.Preconisations {
				stated := false
				for i := range changes {
					if changes[i].CandidacyID == cid && changes[i].BlockCode == "" {
						changes[i].Outcome, changes[i].Preconisations, stated = want, p, true
					}
				}
				if !stated {
					changes = append(changes, AmendmentChange{CandidacyID: cid, Outcome: want, Preconisations: p})
				}
			}
			line.Outcome, line.Preconisations = want, p
		}
		m.Totals = totals(m.Candidates)
		now := time.Now().UTC().Truncate(time.Microsecond)
		m.Version, m.Supersedes, m.Reason, m.Changes, m.SignedAt = prev.Version+1, prev.Version, reason, changes, now
		var err error
		if m.AuditHead, err = auditHead(ctx, tx); err != nil {
			return err
		}
		raw, sum, err := hashContent(m)
		if err != nil {
			return err
		}
		doc, docSum, err := s.renderMinutes(m, sum)
		if err != nil {
			return err
		}
		chRaw, _ := json.Marshal(changes)
		out = &Minutes{SessionID: sessionID, Version: m.Version, Supersedes: &prev.ID, Reason: reason, Raw: raw, SHA256: sum, PDFSHA256: docSum, SignedBy: actor.UserID, SignedAt: now, Content: m}
		if err := tx.GetContext(ctx, &out.ID, `INSERT INTO jury_minutes (session_id, version, supersedes, reason, changes, content, sha256, pdf, pdf_sha256, signed_by, signed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, sessionID, m.Version, prev.ID, reason, chRaw, raw, sum, doc, docSum, actor.UserID, now); err != nil {
			return err
		}
		if err := projectResults(ctx, tx, sessionID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.amended", "jury_session", strconv.FormatInt(sessionID, 10),
			map[string]any{"version": m.Version, "supersedes": prev.ID, "reason": reason, "changes": changes, "sha256": sum, "pdf_sha256": docSum}))
	})
	return out, err
}

func findLine(m *MinutesContent, candidacyID int64) *MinutesLine {
	for i := range m.Candidates {
		if m.Candidates[i].CandidacyID == candidacyID {
			return &m.Candidates[i]
		}
	}
	return nil
}

func findDecision(l *MinutesLine, block string) *BlockDecision {
	for i := range l.Decisions {
		if l.Decisions[i].BlockCode == block {
			return &l.Decisions[i]
		}
	}
	return nil
}

// CandidateResult is what a candidate sees of a signed session.
type CandidateResult struct {
	Session *Session
	Line    MinutesLine
	Minutes *Minutes
}

// ResultsFor returns the signed results that concern a candidacy, if any.
func (s *Store) ResultsFor(ctx context.Context, candidacyID int64) ([]CandidateResult, error) {
	var ids []int64
	if err := s.db.SelectContext(ctx, &ids, `SELECT a.session_id FROM jury_assignments a JOIN jury_sessions s ON s.id = a.session_id
		WHERE a.candidacy_id = $1 AND s.status = 'signed' ORDER BY s.starts_at`, candidacyID); err != nil {
		return nil, err
	}
	var out []CandidateResult
	for _, id := range ids {
		m, err := s.Current(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sess, err := s.Session(ctx, id)
		if err != nil {
			return nil, err
		}
		if l := findLine(m.Content, candidacyID); l != nil {
			out = append(out, CandidateResult{Session: sess, Line: *l, Minutes: m})
		}
	}
	return out, nil
}

// String renders a short description, for logs.
func (m *Minutes) String() string {
	return fmt.Sprintf("PV session %d v%d (%s)", m.SessionID, m.Version, m.SHA256[:12])
}

// MinutesRenderer prints the minutes' content as the document that is
// stored with the signature; contentSHA is the content's SHA-256.
// internal/pdf provides it (jury cannot import pdf, which prints jury's
// types).
type MinutesRenderer func(m *MinutesContent, contentSHA string) ([]byte, error)

// renderMinutes prints the minutes and returns the document with its
// SHA-256.
func (s *Store) renderMinutes(m *MinutesContent, contentSHA string) ([]byte, string, error) {
	if s.minutesPDF == nil {
		return nil, "", errors.New("jury: aucun générateur de procès-verbal configuré")
	}
	doc, err := s.minutesPDF(m, contentSHA)
	if err != nil {
		return nil, "", fmt.Errorf("jury: impression du procès-verbal : %w", err)
	}
	sum := sha256.Sum256(doc)
	return doc, hex.EncodeToString(sum[:]), nil
}

// MinutesPDF returns the stored document of one version of a session's
// minutes.
func (s *Store) MinutesPDF(ctx context.Context, sessionID int64, version int) ([]byte, *Minutes, error) {
	var row struct {
		Minutes
		PDF []byte `db:"pdf"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT id, session_id, version, supersedes, reason, content, sha256, coalesce(pdf_sha256, '') AS pdf_sha256, signed_by, signed_at, pdf
		FROM jury_minutes WHERE session_id = $1 AND version = $2 AND pdf IS NOT NULL`, sessionID, version)
	if err != nil {
		return nil, nil, db.NotFound(err, ErrNotFound, "jury")
	}
	row.Minutes.Content = &MinutesContent{}
	if err := json.Unmarshal(row.Minutes.Raw, row.Minutes.Content); err != nil {
		return nil, nil, err
	}
	return row.PDF, &row.Minutes, nil
}

// projectResults rewrites what the indicators read of a signed session
// from the current version of its minutes (SQL function project_results,
// migration 00008), in the caller's transaction.
func projectResults(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	_, err := tx.ExecContext(ctx, `SELECT project_results(ARRAY[$1::bigint])`, sessionID)
	return err
}

// Seal fills the totals of minutes content built outside a session's
// workflow (the national demo's history) and returns its JSON and
// SHA-256, exactly as signing computes them.
func (m *MinutesContent) Seal() ([]byte, string, error) {
	m.Totals = totals(m.Candidates)
	return hashContent(m)
}
