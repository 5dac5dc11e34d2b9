package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/certifier"
	"acquis/internal/jury"
	"acquis/internal/pdf"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// journeys gives the demo's candidates candidacies at every stage, and two
// jury sessions: one signed with its minutes, one open with grids still to
// fill, so that every page can be seen at once.
type journeys struct {
	ctx   context.Context
	d     *sqlx.DB
	pf    *portfolio.Store
	js    *jury.Store
	refs  *referentiel.Store
	blobs *blob.Store
	ids   map[string]int64 // e-mail → user id
}

func (j *journeys) user(email string) int64 {
	if id, ok := j.ids[email]; ok {
		return id
	}
	var id int64
	_ = j.d.GetContext(j.ctx, &id, `SELECT id FROM users WHERE email = $1`, email)
	j.ids[email] = id
	return id
}

// demoPDF is a small, valid PDF naming its deliverable.
func demoPDF(title string) string {
	return fmt.Sprintf("%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\n%% %s\ntrailer<</Root 1 0 R>>\n%%%%EOF\n", title)
}

// candidacy opens an RNCP37779 candidacy (VAE on every bloc) and takes it
// as far as state.
func (j *journeys) candidacy(email string, until portfolio.State) (int64, error) {
	uid := j.user(email)
	me := audit.Actor{UserID: uid, Role: "candidate"}
	var org int64
	_ = j.d.GetContext(j.ctx, &org, `SELECT coalesce(organisation_id, 0) FROM users WHERE id = $1`, uid)
	id, err := j.pf.Create(j.ctx, me, portfolio.NewCandidacy{CandidateID: uid, CertificationCode: "RNCP37779", OrganisationID: org, ExperienceMonths: 30,
		ExperienceRole: "Conseiller en emploi accompagné", Pathways: map[string]portfolio.Pathway{
			"RNCP37779BC01": portfolio.VAE, "RNCP37779BC02": portfolio.VAE, "RNCP37779BC03": portfolio.VAE}})
	if err != nil || until == portfolio.Draft {
		return id, err
	}
	if err := j.pf.Transition(j.ctx, me, id, portfolio.AdmissibilitySubmitted, account.RoleCandidate, ""); err != nil || until == portfolio.AdmissibilitySubmitted {
		return id, err
	}
	if err := j.pf.Transition(j.ctx, audit.Actor{Role: "demo"}, id, portfolio.Admissible, account.RoleAdmin, ""); err != nil {
		return id, err
	}
	if err := j.pf.Transition(j.ctx, me, id, portfolio.DossierInProgress, account.RoleCandidate, ""); err != nil {
		return id, err
	}
	c, err := j.pf.Candidacy(j.ctx, id)
	if err != nil {
		return id, err
	}
	cert, err := j.refs.Version(j.ctx, c.VersionID)
	if err != nil {
		return id, err
	}
	sent := map[string]bool{} // a file shared by blocs is sent once
	for _, b := range cert.Blocks {
		for _, d := range b.Deliverables {
			if !d.Upload || sent[d.FileKey()] {
				continue
			}
			sent[d.FileKey()] = true
			name := strings.ToLower(strings.ReplaceAll(d.Label, " ", "-")) + "-" + strings.ToLower(b.Code) + ".pdf"
			bl, err := j.blobs.Put(j.ctx, strings.NewReader(demoPDF(email+" "+d.Code)), blob.Limits{MaxBytes: 1 << 20, Accepted: []blob.Kind{blob.PDF}})
			if err != nil {
				return id, err
			}
			if _, err := j.pf.AddDocument(j.ctx, me, portfolio.NewDocument{CandidacyID: id, BlockCode: b.Code, DeliverableCode: d.Code, FileName: name,
				SHA256: bl.SHA256, Size: bl.Size, Kind: string(bl.Kind), MIME: bl.MIME}); err != nil {
				return id, err
			}
		}
	}
	if until == portfolio.DossierInProgress {
		return id, nil
	}
	_, err = j.pf.Submit(j.ctx, me, id)
	return id, err
}

// dossierDeadline is two weeks before the session, or today when the
// session is sooner: the demo's deposits, made today, are then in time.
func dossierDeadline(starts time.Time) time.Time {
	if d := starts.AddDate(0, 0, -14); d.After(time.Now()) {
		return d
	}
	return time.Now()
}

type assignment struct {
	email      string
	evaluators []string
	failBlocks []string // blocs the evaluators mark non acquis
	outcome    jury.Outcome
	// conflict is a member (email) who states a conflict with the
	// candidate, and its note: they take no part for that candidate.
	conflict, conflictNote string
	// votes overrides members' votes (block → email → vote); otherwise
	// every member votes the evaluators' proposal.
	votes map[string]map[string]string
	// reasons are the jury's written reasons per bloc (block → text),
	// which the candidate reads with the decision.
	reasons map[string]string
}

func (j *journeys) session(starts time.Time, place string, members []string, list []assignment, sign bool) error {
	sys := audit.Actor{Role: "demo"}
	// The dossiers are deposited first; a session whose start is not given
	// is then set a moment after the last deposit.
	cids := map[string]int64{}
	for _, a := range list {
		cid, err := j.candidacy(a.email, portfolio.DossierSubmitted)
		if err != nil {
			return err
		}
		cids[a.email] = cid
	}
	if starts.IsZero() {
		starts = time.Now().Add(time.Second)
	}
	sid, err := j.js.CreateSession(j.ctx, sys, jury.NewSession{CertificationCode: "RNCP37779", StartsAt: starts, Place: place, DossierDeadline: dossierDeadline(starts)})
	if err != nil {
		return err
	}
	for i, m := range members {
		if err := j.js.AddMember(j.ctx, sys, sid, j.user(m), i == 0); err != nil {
			return err
		}
	}
	for _, a := range list {
		var evs []int64
		for _, e := range a.evaluators {
			evs = append(evs, j.user(e))
		}
		if err := j.js.Assign(j.ctx, sys, sid, cids[a.email], evs); err != nil {
			return fmt.Errorf("%s : %w", a.email, err)
		}
	}
	if _, err := j.js.Open(j.ctx, sys, sid); err != nil {
		return err
	}
	for n, a := range list {
		if a.outcome == jury.Absent {
			continue
		}
		fail := map[string]bool{}
		for _, b := range a.failBlocks {
			fail[b] = true
		}
		for ei, e := range a.evaluators {
			ev := audit.Actor{UserID: j.user(e), Role: "jury_member"}
			if err := j.js.Declare(j.ctx, ev, sid, cids[a.email]); err != nil {
				return err
			}
			g, err := j.js.Grid(j.ctx, sid, cids[a.email], ev.UserID)
			if err != nil {
				return err
			}
			// In the open session, the last candidate's second grid is
			// left half done, as a real session would be.
			stopHalf := !sign && n == len(list)-1 && ei == 1
			for bi, b := range g.Blocks {
				if stopHalf && bi > 0 {
					break
				}
				for _, cr := range b.Criteria {
					v, c := jury.Acquis, ""
					if fail[b.Code] {
						v, c = jury.NonAcquis, "Les situations présentées ne montrent pas encore la mobilisation des employeurs dans la durée."
					}
					if _, err := j.js.RecordVerdict(j.ctx, ev, sid, cids[a.email], cr.Code, v, c); err != nil {
						return err
					}
				}
			}
			if !stopHalf && (sign || n == 0) {
				if err := j.js.SubmitGrid(j.ctx, ev, sid, cids[a.email]); err != nil {
					return err
				}
			}
		}
	}
	if !sign {
		return nil
	}
	// The session is held at its hour, which the demo set a moment after
	// the deposits: it waits for it, so that nothing is decided early.
	if wait := time.Until(starts); wait > 0 {
		time.Sleep(wait)
	}
	// Every member signs the declaration for every candidate presented,
	// the president included, or states a conflict.
	var present []int64
	for _, m := range members {
		present = append(present, j.user(m))
	}
	var leftOut []jury.GridRef
	for _, a := range list {
		if !a.outcome.Presented() {
			for _, e := range a.evaluators {
				leftOut = append(leftOut, jury.GridRef{CandidacyID: cids[a.email], EvaluatorID: j.user(e)})
			}
			continue
		}
		for _, m := range members {
			actor := audit.Actor{UserID: j.user(m), Role: "jury_member"}
			if m == a.conflict {
				if err := j.js.DeclareConflict(j.ctx, actor, sid, cids[a.email], a.conflictNote); err != nil {
					return err
				}
			} else if err := j.js.Declare(j.ctx, actor, sid, cids[a.email]); err != nil {
				return err
			}
		}
	}
	if err := j.js.StartDeliberation(j.ctx, sys, sid, jury.Opening{Present: present, LeftOut: leftOut, Reason: "Candidat absent à l'entretien avec le jury."}); err != nil {
		return err
	}
	chair := audit.Actor{UserID: j.user(members[0]), Role: "jury_member"}
	for _, a := range list {
		if a.outcome.Presented() {
			tallies, err := j.js.Tally(j.ctx, j.d, sid, cids[a.email])
			if err != nil {
				return err
			}
			for _, t := range tallies {
				for _, m := range members {
					if m == a.conflict {
						continue
					}
					vote := map[bool]string{true: jury.Valide, false: jury.NonValide}[t.Proposal == jury.Valide]
					if v, ok := a.votes[t.BlockCode][m]; ok {
						vote = v
					}
					if err := j.js.Vote(j.ctx, audit.Actor{UserID: j.user(m), Role: "jury_member"}, sid, cids[a.email], t.BlockCode, vote); err != nil {
						return err
					}
				}
				if err := j.js.Decide(j.ctx, chair, sid, cids[a.email], t.BlockCode, a.reasons[t.BlockCode]); err != nil {
					return err
				}
			}
		}
		precos, outcome := "", jury.Outcome("")
		if a.outcome == jury.ReussitePartielle {
			precos = "Approfondir l'accompagnement des communautés de travail (bloc 3) : sensibilisation des collectifs, régulation dans la durée."
		}
		if !a.outcome.Presented() {
			outcome = a.outcome
		}
		if err := j.js.SetOutcome(j.ctx, chair, sid, cids[a.email], outcome, precos); err != nil {
			return err
		}
	}
	_, err = j.js.Sign(j.ctx, chair, sid)
	return err
}

// loadJourneys adds candidacies at every stage and the two sessions.
func loadJourneys(ctx context.Context, d *sqlx.DB, blobs *blob.Store) error {
	refs, pf := referentiel.NewStore(d), portfolio.NewStore(d)
	js := jury.NewStore(d, refs, pf, pdf.MinutesWithIdentity(certifier.NewStore(d, refs)))
	j := &journeys{ctx: ctx, d: d, pf: pf, js: js, refs: refs, blobs: blobs, ids: map[string]int64{}}
	sys := audit.Actor{Role: "demo"}
	profiles := []struct {
		email, gender string
		college       jury.College
		qualified     bool
	}{
		{"helene.marchand@demo.acquis.fr", "F", jury.Certifier, true},
		{"patrick.lemoine@demo.acquis.fr", "M", jury.Professional, true},
		{"sophie.roussel@demo.acquis.fr", "F", jury.EmployerRep, false},
		{"olivier.chevalier@demo.acquis.fr", "M", jury.EmployerRep, false},
		{"fatou.diallo@demo.acquis.fr", "F", jury.Professional, true},
		{"bernard.faure@demo.acquis.fr", "M", jury.EmployeeRep, false},
	}
	for _, p := range profiles {
		var q []string
		if p.qualified {
			q = []string{"RNCP37779"}
		}
		if err := j.js.SetProfile(ctx, sys, jury.Profile{UserID: j.user(p.email), Gender: p.gender, College: p.college, QualifiedFor: q}); err != nil {
			return err
		}
	}
	for email, st := range map[string]portfolio.State{
		"yann.kerjean@demo.acquis.fr":    portfolio.DossierInProgress,
		"chloe.vernet@demo.acquis.fr":    portfolio.AdmissibilitySubmitted,
		"mehdi.ouali@demo.acquis.fr":     portfolio.Draft,
		"emilie.fontaine@demo.acquis.fr": portfolio.AdmissibilitySubmitted,
	} {
		if _, err := j.candidacy(email, st); err != nil {
			return fmt.Errorf("demo %s : %w", email, err)
		}
	}
	// Dates follow the day the demo is loaded, so that it stays
	// consistent whenever it is: the signed session is held a moment after
	// its candidates' deposits (a session is never planned in the past,
	// nothing is decided before its date: session waits for it), the open
	// one in two weeks.
	if err := j.session(time.Time{}, "CFEA, Paris", []string{"helene.marchand@demo.acquis.fr", "olivier.chevalier@demo.acquis.fr", "sophie.roussel@demo.acquis.fr"}, []assignment{
		{email: "ronan.le.gall@demo.acquis.fr", evaluators: []string{"helene.marchand@demo.acquis.fr", "olivier.chevalier@demo.acquis.fr"}, outcome: jury.ReussiteTotale},
		// A split vote decided by the president: Olivier Chevalier states
		// a conflict, the two members left split on bloc 3, and Hélène
		// Marchand's casting vote decides.
		{email: "soizic.tanguy@demo.acquis.fr", evaluators: []string{"helene.marchand@demo.acquis.fr", "sophie.roussel@demo.acquis.fr"}, failBlocks: []string{"RNCP37779BC03"}, outcome: jury.ReussitePartielle,
			conflict: "olivier.chevalier@demo.acquis.fr", conflictNote: "A travaillé avec la candidate dans la même association jusqu'en 2024.",
			votes:   map[string]map[string]string{"RNCP37779BC03": {"helene.marchand@demo.acquis.fr": jury.NonValide, "sophie.roussel@demo.acquis.fr": jury.Valide}},
			reasons: map[string]string{"RNCP37779BC03": "Le dossier décrit l'accompagnement de la personne mais pas celui des collectifs de travail ; les grilles relèvent ces critères non acquis."}},
		{email: "sandrine.grondin@demo.acquis.fr", evaluators: []string{"helene.marchand@demo.acquis.fr", "olivier.chevalier@demo.acquis.fr"}, outcome: jury.ReussiteTotale},
		{email: "jerome.blanchard@demo.acquis.fr", evaluators: []string{"helene.marchand@demo.acquis.fr", "olivier.chevalier@demo.acquis.fr"}, outcome: jury.Absent},
	}, true); err != nil {
		return fmt.Errorf("demo : session signée : %w", err)
	}
	open := time.Now().AddDate(0, 0, 14).Truncate(time.Hour)
	if err := j.session(open, "Rennes", []string{"fatou.diallo@demo.acquis.fr", "bernard.faure@demo.acquis.fr", "patrick.lemoine@demo.acquis.fr"}, []assignment{
		{email: "maelle.guivarch@demo.acquis.fr", evaluators: []string{"fatou.diallo@demo.acquis.fr", "bernard.faure@demo.acquis.fr"}},
		{email: "anais.perret@demo.acquis.fr", evaluators: []string{"bernard.faure@demo.acquis.fr", "patrick.lemoine@demo.acquis.fr"}},
		{email: "didier.hoarau@demo.acquis.fr", evaluators: []string{"bernard.faure@demo.acquis.fr", "patrick.lemoine@demo.acquis.fr"}},
	}, false); err != nil {
		return fmt.Errorf("demo : session ouverte : %w", err)
	}
	return nil
}
