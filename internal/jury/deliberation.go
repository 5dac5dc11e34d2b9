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
	Egalite   = "egalite" // proposal only: the chair's casting vote decides
)

// DecisionLabel says a proposal or decision in French.
func DecisionLabel(d string) string {
	switch d {
	case Valide:
		return "validé"
	case NonValide:
		return "non validé"
	case Egalite:
		return "égalité : voix du président"
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

// Tally computes the proposals of one candidacy from the stored verdicts.
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
	if err := sqlx.SelectContext(ctx, q, &evs, `SELECT evaluator_id FROM jury_evaluators WHERE session_id = $1 AND candidacy_id = $2`, sessionID, candidacyID); err != nil {
		return nil, err
	}
	var vs []Verdict
	if err := sqlx.SelectContext(ctx, q, &vs, `SELECT v.evaluator_id, '' AS full_name, v.block_code, v.criterion_code, v.verdict, v.comment, v.updated_at
		FROM jury_verdicts v WHERE v.session_id = $1 AND v.candidacy_id = $2`, sessionID, candidacyID); err != nil {
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
}

// Decide records the jury's decision on a bloc, recorded by the chair. A
// decision that departs from the proposal needs a written reason; a tie is
// the chair's to settle.
func (s *Store) Decide(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64, block, decision, reason string) error {
	if decision != Valide && decision != NonValide {
		return invalid("decision", "Choisissez « validé » ou « non validé ».")
	}
	reason = strings.TrimSpace(reason)
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := s.chairDeliberating(ctx, tx, actor, sessionID); err != nil {
			return err
		}
		tallies, err := s.Tally(ctx, tx, sessionID, candidacyID)
		if err != nil {
			return err
		}
		var t *BlockTally
		for i := range tallies {
			if tallies[i].BlockCode == block {
				t = &tallies[i]
			}
		}
		if t == nil {
			return invalid("decision", "Ce bloc n'est pas évalué pour ce candidat.")
		}
		if t.Proposal != Egalite && t.Proposal != decision && reason == "" {
			return invalid("reason_"+block, "La décision s'écarte de la proposition (%s) : écrivez-en la raison.", DecisionLabel(t.Proposal))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_block_decisions (session_id, candidacy_id, block_code, proposal, decision, reason, decided_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (session_id, candidacy_id, block_code) DO UPDATE SET proposal = EXCLUDED.proposal, decision = EXCLUDED.decision,
			reason = EXCLUDED.reason, decided_by = EXCLUDED.decided_by, decided_at = now()`,
			sessionID, candidacyID, block, t.Proposal, decision, reason, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.block_decision", "candidacy", strconv.FormatInt(candidacyID, 10),
			map[string]any{"session_id": sessionID, "block": block, "proposal": t.Proposal, "decision": decision, "reason": reason}))
	})
}

// chairDeliberating checks that the actor chairs a session that
// deliberates, and locks the session row.
func (s *Store) chairDeliberating(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, sessionID int64) error {
	st, err := lockSession(ctx, tx, sessionID, "SHARE")
	if err != nil {
		return err
	}
	if st == Signed {
		return ErrSigned
	}
	if st != Deliberating {
		return invalid("status", "La session n'est pas en délibération.")
	}
	var chair bool
	if err := tx.GetContext(ctx, &chair, `SELECT EXISTS (SELECT 1 FROM jury_members WHERE session_id = $1 AND user_id = $2 AND is_chair)`, sessionID, actor.UserID); err != nil {
		return err
	}
	if !chair {
		return invalid("status", "Seul le président du jury enregistre les décisions.")
	}
	return nil
}

// SetOutcome records a candidacy's outcome, which must agree with the
// bloc decisions: all validated is a total success, some a partial one
// (with préconisations), none a non-validation; absent and excused stand
// apart.
func (s *Store) SetOutcome(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64, outcome Outcome, preconisations string) error {
	valid := false
	for _, o := range Outcomes {
		valid = valid || o == outcome
	}
	if !valid {
		return invalid("outcome", "Résultat inconnu.")
	}
	preconisations = strings.TrimSpace(preconisations)
	if outcome == ReussitePartielle && preconisations == "" {
		return invalid("preconisations", "Pour une réussite partielle, écrivez les préconisations : ce que le candidat doit travailler.")
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := s.chairDeliberating(ctx, tx, actor, sessionID); err != nil {
			return err
		}
		if outcome.Presented() {
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
			want := NonValidation
			switch {
			case c.Validated == c.Targeted:
				want = ReussiteTotale
			case c.Validated > 0:
				want = ReussitePartielle
			}
			if outcome != want {
				return invalid("outcome", "Avec %d bloc(s) validé(s) sur %d, le résultat est « %s ».", c.Validated, c.Targeted, want.Label())
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_outcomes (session_id, candidacy_id, outcome, preconisations, decided_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (session_id, candidacy_id) DO UPDATE SET outcome = EXCLUDED.outcome, preconisations = EXCLUDED.preconisations,
			decided_by = EXCLUDED.decided_by, decided_at = now()`, sessionID, candidacyID, outcome, preconisations, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.outcome", "candidacy", strconv.FormatInt(candidacyID, 10),
			map[string]any{"session_id": sessionID, "outcome": outcome, "preconisations": preconisations}))
	})
}
