package demo

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"acquis/internal/jury"
	"acquis/internal/portfolio"
)

// History writes past jury sessions straight into the tables, in bulk
// (COPY), as the workflow would have left them once signed: candidacies
// and their blocs, sessions, members, assignments, verdicts, decisions,
// outcomes, signed minutes (without their PDF, which is printed on
// request), acquired blocs and certificates, then the indicators'
// projection. It exists for the national-scale demo and for tests that
// need a hand-built history with known figures; it writes no audit rows,
// since no one did these things.
type History struct {
	tx        *sqlx.Tx
	versions  map[string]int64               // certification → current version
	blocks    map[string][]string            // certification → bloc codes in order
	criteria  map[string]map[string][]string // certification → bloc → criteria codes
	jurors    []int64
	persons   map[int]int64  // person key → user id
	acquired  map[int64]int  // user → blocs acquired so far
	certified map[int64]bool // users already certified: never twice
	seq       map[string]int // "CODE-YEAR" → last certificate number
	sessions  []int64        // written, to sign and project at Close
	Counts    map[string]int // rows written per table
	names     map[int64]string
}

// Person is someone who presents candidacies; Key ties several
// candidacies to one person.
type Person struct {
	Key          int
	Name         string
	Organisation int64
}

// PastCandidacy is one candidacy presented at a past session.
type PastCandidacy struct {
	Person   Person
	Pathways map[string]string // bloc → formation | vae | equivalence
	Outcome  jury.Outcome
	// Decisions per bloc (valide / non_valide), for presented candidacies.
	Decisions map[string]string
	// NonAcquis lists, per evaluator (two of them), the criteria each
	// scored `non acquis`, per bloc; every other criterion is `acquis`.
	NonAcquis [2]map[string][]string
	// Dates of the journey; zero ones are derived from the session date.
	CreatedAt, AdmissibilitySubmitted, AdmissibilityDecided, Submitted time.Time
}

// PastSession is one signed session with its candidacies.
type PastSession struct {
	Certification string
	StartsAt      time.Time
	Place         string
	Candidacies   []PastCandidacy
}

// NewHistory prepares a writer in tx: it reads the référentiels and
// creates a pool of jurors (at least three) if the demo has none.
func NewHistory(ctx context.Context, tx *sqlx.Tx) (*History, error) {
	h := &History{tx: tx, versions: map[string]int64{}, blocks: map[string][]string{}, criteria: map[string]map[string][]string{},
		persons: map[int]int64{}, acquired: map[int64]int{}, certified: map[int64]bool{}, seq: map[string]int{}, Counts: map[string]int{}, names: map[int64]string{}}
	var crit []struct {
		Cert, Block, Criterion string
		Version                int64
	}
	if err := tx.SelectContext(ctx, &crit, `SELECT c.code AS cert, b.code AS block, coalesce(cr.code, '') AS criterion, c.current_version_id AS version
		FROM certifications c JOIN blocks b ON b.version_id = c.current_version_id LEFT JOIN criteria cr ON cr.block_id = b.id
		ORDER BY c.code, b.position, cr.position`); err != nil {
		return nil, err
	}
	for _, r := range crit {
		h.versions[r.Cert] = r.Version
		if h.criteria[r.Cert] == nil {
			h.criteria[r.Cert] = map[string][]string{}
		}
		if _, ok := h.criteria[r.Cert][r.Block]; !ok {
			h.blocks[r.Cert] = append(h.blocks[r.Cert], r.Block)
			h.criteria[r.Cert][r.Block] = nil
		}
		if r.Criterion != "" {
			h.criteria[r.Cert][r.Block] = append(h.criteria[r.Cert][r.Block], r.Criterion)
		}
	}
	if err := tx.SelectContext(ctx, &h.jurors, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'jury_member' ORDER BY u.id`); err != nil {
		return nil, err
	}
	for i := len(h.jurors); i < 3; i++ {
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO users (email, full_name) VALUES ($1, $2) RETURNING id`,
			fmt.Sprintf("jure.historique.%d@demo.acquis.fr", i+1), fmt.Sprintf("Juré historique %d", i+1)); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, 'jury_member')`, id); err != nil {
			return nil, err
		}
		h.jurors = append(h.jurors, id)
	}
	var rows []struct {
		ID   int64
		Name string
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT id, full_name AS name FROM users WHERE id = ANY ($1)`, pq.Array(h.jurors)); err != nil {
		return nil, err
	}
	for _, r := range rows {
		h.names[r.ID] = r.Name
	}
	return h, nil
}

// Blocks returns the bloc codes of a certification, in order.
func (h *History) Blocks(cert string) []string { return h.blocks[cert] }

// Criteria returns the criteria codes of one bloc.
func (h *History) Criteria(cert, block string) []string { return h.criteria[cert][block] }

// ids reserves n values of a sequence.
func (h *History) ids(ctx context.Context, seq string, n int) ([]int64, error) {
	var out []int64
	err := h.tx.SelectContext(ctx, &out, `SELECT nextval($1::regclass) FROM generate_series(1, $2)`, seq, n)
	return out, err
}

// copier streams rows of one table through COPY.
type copier struct {
	stmt  *sql.Stmt
	table string
	h     *History
}

func (c *copier) row(ctx context.Context, vals ...any) error {
	c.h.Counts[c.table]++
	_, err := c.stmt.ExecContext(ctx, vals...)
	return err
}

// copyAll writes the rows that rows emits into table through one COPY
// (COPY holds the connection: rows must not query the database).
func (h *History) copyAll(ctx context.Context, table string, columns []string, rows func(emit func(...any) error) error) error {
	st, err := h.tx.PrepareContext(ctx, copyStatement(table, columns))
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	c := &copier{stmt: st, table: table, h: h}
	if err := rows(func(v ...any) error { return c.row(ctx, v...) }); err != nil {
		st.Close()
		return fmt.Errorf("%s: %w", table, err)
	}
	if _, err := st.ExecContext(ctx); err != nil {
		st.Close()
		return fmt.Errorf("%s: %w", table, err)
	}
	return st.Close()
}

// preconisations is what the history's partial successes are told.
const preconisations = "Compléter l'expérience sur les blocs non validés et les présenter à une prochaine session."

// colleges of the three members of every past session, chair first.
var colleges = []string{"professional", "employer_rep", "employee_rep"}

// Write adds a batch of sessions. Call Close once all are written.
func (h *History) Write(ctx context.Context, sessions []PastSession) error {
	// People first: one user per new person key.
	var newPersons []Person
	seen := map[int]bool{}
	n := 0
	for _, s := range sessions {
		n += len(s.Candidacies)
		for _, c := range s.Candidacies {
			if _, ok := h.persons[c.Person.Key]; !ok && !seen[c.Person.Key] {
				seen[c.Person.Key] = true
				newPersons = append(newPersons, c.Person)
			}
		}
	}
	uids, err := h.ids(ctx, "users_id_seq", len(newPersons))
	if err != nil {
		return err
	}
	cids, err := h.ids(ctx, "candidacies_id_seq", n)
	if err != nil {
		return err
	}
	sids, err := h.ids(ctx, "jury_sessions_id_seq", len(sessions))
	if err != nil {
		return err
	}
	for i, p := range newPersons {
		h.persons[p.Key], h.names[uids[i]] = uids[i], p.Name
	}
	// One live candidacy per person and certification (migration 00010):
	// a person's later attempt closes the earlier one, whether written by
	// an earlier batch or earlier in this one.
	type personCert struct {
		uid  int64
		cert string
	}
	lastAttempt := map[personCert]int{}
	var holders []int64
	var holderCerts []string
	k := 0
	for _, s := range sessions {
		for _, c := range s.Candidacies {
			pc := personCert{h.persons[c.Person.Key], s.Certification}
			if _, dup := lastAttempt[pc]; !dup {
				holders, holderCerts = append(holders, pc.uid), append(holderCerts, pc.cert)
			}
			lastAttempt[pc] = k
			k++
		}
	}
	if _, err := h.tx.ExecContext(ctx, `UPDATE candidacies c SET state = 'closed' FROM unnest($1::bigint[], $2::text[]) AS p(uid, cert)
		WHERE c.candidate_id = p.uid AND c.certification_code = p.cert AND c.state NOT IN ('closed', 'withdrawn', 'not_admissible')`,
		pq.Array(holders), pq.Array(holderCerts)); err != nil {
		return err
	}
	stateOf := func(k int, uid int64, cert string) string {
		if lastAttempt[personCert{uid, cert}] == k {
			return "evaluated"
		}
		return "closed"
	}
	each := func(fn func(si int, s PastSession, ci int, cid int64, c PastCandidacy) error) error {
		k := 0
		for si, s := range sessions {
			for ci, c := range s.Candidacies {
				if err := fn(si, s, ci, cids[k], c); err != nil {
					return err
				}
				k++
			}
		}
		return nil
	}
	// member i of session si; member 0 chairs.
	member := func(si, i int) int64 { return h.jurors[(int(sids[si])*3+i)%len(h.jurors)] }
	steps := []struct {
		table string
		cols  []string
		rows  func(emit func(...any) error) error
	}{
		{"users", []string{"id", "email", "full_name", "organisation_id"}, func(emit func(...any) error) error {
			for i, p := range newPersons {
				if err := emit(uids[i], fmt.Sprintf("candidat.%06d@historique.demo.acquis.fr", p.Key), p.Name, nullable(p.Organisation)); err != nil {
					return err
				}
			}
			return nil
		}},
		{"user_roles", []string{"user_id", "role"}, func(emit func(...any) error) error {
			for _, id := range uids {
				if err := emit(id, "candidate"); err != nil {
					return err
				}
			}
			return nil
		}},
		{"candidacies", []string{"id", "candidate_id", "certification_code", "version_id", "organisation_id", "state", "experience_months", "created_at", "state_changed_at",
			"admissibility_submitted_at", "admissibility_due", "admissibility_decided_at", "submitted_at", "locked"}, func(emit func(...any) error) error {
			k := 0
			return each(func(_ int, s PastSession, _ int, cid int64, c PastCandidacy) error {
				created, sub, dec, submitted := c.dates(s.StartsAt)
				uid := h.persons[c.Person.Key]
				k++
				return emit(cid, uid, s.Certification, h.versions[s.Certification], nullable(c.Person.Organisation),
					stateOf(k-1, uid, s.Certification), 36, created, s.StartsAt, sub, sub.AddDate(0, 2, 0), dec, submitted, true)
			})
		}},
		{"candidacy_blocks", []string{"candidacy_id", "block_code", "position", "pathway"}, func(emit func(...any) error) error {
			return each(func(_ int, s PastSession, _ int, cid int64, c PastCandidacy) error {
				for i, b := range h.blocks[s.Certification] {
					if p, ok := c.Pathways[b]; ok {
						if err := emit(cid, b, i+1, p); err != nil {
							return err
						}
					}
				}
				return nil
			})
		}},
		{"jury_sessions", []string{"id", "certification_code", "starts_at", "place", "dossier_deadline", "status", "created_at", "opened_at"}, func(emit func(...any) error) error {
			for i, s := range sessions {
				if err := emit(sids[i], s.Certification, s.StartsAt, s.Place, s.StartsAt.AddDate(0, 0, -21), "deliberating", s.StartsAt.AddDate(0, -2, 0), s.StartsAt.AddDate(0, 0, -14)); err != nil {
					return err
				}
			}
			return nil
		}},
		{"jury_members", []string{"session_id", "user_id", "college", "is_chair"}, func(emit func(...any) error) error {
			for i := range sessions {
				for m, college := range colleges {
					if err := emit(sids[i], member(i, m), college, m == 0); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{"jury_assignments", []string{"session_id", "candidacy_id"}, func(emit func(...any) error) error {
			return each(func(si int, _ PastSession, _ int, cid int64, _ PastCandidacy) error { return emit(sids[si], cid) })
		}},
		{"jury_evaluators", []string{"session_id", "candidacy_id", "evaluator_id", "declared_at", "submitted_at"}, func(emit func(...any) error) error {
			return each(func(si int, s PastSession, ci int, cid int64, _ PastCandidacy) error {
				for e := 0; e < 2; e++ {
					if err := emit(sids[si], cid, evaluator(si, ci, e, member), s.StartsAt.Add(-time.Hour), s.StartsAt.Add(2*time.Hour)); err != nil {
						return err
					}
				}
				return nil
			})
		}},
		{"jury_verdicts", []string{"session_id", "candidacy_id", "evaluator_id", "block_code", "criterion_code", "verdict", "comment", "updated_at"}, func(emit func(...any) error) error {
			return each(func(si int, s PastSession, ci int, cid int64, c PastCandidacy) error {
				if !c.Outcome.Presented() {
					return nil
				}
				for e := 0; e < 2; e++ {
					ev := evaluator(si, ci, e, member)
					for _, b := range h.blocks[s.Certification] {
						if _, ok := c.Pathways[b]; !ok {
							continue
						}
						failing := map[string]bool{}
						for _, code := range c.NonAcquis[e][b] {
							failing[code] = true
						}
						for _, code := range h.criteria[s.Certification][b] {
							verdict, comment := "acquis", ""
							if failing[code] {
								verdict, comment = "non_acquis", "Les éléments du dossier ne démontrent pas ce critère."
							}
							if err := emit(sids[si], cid, ev, b, code, verdict, comment, s.StartsAt.Add(time.Hour)); err != nil {
								return err
							}
						}
					}
				}
				return nil
			})
		}},
		{"jury_block_decisions", []string{"session_id", "candidacy_id", "block_code", "proposal", "decision", "decided_by", "decided_at"}, func(emit func(...any) error) error {
			return each(func(si int, s PastSession, _ int, cid int64, c PastCandidacy) error {
				if !c.Outcome.Presented() {
					return nil
				}
				for _, b := range h.blocks[s.Certification] {
					if d, ok := c.Decisions[b]; ok {
						if err := emit(sids[si], cid, b, d, d, member(si, 0), s.StartsAt.Add(3*time.Hour)); err != nil {
							return err
						}
					}
				}
				return nil
			})
		}},
		{"jury_outcomes", []string{"session_id", "candidacy_id", "outcome", "preconisations", "decided_by", "decided_at"}, func(emit func(...any) error) error {
			return each(func(si int, s PastSession, _ int, cid int64, c PastCandidacy) error {
				return emit(sids[si], cid, string(c.Outcome), c.preconisations(), member(si, 0), s.StartsAt.Add(4*time.Hour))
			})
		}},
	}
	for _, st := range steps {
		if err := h.copyAll(ctx, st.table, st.cols, st.rows); err != nil {
			return err
		}
	}
	return h.sign(ctx, sessions, sids, cids, member)
}

// preconisations are required for a partial success, empty otherwise.
func (c PastCandidacy) preconisations() string {
	if c.Outcome == jury.ReussitePartielle {
		return preconisations
	}
	return ""
}

// evaluator is the member scoring candidacy ci of session si as its e-th
// evaluator: the two members after the chair, rotating.
func evaluator(si, ci, e int, member func(si, i int) int64) int64 {
	return member(si, 1+(ci+e)%2)
}

// sign writes the minutes, the acquired blocs and the certificates of a
// batch, sessions in date order so that blocs acquired at one session
// count for the certificates of later ones.
func (h *History) sign(ctx context.Context, sessions []PastSession, sids, cids []int64, member func(int, int) int64) error {
	// Certificate numbers continue each certification's yearly sequence;
	// read before COPY starts, which holds the connection.
	for _, s := range sessions {
		key := s.Certification + "-" + strconv.Itoa(s.StartsAt.Year())
		if _, ok := h.seq[key]; !ok {
			var n int
			if err := h.tx.GetContext(ctx, &n, `SELECT count(*) FROM certificates WHERE certification_code = $1 AND extract(year FROM awarded_on) = $2`,
				s.Certification, s.StartsAt.Year()); err != nil {
				return err
			}
			h.seq[key] = n
		}
	}
	type award struct {
		user   int64
		cert   string
		block  string
		on     time.Time
		source string
	}
	var acquired []award
	type certificate struct {
		user   int64
		cert   string
		number string
		on     time.Time
		cid    int64
	}
	var certs []certificate
	order := make([]int, len(sessions))
	first := make([]int, len(sessions)) // index in cids of each session's first candidacy
	for i, k := 0, 0; i < len(sessions); i++ {
		order[i], first[i] = i, k
		k += len(sessions[i].Candidacies)
	}
	sort.SliceStable(order, func(a, b int) bool { return sessions[order[a]].StartsAt.Before(sessions[order[b]].StartsAt) })
	err := h.copyAll(ctx, "jury_minutes", []string{"session_id", "version", "content", "sha256", "signed_by", "signed_at"}, func(emit func(...any) error) error {
		for _, si := range order {
			s := sessions[si]
			m := &jury.MinutesContent{SessionID: sids[si], Certifier: "CFEA", CertificationCode: s.Certification, CertificationTitle: s.Certification,
				StartsAt: s.StartsAt, Place: s.Place, Version: 1, SignedBy: h.names[member(si, 0)], SignedAt: s.StartsAt.Add(5 * time.Hour)}
			for i, college := range colleges {
				m.Members = append(m.Members, jury.MinutesMember{UserID: member(si, i), Name: h.names[member(si, i)], College: college, Chair: i == 0})
			}
			for ci, c := range s.Candidacies {
				cid, uid := cids[first[si]+ci], h.persons[c.Person.Key]
				line := jury.MinutesLine{CandidacyID: cid, CandidateID: uid, CandidateName: c.Person.Name, Outcome: c.Outcome, Preconisations: c.preconisations()}
				for _, b := range h.blocks[s.Certification] {
					d, ok := c.Decisions[b]
					if !ok || !c.Outcome.Presented() {
						continue
					}
					line.Decisions = append(line.Decisions, jury.BlockDecision{CandidacyID: cid, BlockCode: b, Proposal: d, Decision: d})
					if d == jury.Valide {
						acquired = append(acquired, award{uid, s.Certification, b, s.StartsAt, "jury_session:" + strconv.FormatInt(sids[si], 10)})
						h.acquired[uid]++
					}
				}
				if c.Outcome.Presented() && !h.certified[uid] && h.acquired[uid] == len(h.blocks[s.Certification]) {
					y := s.StartsAt.Year()
					key := s.Certification + "-" + strconv.Itoa(y)
					h.seq[key]++
					certs = append(certs, certificate{uid, s.Certification, portfolio.CertificateNumber(s.Certification, y, h.seq[key]), s.StartsAt, cid})
					h.certified[uid] = true
				}
				m.Candidates = append(m.Candidates, line)
			}
			raw, sum, err := m.Seal()
			if err != nil {
				return err
			}
			if err := emit(sids[si], 1, string(raw), sum, member(si, 0), m.SignedAt); err != nil {
				return err
			}
			h.sessions = append(h.sessions, sids[si])
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := h.copyAll(ctx, "acquired_blocks", []string{"user_id", "certification_code", "block_code", "acquired_on", "how", "source"}, func(emit func(...any) error) error {
		for _, a := range acquired {
			if err := emit(a.user, a.cert, a.block, a.on, "jury", a.source); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return h.copyAll(ctx, "certificates", []string{"user_id", "certification_code", "number", "awarded_on", "candidacy_id"}, func(emit func(...any) error) error {
		for _, c := range certs {
			if err := emit(c.user, c.cert, c.number, c.on, c.cid); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close signs every session written and builds the indicators'
// projection for them.
func (h *History) Close(ctx context.Context) error {
	// Statistics first: the rows written in this transaction are invisible
	// to autovacuum, and project_results would otherwise be planned for
	// empty tables (sequential scans of millions of verdicts, per session).
	if _, err := h.tx.ExecContext(ctx, `ANALYZE candidacies, candidacy_blocks, jury_sessions, jury_minutes, jury_verdicts, results, block_results`); err != nil {
		return err
	}
	if _, err := h.tx.ExecContext(ctx, `UPDATE jury_sessions SET status = 'signed', signed_at = starts_at + interval '5 hours',
		signed_by = (SELECT user_id FROM jury_members m WHERE m.session_id = jury_sessions.id AND m.is_chair) WHERE id = ANY ($1)`, pq.Array(h.sessions)); err != nil {
		return err
	}
	_, err := h.tx.ExecContext(ctx, `SELECT project_results($1::bigint[])`, pq.Array(h.sessions))
	return err
}

// dates fills the journey's dates that were left zero, counted back from
// the session.
func (c PastCandidacy) dates(session time.Time) (created, sub, dec, submitted time.Time) {
	created, sub, dec, submitted = c.CreatedAt, c.AdmissibilitySubmitted, c.AdmissibilityDecided, c.Submitted
	if submitted.IsZero() {
		submitted = session.AddDate(0, 0, -30)
	}
	if dec.IsZero() {
		dec = submitted.AddDate(0, -4, 0)
	}
	if sub.IsZero() {
		sub = dec.AddDate(0, 0, -30)
	}
	if created.IsZero() {
		created = sub.AddDate(0, 0, -7)
	}
	return
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// copyStatement is the COPY … FROM STDIN that lib/pq turns into a bulk load
// when it is prepared inside a transaction.
func copyStatement(table string, columns []string) string {
	quoted := make([]string, len(columns))
	for i, c := range columns {
		quoted[i] = pq.QuoteIdentifier(c)
	}
	return "COPY " + pq.QuoteIdentifier(table) + " (" + strings.Join(quoted, ", ") + ") FROM STDIN"
}
