package jury

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// deliberating share-locks a session and checks that it deliberates and
// that its date has come: no vote, decision or signature before the
// session's start time.
func deliberating(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	st, err := lockUnsigned(ctx, tx, sessionID, "SHARE")
	if err != nil {
		return err
	}
	if st != Deliberating {
		return invalid("status", "La session n'est pas en délibération.")
	}
	return notBeforeDate(ctx, tx, sessionID)
}

// notBeforeDate refuses an act of the deliberation before the session's
// start time (the database's clock).
func notBeforeDate(ctx context.Context, tx *sqlx.Tx, sessionID int64) error {
	var row struct {
		Started  bool      `db:"started"`
		StartsAt time.Time `db:"starts_at"`
	}
	if err := tx.GetContext(ctx, &row, `SELECT starts_at <= now() AS started, starts_at FROM jury_sessions WHERE id = $1`, sessionID); err != nil {
		return err
	}
	if !row.Started {
		return invalid("status", "La session a lieu le %s : la délibération et la signature ne sont possibles qu'à partir de cette date.",
			row.StartsAt.In(sessionZone).Format("02/01/2006 à 15h04"))
	}
	return nil
}

// UnfinishedGrid is an evaluator's grid not handed in.
type UnfinishedGrid struct {
	CandidacyID   int64  `db:"candidacy_id" json:"candidacy_id"`
	CandidateName string `db:"candidate_name" json:"candidate_name"`
	EvaluatorID   int64  `db:"evaluator_id" json:"evaluator_id"`
	EvaluatorName string `db:"evaluator_name" json:"evaluator_name"`
	Marked        int    `db:"marked" json:"marked"` // criteria marked so far (a draft: never counted)
}

// UnfinishedGrids lists the grids not handed in, which opening the
// deliberation leaves out once the certifier confirms it.
func (s *Store) UnfinishedGrids(ctx context.Context, sessionID int64) ([]UnfinishedGrid, error) {
	return unfinishedGrids(ctx, s.db, sessionID)
}

func unfinishedGrids(ctx context.Context, q sqlx.QueryerContext, sessionID int64) ([]UnfinishedGrid, error) {
	var out []UnfinishedGrid
	err := sqlx.SelectContext(ctx, q, &out, `SELECT e.candidacy_id, cu.full_name AS candidate_name, e.evaluator_id, u.full_name AS evaluator_name,
		(SELECT count(*) FROM jury_verdicts v WHERE v.session_id = e.session_id AND v.candidacy_id = e.candidacy_id AND v.evaluator_id = e.evaluator_id) AS marked
		FROM jury_evaluators e JOIN users u ON u.id = e.evaluator_id
		JOIN candidacies c ON c.id = e.candidacy_id JOIN users cu ON cu.id = c.candidate_id
		WHERE e.session_id = $1 AND e.submitted_at IS NULL AND e.left_out_at IS NULL
		ORDER BY cu.full_name, e.candidacy_id, u.full_name`, sessionID)
	return out, err
}

// GridRef names one evaluator's grid for one candidacy.
type GridRef struct {
	CandidacyID int64 `json:"candidacy_id"`
	EvaluatorID int64 `json:"evaluator_id"`
}

// Opening is what the certifier confirms to open the deliberation: who
// is present, and which unfinished grids are left out, and why.
type Opening struct {
	Present []int64   `json:"present"`
	LeftOut []GridRef `json:"left_out"`
	Reason  string    `json:"reason"`
}

// StartDeliberation closes scoring and opens the deliberation, on or
// after the session's date. Every grid not handed in must be confirmed as
// left out (with a reason, which the minutes carry): it counts for nothing
// and its evaluator takes no part in that candidate's deliberation. The
// attendance is recorded: only members present vote, and the president
// must be present (the casting vote is theirs).
func (s *Store) StartDeliberation(ctx context.Context, actor audit.Actor, sessionID int64, o Opening) error {
	o.Reason = strings.TrimSpace(o.Reason)
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		st, err := lockUnsigned(ctx, tx, sessionID, "UPDATE")
		if err != nil {
			return err
		}
		if st != Open {
			return invalid("status", "La session est « %s » : impossible d'ouvrir la délibération.", st.Label())
		}
		if err := notBeforeDate(ctx, tx, sessionID); err != nil {
			return err
		}
		unfinished, err := unfinishedGrids(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		confirmed := map[GridRef]bool{}
		for _, g := range o.LeftOut {
			confirmed[g] = true
		}
		var missing []string
		for _, g := range unfinished {
			ref := GridRef{g.CandidacyID, g.EvaluatorID}
			if !confirmed[ref] {
				missing = append(missing, g.EvaluatorName+" pour "+g.CandidateName)
			}
			delete(confirmed, ref)
		}
		if len(missing) > 0 {
			return invalid("left_out", "Grille(s) non remise(s) : %s. Confirmez qu'elles sont laissées de côté, ou attendez-les.", strings.Join(missing, " ; "))
		}
		if len(confirmed) > 0 {
			return invalid("left_out", "Seule une grille non remise peut être laissée de côté.")
		}
		if len(o.LeftOut) > 0 && o.Reason == "" {
			return invalid("reason", "Dites pourquoi ces grilles sont laissées de côté : le motif figure au procès-verbal et l'évaluateur le lit.")
		}
		var members []struct {
			UserID int64 `db:"user_id"`
			Chair  bool  `db:"is_chair"`
		}
		if err := tx.SelectContext(ctx, &members, `SELECT user_id, is_chair FROM jury_members WHERE session_id = $1`, sessionID); err != nil {
			return err
		}
		present := map[int64]bool{}
		for _, id := range o.Present {
			present[id] = true
		}
		n := 0
		for _, m := range members {
			if present[m.UserID] {
				n++
				delete(present, m.UserID)
			} else if m.Chair {
				return invalid("present", "La présidence du jury doit être présente à la délibération : sa voix départage les égalités.")
			}
		}
		if len(present) > 0 {
			return invalid("present", "Seuls les membres de la session peuvent être présents.")
		}
		if n < 2 {
			return invalid("present", "Le jury délibère à deux membres présents au moins.")
		}
		for _, m := range members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO jury_attendance (session_id, user_id, present) VALUES ($1, $2, $3)
				ON CONFLICT (session_id, user_id) DO UPDATE SET present = EXCLUDED.present`, sessionID, m.UserID, contains(o.Present, m.UserID)); err != nil {
				return err
			}
		}
		for _, g := range o.LeftOut {
			if _, err := tx.ExecContext(ctx, `UPDATE jury_evaluators SET left_out_at = now(), left_out_reason = $4
				WHERE session_id = $1 AND candidacy_id = $2 AND evaluator_id = $3`, sessionID, g.CandidacyID, g.EvaluatorID, o.Reason); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, actor.Entry("jury.deliberation_opened", "jury_session", strconv.FormatInt(sessionID, 10), o)); err != nil {
			return err
		}
		if err := setStatus(ctx, tx, actor, sessionID, Open, Deliberating); err != nil {
			return err
		}
		// Every member is told the deliberation is open, in the same
		// transaction: no notice for an opening that rolled back.
		return notifyDeliberation(ctx, tx, sessionID)
	})
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Vote records a member's vote on one bloc of one candidate. Only a
// member taking part in that candidate's deliberation votes (present,
// declared, not in conflict, not left out); once the president has
// recorded the bloc's decision, the vote is closed.
func (s *Store) Vote(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64, block, vote string) error {
	if vote != Valide && vote != NonValide {
		return invalid("vote", "Votez « validé » ou « non validé ».")
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := deliberating(ctx, tx, sessionID); err != nil {
			return err
		}
		a, err := accessOf(ctx, tx, sessionID, candidacyID, actor.UserID)
		if err != nil {
			return err
		}
		if err := mayVote(a); err != nil {
			return err
		}
		var st struct {
			Targeted bool `db:"targeted"`
			Decided  bool `db:"decided"`
		}
		if err := tx.GetContext(ctx, &st, `SELECT
			EXISTS (SELECT 1 FROM candidacy_blocks WHERE candidacy_id = $2 AND block_code = $3) AS targeted,
			EXISTS (SELECT 1 FROM jury_block_decisions WHERE session_id = $1 AND candidacy_id = $2 AND block_code = $3) AS decided`,
			sessionID, candidacyID, block); err != nil {
			return err
		}
		if !st.Targeted {
			return invalid("vote", "Ce bloc n'est pas évalué pour ce candidat.")
		}
		if st.Decided {
			return invalid("vote", "La décision sur le bloc %s est enregistrée : le vote est clos.", block)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_votes (session_id, candidacy_id, block_code, user_id, vote) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (session_id, candidacy_id, block_code, user_id) DO UPDATE SET vote = EXCLUDED.vote, voted_at = now()`,
			sessionID, candidacyID, block, actor.UserID, vote); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.vote", "candidacy", strconv.FormatInt(candidacyID, 10),
			map[string]any{"session_id": sessionID, "block": block, "vote": vote}))
	})
}

// mayVote says, in French, why a member does not take part.
func mayVote(a Access) error {
	switch {
	case !a.Member:
		return invalid("vote", "Vous ne siégez pas à ce jury.")
	case a.Recused():
		return invalid("vote", "Vous ne prenez pas part à la délibération de ce candidat : %s.", ConflictLabel(a.Conflict))
	case a.LeftOut:
		return invalid("vote", "Votre grille n'était pas remise à l'ouverture de la délibération : elle a été laissée de côté (%s) et vous ne prenez pas part à la délibération de ce candidat.", a.LeftOutReason)
	case !a.Declared:
		return invalid("vote", "Signez d'abord la déclaration d'absence de conflit d'intérêts pour ce candidat.")
	case a.Present == nil || !*a.Present:
		return invalid("vote", "Vous n'êtes pas inscrit·e comme présent·e à la délibération : un membre absent ne vote pas.")
	}
	return nil
}

// Voter is a member taking part in one candidate's deliberation.
type Voter struct {
	UserID int64  `db:"user_id" json:"user_id"`
	Name   string `db:"full_name" json:"name"`
	Chair  bool   `db:"is_chair" json:"chair"`
}

// votersQuery lists, for session $1 and candidacy $2, the members who
// vote: present, declared, not in conflict, and, for an evaluator, with a
// grid that counts.
const votersQuery = `SELECT m.user_id, u.full_name, m.is_chair FROM jury_members m JOIN users u ON u.id = m.user_id
	JOIN jury_attendance att ON att.session_id = m.session_id AND att.user_id = m.user_id AND att.present
	JOIN jury_declarations d ON d.session_id = m.session_id AND d.candidacy_id = $2 AND d.user_id = m.user_id AND NOT d.conflict
	LEFT JOIN jury_evaluators e ON e.session_id = m.session_id AND e.candidacy_id = $2 AND e.evaluator_id = m.user_id
	WHERE m.session_id = $1 AND (e.evaluator_id IS NULL OR (e.submitted_at IS NOT NULL AND e.left_out_at IS NULL))
	AND NOT EXISTS (SELECT 1 FROM jury_conflicts k WHERE k.session_id = m.session_id AND k.candidacy_id = $2 AND k.user_id = m.user_id)
	ORDER BY m.is_chair DESC, u.full_name, m.user_id`

// Count applies art. D6412-6 of the code du travail to the votes of the
// members taking part (user → vote): the majority decides; on an equal
// split, the president's vote does (casting is then true). If the
// president takes no part (in conflict for this candidate), an equal
// split is no majority for validating: the bloc is not validated.
func Count(votes map[int64]string, chairID int64) (decision string, valide, nonValide int, casting bool) {
	for _, v := range votes {
		if v == Valide {
			valide++
		} else {
			nonValide++
		}
	}
	switch {
	case valide > nonValide:
		return Valide, valide, nonValide, false
	case nonValide > valide:
		return NonValide, valide, nonValide, false
	}
	if v, ok := votes[chairID]; ok {
		return v, valide, nonValide, true
	}
	return NonValide, valide, nonValide, false
}

// Decide records the jury's decision on a bloc, once every member taking
// part has voted: the president closes the vote and the count decides.
// A decision that departs from the evaluators' proposal needs the jury's
// written reason. Any outcome already confirmed for the candidate is
// withdrawn, since it rested on the previous decision.
func (s *Store) Decide(ctx context.Context, actor audit.Actor, sessionID, candidacyID int64, block, reason string) error {
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
		var voters []Voter
		if err := tx.SelectContext(ctx, &voters, votersQuery, sessionID, candidacyID); err != nil {
			return err
		}
		var votes []struct {
			UserID int64  `db:"user_id"`
			Vote   string `db:"vote"`
		}
		if err := tx.SelectContext(ctx, &votes, `SELECT user_id, vote FROM jury_votes WHERE session_id = $1 AND candidacy_id = $2 AND block_code = $3`,
			sessionID, candidacyID, block); err != nil {
			return err
		}
		cast := map[int64]string{}
		for _, v := range votes {
			cast[v.UserID] = v.Vote
		}
		counted := map[int64]string{}
		var chairID int64
		var waiting []string
		for _, v := range voters {
			if v.Chair {
				chairID = v.UserID
			}
			if vote, ok := cast[v.UserID]; ok {
				counted[v.UserID] = vote
			} else {
				waiting = append(waiting, v.Name)
			}
		}
		if len(voters) == 0 {
			return invalid("decision", "Aucun membre présent ne prend part à la délibération de ce candidat.")
		}
		if len(waiting) > 0 {
			sort.Strings(waiting)
			return invalid("decision", "Le vote sur %s n'est pas complet : il manque %s.", block, strings.Join(waiting, ", "))
		}
		decision, yes, no, casting := Count(counted, chairID)
		if t.Proposal != Egalite && t.Proposal != decision && reason == "" {
			if chairID == 0 {
				// A president in conflict closes the vote without seeing
				// the grids: the message names neither.
				return invalid("reason_"+block, "La décision du jury s'écarte de la proposition des évaluateurs : les membres qui ont délibéré en donnent la raison, à écrire ici.")
			}
			return invalid("reason_"+block, "La décision du jury (%s) s'écarte de la proposition des évaluateurs (%s) : écrivez la raison du jury.",
				DecisionLabel(decision), DecisionLabel(t.Proposal))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_block_decisions (session_id, candidacy_id, block_code, proposal, decision, reason, decided_by,
			votes_valide, votes_non_valide, casting_vote)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (session_id, candidacy_id, block_code) DO UPDATE SET proposal = EXCLUDED.proposal, decision = EXCLUDED.decision,
			reason = EXCLUDED.reason, decided_by = EXCLUDED.decided_by, decided_at = now(),
			votes_valide = EXCLUDED.votes_valide, votes_non_valide = EXCLUDED.votes_non_valide, casting_vote = EXCLUDED.casting_vote`,
			sessionID, candidacyID, block, t.Proposal, decision, reason, actor.UserID, yes, no, casting); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM jury_outcomes WHERE session_id = $1 AND candidacy_id = $2`, sessionID, candidacyID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.block_decision", "candidacy", strconv.FormatInt(candidacyID, 10),
			map[string]any{"session_id": sessionID, "block": block, "proposal": t.Proposal, "decision": decision, "reason": reason,
				"votes_valide": yes, "votes_non_valide": no, "casting_vote": casting}))
	})
}
