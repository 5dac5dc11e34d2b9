package jury

import (
	"context"
	"encoding/json"

	"acquis/internal/referentiel"
)

// Board is the deliberation of a whole session as one viewer may see it:
// for each candidate, what the blind rule lets them see of the grids, the
// votes and the decisions. It is read in two set-based queries whatever
// the number of candidates (BENCHMARKS.md), never one per candidate.
type Board struct {
	Status Status
	// MinutesVersions is how many signed versions of the minutes exist.
	MinutesVersions int
	Members         []BoardMember
	Lines           []BoardLine
}

// ChairedBy reports whether userID holds the session's presidency.
func (b *Board) ChairedBy(userID int64) bool {
	for _, m := range b.Members {
		if m.Chair && m.UserID == userID {
			return true
		}
	}
	return false
}

// BoardMember is a member with their attendance (nil until recorded).
type BoardMember struct {
	UserID  int64  `json:"user_id"`
	Name    string `json:"name"`
	Chair   bool   `json:"chair"`
	Present *bool  `json:"present"`
}

// BoardLine is one candidate.
type BoardLine struct {
	CandidacyID    int64
	CandidateID    int64
	CandidateName  string
	Access         Access // the viewer's, for this candidate
	Blocks         []BoardBlock
	Outcome        Outcome // confirmed by the president; "" until then
	Preconisations string
	// Derived is the outcome the bloc decisions give, once every bloc is
	// decided; "" before.
	Derived Outcome
	Recused []Recusal
	LeftOut []LeftOutGrid
	Voters  []Voter // members taking part in this candidate's deliberation
}

// BoardBlock is one bloc of one candidate.
type BoardBlock struct {
	Block    referentiel.Block
	Tally    *BlockTally          // nil while the viewer is blind
	Verdicts map[string][]Verdict // by criterion; nil while blind
	MyVote   string
	Cast     int      // votes cast so far
	Waiting  []string // members taking part who have not voted
	Decision *BlockDecision
}

type boardRow struct {
	Status       Status          `db:"status"`
	Minutes      int             `db:"minutes"`
	Lines        json.RawMessage `db:"lines"`
	Members      json.RawMessage `db:"members"`
	Evaluators   json.RawMessage `db:"evaluators"`
	Declarations json.RawMessage `db:"declarations"`
	Conflicts    json.RawMessage `db:"conflicts"`
	Votes        json.RawMessage `db:"votes"`
	Decisions    json.RawMessage `db:"decisions"`
}

// boardQuery reads everything but the verdicts of session $1 in one row,
// one JSON array per kind of fact.
const boardQuery = `SELECT s.status,
	(SELECT count(*) FROM jury_minutes jm WHERE jm.session_id = s.id) AS minutes,
	(SELECT coalesce(json_agg(x ORDER BY x.candidate_name, x.candidacy_id), '[]') FROM (
		SELECT a.candidacy_id, c.candidate_id, u.full_name AS candidate_name, c.version_id,
			ARRAY(SELECT cb.block_code FROM candidacy_blocks cb WHERE cb.candidacy_id = c.id ORDER BY cb.position) AS blocks,
			o.outcome, o.preconisations
		FROM jury_assignments a JOIN candidacies c ON c.id = a.candidacy_id JOIN users u ON u.id = c.candidate_id
		LEFT JOIN jury_outcomes o ON o.session_id = a.session_id AND o.candidacy_id = a.candidacy_id
		WHERE a.session_id = s.id) x) AS lines,
	(SELECT coalesce(json_agg(x ORDER BY x.chair DESC, x.name, x.user_id), '[]') FROM (
		SELECT m.user_id, u.full_name AS name, m.is_chair AS chair, att.present
		FROM jury_members m JOIN users u ON u.id = m.user_id
		LEFT JOIN jury_attendance att ON att.session_id = m.session_id AND att.user_id = m.user_id
		WHERE m.session_id = s.id) x) AS members,
	(SELECT coalesce(json_agg(x), '[]') FROM (
		SELECT e.candidacy_id, e.evaluator_id, e.submitted_at IS NOT NULL AS submitted, e.left_out_at IS NOT NULL AS left_out, e.left_out_reason
		FROM jury_evaluators e WHERE e.session_id = s.id) x) AS evaluators,
	(SELECT coalesce(json_agg(x), '[]') FROM (
		SELECT d.candidacy_id, d.user_id, d.conflict FROM jury_declarations d WHERE d.session_id = s.id) x) AS declarations,
	(SELECT coalesce(json_agg(x), '[]') FROM (
		SELECT k.candidacy_id, k.user_id, k.reason FROM jury_conflicts k WHERE k.session_id = s.id) x) AS conflicts,
	(SELECT coalesce(json_agg(x), '[]') FROM (
		SELECT v.candidacy_id, v.block_code, v.user_id, v.vote FROM jury_votes v WHERE v.session_id = s.id) x) AS votes,
	(SELECT coalesce(json_agg(x), '[]') FROM (
		SELECT d.candidacy_id, d.block_code, d.proposal, d.decision, d.reason, d.votes_valide, d.votes_non_valide, d.casting_vote
		FROM jury_block_decisions d WHERE d.session_id = s.id) x) AS decisions
	FROM jury_sessions s WHERE s.id = $1`

// boardVerdictsQuery reads every verdict of session $1 in one index
// range; which grids count (handed in, not left out, not in conflict) is
// decided in Go from the facts boardQuery read, which keeps this the
// cheapest possible scan.
const boardVerdictsQuery = `SELECT v.candidacy_id, v.evaluator_id, '' AS full_name, v.block_code, v.criterion_code, v.verdict, v.comment, v.updated_at
	FROM jury_verdicts v WHERE v.session_id = $1 ORDER BY v.candidacy_id, v.evaluator_id`

// Board reads a session's deliberation as viewerID may see it.
func (s *Store) Board(ctx context.Context, sessionID, viewerID int64) (*Board, error) {
	var row boardRow
	if err := s.db.GetContext(ctx, &row, boardQuery, sessionID); err != nil {
		return nil, err
	}
	var lines []struct {
		CandidacyID    int64    `json:"candidacy_id"`
		CandidateID    int64    `json:"candidate_id"`
		CandidateName  string   `json:"candidate_name"`
		VersionID      int64    `json:"version_id"`
		Blocks         []string `json:"blocks"`
		Outcome        *string  `json:"outcome"`
		Preconisations *string  `json:"preconisations"`
	}
	var evaluators []struct {
		CandidacyID   int64  `json:"candidacy_id"`
		EvaluatorID   int64  `json:"evaluator_id"`
		Submitted     bool   `json:"submitted"`
		LeftOut       bool   `json:"left_out"`
		LeftOutReason string `json:"left_out_reason"`
	}
	var declarations []struct {
		CandidacyID int64 `json:"candidacy_id"`
		UserID      int64 `json:"user_id"`
		Conflict    bool  `json:"conflict"`
	}
	var conflicts []struct {
		CandidacyID int64  `json:"candidacy_id"`
		UserID      int64  `json:"user_id"`
		Reason      string `json:"reason"`
	}
	var votes []struct {
		CandidacyID int64  `json:"candidacy_id"`
		BlockCode   string `json:"block_code"`
		UserID      int64  `json:"user_id"`
		Vote        string `json:"vote"`
	}
	var decisions []BlockDecision
	b := &Board{Status: row.Status, MinutesVersions: row.Minutes}
	for _, u := range []struct {
		raw json.RawMessage
		to  any
	}{{row.Lines, &lines}, {row.Members, &b.Members}, {row.Evaluators, &evaluators}, {row.Declarations, &declarations},
		{row.Conflicts, &conflicts}, {row.Votes, &votes}, {row.Decisions, &decisions}} {
		if err := json.Unmarshal(u.raw, u.to); err != nil {
			return nil, err
		}
	}
	var verdicts []struct {
		CandidacyID int64 `db:"candidacy_id"`
		Verdict
	}
	if err := s.db.SelectContext(ctx, &verdicts, boardVerdictsQuery, sessionID); err != nil {
		return nil, err
	}

	type key struct{ c, u int64 }
	names := map[int64]string{}
	var chairID int64
	presence := map[int64]*bool{}
	for _, m := range b.Members {
		names[m.UserID] = m.Name
		if m.Chair {
			chairID = m.UserID
		}
		presence[m.UserID] = m.Present
	}
	type evalState struct {
		submitted, leftOut bool
		reason             string
	}
	evals := map[key]evalState{}
	for _, e := range evaluators {
		evals[key{e.CandidacyID, e.EvaluatorID}] = evalState{e.Submitted, e.LeftOut, e.LeftOutReason}
	}
	declared := map[key]bool{}
	for _, d := range declarations {
		declared[key{d.CandidacyID, d.UserID}] = !d.Conflict
	}
	conflict := map[key]string{}
	for _, k := range conflicts {
		conflict[key{k.CandidacyID, k.UserID}] = k.Reason
	}
	type bkey struct {
		c int64
		b string
	}
	cast := map[bkey]map[int64]string{}
	for _, v := range votes {
		k := bkey{v.CandidacyID, v.BlockCode}
		if cast[k] == nil {
			cast[k] = map[int64]string{}
		}
		cast[k][v.UserID] = v.Vote
	}
	decided := map[bkey]*BlockDecision{}
	for i := range decisions {
		decided[bkey{decisions[i].CandidacyID, decisions[i].BlockCode}] = &decisions[i]
	}
	// Only the grids that count (countedGrid, in Go): a draft is shown to
	// nobody and counts nowhere.
	byCandidacy := map[int64][]Verdict{}
	for _, v := range verdicts {
		k := key{v.CandidacyID, v.EvaluatorID}
		if e := evals[k]; !e.submitted || e.leftOut || conflict[k] != "" {
			continue
		}
		v.EvaluatorName = names[v.EvaluatorID]
		byCandidacy[v.CandidacyID] = append(byCandidacy[v.CandidacyID], v.Verdict)
	}
	versions := map[int64]*referentiel.Certification{}

	accessFor := func(cid, uid int64) Access {
		k := key{cid, uid}
		e, isEval := evals[k]
		a := Access{Status: b.Status, Declared: declared[k], Conflict: conflict[k],
			Evaluator: isEval, Submitted: e.submitted, LeftOut: e.leftOut, LeftOutReason: e.reason}
		if _, ok := names[uid]; ok {
			a.Member, a.Chair, a.Present = true, uid == chairID, presence[uid]
		}
		return a
	}

	for _, l := range lines {
		line := BoardLine{CandidacyID: l.CandidacyID, CandidateID: l.CandidateID, CandidateName: l.CandidateName, Access: accessFor(l.CandidacyID, viewerID)}
		if l.Outcome != nil {
			line.Outcome = Outcome(*l.Outcome)
		}
		if l.Preconisations != nil {
			line.Preconisations = *l.Preconisations
		}
		for _, m := range b.Members {
			if r := conflict[key{l.CandidacyID, m.UserID}]; r != "" {
				line.Recused = append(line.Recused, Recusal{Name: m.Name, Reason: ConflictLabel(r)})
			}
			if e, ok := evals[key{l.CandidacyID, m.UserID}]; ok && e.leftOut {
				line.LeftOut = append(line.LeftOut, LeftOutGrid{Name: m.Name, Reason: e.reason})
			}
			if accessFor(l.CandidacyID, m.UserID).Votes() {
				line.Voters = append(line.Voters, Voter{UserID: m.UserID, Name: m.Name, Chair: m.Chair})
			}
		}
		cert := versions[l.VersionID]
		if cert == nil {
			var err error
			if cert, err = s.refs.Version(ctx, l.VersionID); err != nil {
				return nil, err
			}
			versions[l.VersionID] = cert
		}
		crit := map[string][]string{}
		var counted []int64
		for _, m := range b.Members {
			k := key{l.CandidacyID, m.UserID}
			if e, ok := evals[k]; ok && e.submitted && !e.leftOut && conflict[k] == "" {
				counted = append(counted, m.UserID)
			}
		}
		sees := line.Access.SeesVerdicts()
		tallies := map[string]BlockTally{}
		if sees {
			for _, bc := range l.Blocks {
				for _, blk := range cert.Blocks {
					if blk.Code == bc {
						for _, cr := range blk.Criteria {
							crit[bc] = append(crit[bc], cr.Code)
						}
					}
				}
			}
			for _, t := range Propose(l.Blocks, crit, counted, byCandidacy[l.CandidacyID]) {
				tallies[t.BlockCode] = t
			}
		}
		validated, decidedN := 0, 0
		for _, bc := range l.Blocks {
			var blk referentiel.Block
			for _, x := range cert.Blocks {
				if x.Code == bc {
					blk = x
				}
			}
			bb := BoardBlock{Block: blk}
			if sees {
				t := tallies[bc]
				bb.Tally = &t
				bb.Verdicts = map[string][]Verdict{}
				for _, v := range byCandidacy[l.CandidacyID] {
					if v.BlockCode == bc {
						bb.Verdicts[v.CriterionCode] = append(bb.Verdicts[v.CriterionCode], v)
					}
				}
			}
			votesHere := cast[bkey{l.CandidacyID, bc}]
			bb.MyVote = votesHere[viewerID]
			for _, v := range line.Voters {
				if _, ok := votesHere[v.UserID]; ok {
					bb.Cast++
				} else {
					bb.Waiting = append(bb.Waiting, v.Name)
				}
			}
			if d := decided[bkey{l.CandidacyID, bc}]; d != nil {
				decidedN++
				if d.Decision == Valide {
					validated++
				}
				if sees {
					bb.Decision = d
				} else {
					// The decision itself is no verdict of anyone's grid,
					// but its proposal is: keep only what was decided.
					bb.Decision = &BlockDecision{CandidacyID: d.CandidacyID, BlockCode: d.BlockCode, Decision: d.Decision}
				}
			}
			line.Blocks = append(line.Blocks, bb)
		}
		if decidedN == len(l.Blocks) && decidedN > 0 {
			line.Derived = DeriveOutcome(len(l.Blocks), validated)
		}
		b.Lines = append(b.Lines, line)
	}
	return b, nil
}
