package jury

import (
	"strings"
	"testing"

	"acquis/internal/account"
)

// readyWith composes the jury (chair first), assigns the candidacy to the
// given evaluators, opens the session and has the evaluators declare.
func (f *fx) readyWith(evaluators ...int64) {
	f.t.Helper()
	for i, m := range f.members {
		must(f.t, f.s.AddMember(f.ctx, sys, f.session, m, i == 0))
	}
	must(f.t, f.s.Assign(f.ctx, sys, f.session, f.candidacy, evaluators))
	_, err := f.s.Open(f.ctx, sys, f.session)
	must(f.t, err)
	for _, m := range evaluators {
		must(f.t, f.s.Declare(f.ctx, as(m), f.session, f.candidacy))
	}
}

func TestCount(t *testing.T) {
	for _, c := range []struct {
		name    string
		votes   map[int64]string
		want    string
		casting bool
	}{
		{"majorité validé", map[int64]string{1: Valide, 2: Valide, 3: NonValide}, Valide, false},
		{"majorité non validé", map[int64]string{1: Valide, 2: NonValide, 3: NonValide}, NonValide, false},
		{"partage, présidence pour", map[int64]string{1: Valide, 2: NonValide}, Valide, true},
		{"partage, présidence contre", map[int64]string{1: NonValide, 2: Valide}, NonValide, true},
		{"partage sans la présidence", map[int64]string{2: Valide, 3: NonValide}, NonValide, false},
	} {
		got, _, _, casting := Count(c.votes, 1)
		if got != c.want || casting != c.casting {
			t.Errorf("%s : %s (voix prépondérante %v), attendu %s (%v)", c.name, got, casting, c.want, c.casting)
		}
	}
}

// TestSplitVoteCastingVoteAndAbsentMember: with one member absent, the two
// present split one against one on a bloc and the presidency's vote
// decides; the absent member cannot vote; the minutes record the count,
// the casting vote and the absence.
func TestSplitVoteCastingVoteAndAbsentMember(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	f.readyWith(f.members[0], f.members[1])
	f.scoreAll(f.members[0])
	f.scoreAll(f.members[1])
	f.sessionDay()
	if err := f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members[1:]}); err == nil || !strings.Contains(err.Error(), "présidence") {
		t.Fatalf("délibération sans la présidence : %v", err)
	}
	must(t, f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members[:2]}))
	must(t, f.s.Declare(f.ctx, as(f.members[2]), f.session, f.candidacy))
	if err := f.s.Vote(f.ctx, as(f.members[2]), f.session, f.candidacy, "RNCP37779BC02", Valide); err == nil || !strings.Contains(err.Error(), "absent") {
		t.Fatalf("vote d'un membre absent : %v", err)
	}
	f.vote("RNCP37779BC02", NonValide, Valide)
	chair := as(f.members[0])
	// The proposal (both grids all acquis) is validé: the decision departs
	// from it and needs the jury's reason.
	if err := f.s.Decide(f.ctx, chair, f.session, f.candidacy, "RNCP37779BC02", ""); err == nil || !strings.Contains(err.Error(), "raison") {
		t.Fatalf("écart sans raison : %v", err)
	}
	must(t, f.s.Decide(f.ctx, chair, f.session, f.candidacy, "RNCP37779BC02", "L'entretien a montré que l'analyse des situations n'est pas de la candidate."))
	var d BlockDecision
	must(t, f.d.Get(&d, `SELECT candidacy_id, block_code, proposal, decision, reason, votes_valide, votes_non_valide, casting_vote FROM jury_block_decisions`))
	if d.Decision != NonValide || d.Proposal != Valide || d.VotesValide != 1 || d.VotesNonValide != 1 || !d.CastingVote {
		t.Fatalf("décision : %+v", d)
	}
	if err := f.s.Vote(f.ctx, as(f.members[1]), f.session, f.candidacy, "RNCP37779BC02", NonValide); err == nil || !strings.Contains(err.Error(), "clos") {
		t.Fatalf("vote après la décision : %v", err)
	}
	must(t, f.s.SetOutcome(f.ctx, chair, f.session, f.candidacy, "", ""))
	m, err := f.s.Sign(f.ctx, chair, f.session)
	must(t, err)
	l := m.Content.Candidates[0]
	if l.Outcome != NonValidation || len(l.Decisions) != 1 || !l.Decisions[0].CastingVote || l.Decisions[0].VotesNonValide != 1 {
		t.Fatalf("procès-verbal : %+v", l)
	}
	absent := map[string]bool{}
	for _, mb := range m.Content.Members {
		absent[mb.Name] = mb.Absent
	}
	if absent["Juré 0"] || absent["Juré 1"] || !absent["Juré 2"] {
		t.Fatalf("présence au procès-verbal : %v", absent)
	}
}

// TestEveryMemberDeclaresAndVotes: a member who evaluates no grid for the
// candidate sees nothing of it until declared (finding 10: neither
// documents nor self-assessment, through EvaluatesCandidacy), has the true
// grid state (finding 9), is blind until the deliberation (finding 7),
// and then votes with the others: the majority decides.
func TestEveryMemberDeclaresAndVotes(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	f.readyWith(f.members[0], f.members[1])
	outsider := f.members[2]
	g, err := f.s.Grid(f.ctx, f.session, f.candidacy, outsider)
	must(t, err)
	if g.Evaluator || g.Declared || g.Submitted || !g.Blind || g.Access.SeesFile() {
		t.Fatalf("grille d'un membre non évaluateur : %+v", g)
	}
	if ok, _ := f.s.EvaluatesCandidacy(f.ctx, outsider, f.candidacy); ok {
		t.Fatal("documents ouverts avant la déclaration")
	}
	f.scoreAll(f.members[0])
	f.scoreAll(f.members[1], "RNCP37779BC02")
	must(t, f.s.Declare(f.ctx, as(outsider), f.session, f.candidacy))
	g, _ = f.s.Grid(f.ctx, f.session, f.candidacy, outsider)
	if g.Evaluator || !g.Declared || g.Submitted || !g.Access.SeesFile() || !g.Blind || len(g.Others) != 0 {
		t.Fatalf("membre déclaré, session ouverte : %+v", g)
	}
	if ok, _ := f.s.EvaluatesCandidacy(f.ctx, outsider, f.candidacy); !ok {
		t.Fatal("documents fermés après la déclaration")
	}
	f.sessionDay()
	must(t, f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members}))
	g, _ = f.s.Grid(f.ctx, f.session, f.candidacy, outsider)
	if g.Blind || len(g.Others) == 0 {
		t.Fatalf("en délibération, le membre déclaré ne voit pas les grilles : %+v", g)
	}
	// Proposal: one grid of two → partage; votes 2 against 1 decide.
	f.vote("RNCP37779BC02", Valide, NonValide, Valide)
	must(t, f.s.Decide(f.ctx, as(f.members[0]), f.session, f.candidacy, "RNCP37779BC02", ""))
	var d BlockDecision
	must(t, f.d.Get(&d, `SELECT candidacy_id, block_code, proposal, decision, reason, votes_valide, votes_non_valide, casting_vote FROM jury_block_decisions`))
	if d.Proposal != Egalite || d.Decision != Valide || d.VotesValide != 2 || d.VotesNonValide != 1 || d.CastingVote {
		t.Fatalf("décision à la majorité : %+v", d)
	}
}

// TestPresidentInConflict: the conflict checks apply to the president: a
// declared accompaniment forbids the declaration, hides the file and the
// verdicts, and the president takes no part in the vote; an equal split
// without the president's vote is no majority for validating.
func TestPresidentInConflict(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	president := f.members[0]
	must(t, f.s.DeclareLink(f.ctx, sys, president, f.candidate, "accompanied", "Accompagnatrice VAE en 2025"))
	f.readyWith(f.members[1], f.members[2])
	err := f.s.Declare(f.ctx, as(president), f.session, f.candidacy)
	if err == nil || !strings.Contains(err.Error(), "accompagné") {
		t.Fatalf("déclaration de la présidence en conflit : %v", err)
	}
	f.scoreAll(f.members[1])
	f.scoreAll(f.members[2], "RNCP37779BC02")
	f.sessionDay()
	must(t, f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members}))
	g, _ := f.s.Grid(f.ctx, f.session, f.candidacy, president)
	if !g.Access.Recused() || g.Access.SeesFile() || !g.Blind || len(g.Others) != 0 {
		t.Fatalf("la présidence en conflit voit le candidat : %+v", g.Access)
	}
	if ok, _ := f.s.EvaluatesCandidacy(f.ctx, president, f.candidacy); ok {
		t.Fatal("documents ouverts à la présidence en conflit")
	}
	if err := f.s.Vote(f.ctx, as(president), f.session, f.candidacy, "RNCP37779BC02", Valide); err == nil || !strings.Contains(err.Error(), "accompagné") {
		t.Fatalf("vote de la présidence en conflit : %v", err)
	}
	f.vote("RNCP37779BC02", "", Valide, NonValide)
	must(t, f.s.Decide(f.ctx, as(president), f.session, f.candidacy, "RNCP37779BC02", ""))
	var d BlockDecision
	must(t, f.d.Get(&d, `SELECT candidacy_id, block_code, proposal, decision, reason, votes_valide, votes_non_valide, casting_vote FROM jury_block_decisions`))
	if d.Decision != NonValide || d.CastingVote {
		t.Fatalf("partage sans la présidence : %+v", d)
	}
	must(t, f.s.SetOutcome(f.ctx, as(president), f.session, f.candidacy, "", ""))
	m, err := f.s.Sign(f.ctx, as(president), f.session)
	must(t, err)
	if r := m.Content.Candidates[0].Recused; len(r) != 1 || r[0].Name != "Juré 0" || !strings.Contains(r[0].Reason, "accompagné") {
		t.Fatalf("procès-verbal : membres en conflit %+v", r)
	}
}

// TestConflictChecksEveryMember: a member of the candidate's own platform
// (not an evaluator) is in conflict too; a member may also state a
// conflict, which closes their grid.
func TestConflictChecksEveryMember(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	colleague, err := f.acc.CreateUser(f.ctx, sys, account.NewUser{Email: "collegue@exemple.fr", FullName: "Collègue Plateforme", OrganisationID: f.platform,
		Grants: []account.Grant{{Role: account.RoleJuryMember}}})
	must(t, err)
	f.readyWith(f.members[0], f.members[1])
	must(t, f.s.AddMember(f.ctx, sys, f.session, colleague, false))
	if err := f.s.Declare(f.ctx, as(colleague), f.session, f.candidacy); err == nil || !strings.Contains(err.Error(), "même structure") {
		t.Fatalf("membre de la même structure : %v", err)
	}
	if err := f.s.DeclareConflict(f.ctx, as(f.members[1]), f.session, f.candidacy, " "); err == nil {
		t.Fatal("conflit déclaré sans précision")
	}
	must(t, f.s.DeclareConflict(f.ctx, as(f.members[1]), f.session, f.candidacy, "Ancienne collègue."))
	crs := f.criteria()
	if _, err := f.s.RecordVerdict(f.ctx, as(f.members[1]), f.session, f.candidacy, crs["RNCP37779BC02"][0], Acquis, ""); err == nil {
		t.Fatal("grille ouverte après un conflit déclaré")
	}
	if a, _ := f.s.AccessOf(f.ctx, f.session, f.candidacy, f.members[1]); a.Conflict != "declared" || a.SeesFile() {
		t.Fatalf("conflit déclaré : %+v", a)
	}
}

// TestOpeningLeavesOutUnfinishedGrids: opening the deliberation with a
// grid unfinished lists it and needs its confirmation and a reason; the
// draft never counts; the evaluator left out is told why, sees nothing
// and does not vote; the minutes record it.
func TestOpeningLeavesOutUnfinishedGrids(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	f.ready()
	f.scoreAll(f.members[0])
	f.scoreAll(f.members[1])
	crs := f.criteria()
	_, err := f.s.RecordVerdict(f.ctx, as(f.members[2]), f.session, f.candidacy, crs["RNCP37779BC02"][0], NonAcquis, "Brouillon.")
	must(t, err)
	f.sessionDay()
	un, err := f.s.UnfinishedGrids(f.ctx, f.session)
	must(t, err)
	if len(un) != 1 || un[0].EvaluatorID != f.members[2] || un[0].Marked != 1 {
		t.Fatalf("grilles non remises : %+v", un)
	}
	if err := f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members}); err == nil || !strings.Contains(err.Error(), "Juré 2 pour Candidate Une") {
		t.Fatalf("ouverture sans confirmer la grille non remise : %v", err)
	}
	left := []GridRef{{f.candidacy, f.members[2]}}
	if err := f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members, LeftOut: left}); err == nil || !strings.Contains(err.Error(), "pourquoi") {
		t.Fatalf("grille laissée de côté sans motif : %v", err)
	}
	if err := f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members, LeftOut: []GridRef{{f.candidacy, f.members[0]}}, Reason: "x"}); err == nil {
		t.Fatal("grille remise laissée de côté")
	}
	reason := "Évaluateur retenu par un empêchement, grille inachevée."
	must(t, f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members, LeftOut: left, Reason: reason}))
	tally, _ := f.s.Tally(f.ctx, f.d, f.session, f.candidacy)
	if tally[0].Evaluators != 2 || tally[0].Proposal != Valide {
		t.Fatalf("le brouillon compte : %+v", tally)
	}
	g, _ := f.s.Grid(f.ctx, f.session, f.candidacy, f.members[2])
	if !g.Blind || len(g.Others) != 0 || !g.Access.LeftOut || g.Access.LeftOutReason != reason {
		t.Fatalf("évaluateur laissé de côté : %+v", g.Access)
	}
	g, _ = f.s.Grid(f.ctx, f.session, f.candidacy, f.members[0])
	for _, vs := range g.Others {
		for _, v := range vs {
			if v.EvaluatorID == f.members[2] {
				t.Fatal("le brouillon est montré aux autres membres")
			}
		}
	}
	if err := f.s.Vote(f.ctx, as(f.members[2]), f.session, f.candidacy, "RNCP37779BC02", NonValide); err == nil || !strings.Contains(err.Error(), reason) {
		t.Fatalf("vote de l'évaluateur laissé de côté : %v", err)
	}
	// Two members vote: the left-out evaluator is not waited for.
	f.vote("RNCP37779BC02", Valide, Valide)
	must(t, f.s.Decide(f.ctx, as(f.members[0]), f.session, f.candidacy, "RNCP37779BC02", ""))
	must(t, f.s.SetOutcome(f.ctx, as(f.members[0]), f.session, f.candidacy, "", ""))
	m, err := f.s.Sign(f.ctx, as(f.members[0]), f.session)
	must(t, err)
	if lo := m.Content.Candidates[0].LeftOut; len(lo) != 1 || lo[0].Name != "Juré 2" || lo[0].Reason != reason {
		t.Fatalf("procès-verbal : grilles laissées de côté %+v", lo)
	}
}

// TestNotBeforeSessionDate: voting, deciding and signing are refused while
// the session's date is ahead.
func TestNotBeforeSessionDate(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	f.ready()
	for _, m := range f.members {
		f.scoreAll(m)
	}
	f.sessionDay()
	must(t, f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members}))
	f.vote("RNCP37779BC02", Valide, Valide, Valide)
	chair := as(f.members[0])
	must(t, f.s.Decide(f.ctx, chair, f.session, f.candidacy, "RNCP37779BC02", ""))
	must(t, f.s.SetOutcome(f.ctx, chair, f.session, f.candidacy, "", ""))
	// The session is moved to a later date.
	f.d.MustExec(`UPDATE jury_sessions SET starts_at = now() + interval '2 days' WHERE id = $1`, f.session)
	for what, err := range map[string]error{
		"vote":      f.s.Vote(f.ctx, as(f.members[1]), f.session, f.candidacy, "RNCP37779BC02", Valide),
		"décision":  f.s.Decide(f.ctx, chair, f.session, f.candidacy, "RNCP37779BC02", ""),
		"résultat":  f.s.SetOutcome(f.ctx, chair, f.session, f.candidacy, "", ""),
		"signature": func() error { _, err := f.s.Sign(f.ctx, chair, f.session); return err }(),
	} {
		if err == nil || !strings.Contains(err.Error(), "à partir de cette date") {
			t.Errorf("%s avant la date de la session : %v", what, err)
		}
	}
}

// TestAmendmentFollowsThrough: an amendment validating the last bloc turns
// a partial success into a total one, drops the préconisations, awards
// the certificate and rewrites the results projection, all with the new
// minutes; withdrawing a bloc acquired for life is refused and changes
// nothing.
func TestAmendmentFollowsThrough(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03")
	f.ready()
	for _, m := range f.members {
		f.scoreAll(m, "RNCP37779BC03")
	}
	f.sessionDay()
	must(t, f.s.StartDeliberation(f.ctx, sys, f.session, Opening{Present: f.members}))
	chair := as(f.members[0])
	for _, b := range []string{"RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03"} {
		v := Valide
		if b == "RNCP37779BC03" {
			v = NonValide
		}
		f.vote(b, v, v, v)
		must(t, f.s.Decide(f.ctx, chair, f.session, f.candidacy, b, ""))
	}
	must(t, f.s.SetOutcome(f.ctx, chair, f.session, f.candidacy, "", "Décrire la régulation des collectifs."))
	_, err := f.s.Sign(f.ctx, chair, f.session)
	must(t, err)
	if certs, _ := f.pf.Certificates(f.ctx, f.candidate); len(certs) != 0 {
		t.Fatalf("certificat sans tous les blocs : %+v", certs)
	}
	if _, err := f.s.Amend(f.ctx, chair, f.session, "Erreur", []AmendmentChange{{CandidacyID: f.candidacy, BlockCode: "RNCP37779BC01", Decision: NonValide}}); err == nil {
		t.Fatal("avenant retirant un bloc acquis à vie")
	}
	if acq, _ := f.pf.AcquiredBlocks(f.ctx, f.candidate); len(acq) != 2 {
		t.Fatalf("blocs acquis après un avenant refusé : %+v", acq)
	}
	m2, err := f.s.Amend(f.ctx, chair, f.session, "Le bloc 3 a été mal reporté.", []AmendmentChange{{CandidacyID: f.candidacy, BlockCode: "RNCP37779BC03", Decision: Valide}})
	must(t, err)
	l := m2.Content.Candidates[0]
	if l.Outcome != ReussiteTotale || l.Preconisations != "" {
		t.Fatalf("avenant : %+v", l)
	}
	if len(m2.Content.Changes) != 2 || m2.Content.Changes[1].Outcome != ReussiteTotale {
		t.Fatalf("corrections de l'avenant : %+v", m2.Content.Changes)
	}
	if certs, _ := f.pf.Certificates(f.ctx, f.candidate); len(certs) != 1 {
		t.Fatalf("certificat après l'avenant : %+v", certs)
	}
	var outcome string
	var validated int
	must(t, f.d.Get(&outcome, `SELECT outcome FROM results WHERE session_id = $1`, f.session))
	must(t, f.d.Get(&validated, `SELECT count(*) FROM block_results WHERE session_id = $1 AND decision = 'valide'`, f.session))
	if outcome != string(ReussiteTotale) || validated != 3 {
		t.Fatalf("projection après l'avenant : %s, %d bloc(s) validé(s)", outcome, validated)
	}
}
