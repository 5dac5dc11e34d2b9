package jury

import (
	"context"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// Decision values.
const (
	Valide    = "valide"
	NonValide = "non_valide"
	Egalite   = "egalite" // proposal only: the evaluators' grids are evenly split
)

// DecisionLabel says a proposal or decision in French.
func DecisionLabel(d string) string {
	switch d {
	case Valide:
		return "validé"
	case NonValide:
		return "non validé"
	case Egalite:
		return "partage égal des grilles"
	}
	return d
}

// Outcome is a candidacy's result, in France VAE's vocabulary.
type Outcome string

// The outcomes.
const (
	ReussiteTotale    Outcome = "reussite_totale"
	ReussitePartielle Outcome = "reussite_partielle"
	NonValidation     Outcome = "non_validation"
	Absent            Outcome = "absent"
	Excuse            Outcome = "excuse"
)

// Outcomes lists them in the order forms show them.
var Outcomes = []Outcome{ReussiteTotale, ReussitePartielle, NonValidation, Absent, Excuse}

// Label is the outcome in French.
func (o Outcome) Label() string {
	switch o {
	case ReussiteTotale:
		return "Réussite totale"
	case ReussitePartielle:
		return "Réussite partielle"
	case NonValidation:
		return "Non validation"
	case Absent:
		return "Candidat absent"
	case Excuse:
		return "Candidat excusé sur justificatif"
	}
	return string(o)
}

// Presented reports whether the candidate was presented to the jury (the
// certification rate's denominator leaves out absent and excused).
func (o Outcome) Presented() bool { return o != Absent && o != Excuse }

// BlockTally is the proposal for one bloc and what it rests on.
type BlockTally struct {
	BlockCode  string `json:"block_code"`
	Evaluators int    `json:"evaluators"`
	AllAcquis  int    `json:"all_acquis"` // evaluators who marked every criterion acquis
	Proposal   string `json:"proposal"`
}

// Propose computes, for each targeted bloc, the system's proposal: validé
// when a majority of evaluators marked every criterion of the bloc acquis,
// non validé otherwise, and a tie left to the chair.
func Propose(blocks []string, criteriaPerBlock map[string][]string, evaluators []int64, verdicts []Verdict) []BlockTally {
	marks := map[int64]map[string]string{}
	for _, v := range verdicts {
		if marks[v.EvaluatorID] == nil {
			marks[v.EvaluatorID] = map[string]string{}
		}
		marks[v.EvaluatorID][v.CriterionCode] = v.Verdict
	}
	var out []BlockTally
	for _, b := range blocks {
		t := BlockTally{BlockCode: b, Evaluators: len(evaluators)}
		for _, e := range evaluators {
			all := len(criteriaPerBlock[b]) > 0
			for _, cr := range criteriaPerBlock[b] {
				if marks[e][cr] != Acquis {
					all = false
					break
				}
			}
			if all {
				t.AllAcquis++
			}
		}
		switch {
		case 2*t.AllAcquis > t.Evaluators:
			t.Proposal = Valide
		case 2*t.AllAcquis == t.Evaluators && t.Evaluators > 0:
			t.Proposal = Egalite
		default:
			t.Proposal = NonValide
		}
		out = append(out, t)
	}
	return out
}

// countedGrid says, on jury_evaluators e, which grids count: handed in,
// not left out, from a member not in conflict. A draft never counts.
const countedGrid = `e.submitted_at IS NOT NULL AND e.left_out_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM jury_conflicts k WHERE k.session_id = e.session_id AND k.candidacy_id = e.candidacy_id AND k.user_id = e.evaluator_id)`

// Tally computes the proposals of one candidacy from the counted grids.
func (s *Store) Tally(ctx context.Context, q sqlx.QueryerContext, sessionID, candidacyID int64) ([]BlockTally, error) {
	var rows []struct {
		Block     string `db:"block_code"`
		Criterion string `db:"criterion_code"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT b.code AS block_code, cr.code AS criterion_code FROM candidacies c
		JOIN candidacy_blocks cb ON cb.candidacy_id = c.id
		JOIN blocks b ON b.version_id = c.version_id AND b.code = cb.block_code
		JOIN criteria cr ON cr.block_id = b.id
		WHERE c.id = $1 ORDER BY cb.position, cr.position`, candidacyID); err != nil {
		return nil, err
	}
	var blocks []string
	crit := map[string][]string{}
	for _, r := range rows {
		if len(crit[r.Block]) == 0 {
			blocks = append(blocks, r.Block)
		}
		crit[r.Block] = append(crit[r.Block], r.Criterion)
	}
	var evs []int64
	if err := sqlx.SelectContext(ctx, q, &evs, `SELECT e.evaluator_id FROM jury_evaluators e WHERE e.session_id = $1 AND e.candidacy_id = $2 AND `+countedGrid, sessionID, candidacyID); err != nil {
		return nil, err
	}
	var vs []Verdict
	if err := sqlx.SelectContext(ctx, q, &vs, `SELECT v.evaluator_id, '' AS full_name, v.block_code, v.criterion_code, v.verdict, v.comment, v.updated_at
		FROM jury_verdicts v JOIN jury_evaluators e USING (session_id, candidacy_id, evaluator_id)
		WHERE v.session_id = $1 AND v.candidacy_id = $2 AND `+countedGrid, sessionID, candidacyID); err != nil {
		return nil, err
	}
	return Propose(blocks, crit, evs, vs), nil
}

// BlockDecision is the jury's decision on one bloc.
type BlockDecision struct {
	CandidacyID int64  `db:"candidacy_id" json:"candidacy_id"`
	BlockCode   string `db:"block_code" json:"block_code"`
	Proposal    string `db:"proposal" json:"proposal"`
	Decision    string `db:"decision" json:"decision"`
	Reason      string `db:"reason" json:"reason,omitempty"`
	// The votes of the members present and whether the president's
	// casting vote settled an equal split (absent from minutes signed
	// before votes were recorded).
	VotesValide    int  `db:"votes_valide" json:"votes_valide,omitempty"`
	VotesNonValide int  `db:"votes_non_valide" json:"votes_non_valide,omitempty"`
	CastingVote    bool `db:"casting_vote" json:"casting_vote,omitempty"`
	// Amended says an amendment changed the decision after signing.
	Amended bool `db:"-" json:"amended,omitempty"`
}

// chairDeliberating checks that the actor chairs a session that
// deliberates, on or after its date, and share-locks the session.
func (s *Store) chairDeliberating(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, sessionID int64) error {
	if err := deliberating(ctx, tx, sessionID); err != nil {
		return err
	}
	var chair bool
	if err := tx.GetContext(ctx, &chair, `SELECT EXISTS (SELECT 1 FROM jury_members WHERE session_id = $1 AND user_id = $2 AND is_chair)`, sessionID, actor.UserID); err != nil {
		return err
	}
	if !chair {
		return invalid("status", "Seule la présidence du jury enregistre les décisions.")
	}
	return nil
}

// SetOutcome records a candidacy's outcome, confirmed by the president.
// For a candidate presented, the outcome is derived from the bloc
// decisions (every bloc validated: total success; some: partial, with
// préconisations; none: non-validation): pass "" to take it, or the same
// value; anything else is refused. Absent and excused stand apart.
func (s *Store) SetOutcome(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64, outcome Outcome, preconisations string) error {
	valid := outcome == ""
	for _, o := range Outcomes {
		valid = valid || o == outcome
	}
	if !valid {
		return invalid("outcome", "Résultat inconnu.")
	}
	preconisations = strings.TrimSpace(preconisations)
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := s.chairDeliberating(ctx, tx, actor, sessionID); err != nil {
			return err
		}
		if outcome.Presented() {
			derived := outcome == ""
			var c struct {
				Targeted  int `db:"targeted"`
				Decided   int `db:"decided"`
				Validated int `db:"validated"`
			}
			if err := tx.GetContext(ctx, &c, `SELECT
				(SELECT count(*) FROM candidacy_blocks WHERE candidacy_id = $2) AS targeted,
				(SELECT count(*) FROM jury_block_decisions WHERE session_id = $1 AND candidacy_id = $2) AS decided,
				(SELECT count(*) FROM jury_block_decisions WHERE session_id = $1 AND candidacy_id = $2 AND decision = 'valide') AS validated`,
				sessionID, candidacyID); err != nil {
				return err
			}
			if c.Decided < c.Targeted {
				return invalid("outcome", "Décidez d'abord chacun des %d blocs évalués (%d décidé(s)).", c.Targeted, c.Decided)
			}
			want := DeriveOutcome(c.Targeted, c.Validated)
			if derived {
				outcome = want
			}
			if outcome != want {
				return invalid("outcome", "Avec %d bloc(s) validé(s) sur %d, le résultat est « %s ».", c.Validated, c.Targeted, want.Label())
			}
		}
		precos, err := checkPreconisations(outcome, preconisations)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_outcomes (session_id, candidacy_id, outcome, preconisations, decided_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (session_id, candidacy_id) DO UPDATE SET outcome = EXCLUDED.outcome, preconisations = EXCLUDED.preconisations,
			decided_by = EXCLUDED.decided_by, decided_at = now()`, sessionID, candidacyID, outcome, precos, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.outcome", "candidacy", strconv.FormatInt(candidacyID, 10),
			map[string]any{"session_id": sessionID, "outcome": outcome, "preconisations": precos}))
	})
}

// DeriveOutcome is the outcome of a candidate presented to the jury with
// validated blocs out of targeted.
func DeriveOutcome(targeted, validated int) Outcome {
	switch {
	case targeted > 0 && validated == targeted:
		return ReussiteTotale
	case validated > 0:
		return ReussitePartielle
	}
	return NonValidation
}

// checkPreconisations returns the préconisations an outcome keeps: they
// are required for a partial success, allowed for a non-validation (what
// to work on before coming back), and have no place otherwise.
func checkPreconisations(o Outcome, p string) (string, error) {
	switch o {
	case ReussitePartielle:
		if p == "" {
			return "", invalid("preconisations", "Pour une réussite partielle, écrivez les préconisations : ce que le candidat doit travailler.")
		}
		return p, nil
	case NonValidation:
		return p, nil
	}
	return "", nil
}
