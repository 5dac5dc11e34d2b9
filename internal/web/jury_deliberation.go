package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/jury"
	"acquis/internal/referentiel"
)

type deliberationView struct {
	Layout
	S        *jury.Session
	Members  []jury.Member
	Lines    []deliberationLine
	IsChair  bool
	Outcomes []jury.Outcome
	Minutes  []jury.Minutes
	Errors   FormErrors
}

type deliberationLine struct {
	Assignment jury.Assignment
	Blocks     []deliberationBlock
	Outcome    string
	Precos     string
}

type deliberationBlock struct {
	Block    referentiel.Block
	Tally    jury.BlockTally
	Verdicts map[string][]jury.Verdict
	Decision string
	Reason   string
}

func (s *Server) juryDeliberation(c echo.Context) error {
	return s.renderDeliberation(c, http.StatusOK, nil)
}

func (s *Server) renderDeliberation(c echo.Context, status int, errs FormErrors) error {
	ctx := c.Request().Context()
	sess := sessionOf(c)
	uid := principal(c).UserID
	v := deliberationView{Layout: s.layout(c, "Délibération"), S: sess, Outcomes: jury.Outcomes, Errors: errs}
	var err error
	if v.Members, err = s.jury.Members(ctx, sess.ID); err != nil {
		return err
	}
	for _, m := range v.Members {
		v.IsChair = v.IsChair || (m.IsChair && m.UserID == uid)
	}
	assignments, err := s.jury.Assignments(ctx, sess.ID)
	if err != nil {
		return err
	}
	var decisions []jury.BlockDecision
	if err := s.db.SelectContext(ctx, &decisions, `SELECT candidacy_id, block_code, proposal, decision, reason FROM jury_block_decisions WHERE session_id = $1`, sess.ID); err != nil {
		return err
	}
	var outcomes []struct {
		CandidacyID int64  `db:"candidacy_id"`
		Outcome     string `db:"outcome"`
		Precos      string `db:"preconisations"`
	}
	if err := s.db.SelectContext(ctx, &outcomes, `SELECT candidacy_id, outcome, preconisations FROM jury_outcomes WHERE session_id = $1`, sess.ID); err != nil {
		return err
	}
	for _, a := range assignments {
		line := deliberationLine{Assignment: a}
		for _, o := range outcomes {
			if o.CandidacyID == a.CandidacyID {
				line.Outcome, line.Precos = o.Outcome, o.Precos
			}
		}
		g, err := s.jury.Grid(ctx, sess.ID, a.CandidacyID, uid)
		if err != nil {
			return err
		}
		tallies, err := s.jury.Tally(ctx, s.db, sess.ID, a.CandidacyID)
		if err != nil {
			return err
		}
		for i, b := range g.Blocks {
			db := deliberationBlock{Block: b, Verdicts: g.Others}
			if i < len(tallies) {
				db.Tally = tallies[i]
			}
			for _, d := range decisions {
				if d.CandidacyID == a.CandidacyID && d.BlockCode == b.Code {
					db.Decision, db.Reason = d.Decision, d.Reason
				}
			}
			line.Blocks = append(line.Blocks, db)
		}
		v.Lines = append(v.Lines, line)
	}
	if v.Minutes, err = s.jury.MinutesVersions(ctx, sess.ID); err != nil {
		return err
	}
	return s.render.render(c, status, "jury_deliberation", v)
}

func (s *Server) chairAct(c echo.Context, do func() error, done string) error {
	err := do()
	if errs, other := validationErrors(err); errs != nil {
		return s.renderDeliberation(c, http.StatusUnprocessableEntity, errs)
	} else if other != nil {
		return juryError(other)
	}
	return redirectWith(c, sessionPath(sessionOf(c).ID)+"/deliberation", done)
}

func (s *Server) juryDecide(c echo.Context) error {
	return s.chairAct(c, func() error {
		return s.jury.Decide(c.Request().Context(), actor(c), sessionOf(c).ID, candidacyOf(c).ID, c.FormValue("block"), c.FormValue("decision"), c.FormValue("reason"))
	}, "Décision enregistrée.")
}

func (s *Server) juryOutcome(c echo.Context) error {
	return s.chairAct(c, func() error {
		return s.jury.SetOutcome(c.Request().Context(), actor(c), sessionOf(c).ID, candidacyOf(c).ID, jury.Outcome(c.FormValue("outcome")), c.FormValue("preconisations"))
	}, "Résultat enregistré.")
}

func (s *Server) jurySign(c echo.Context) error {
	if c.FormValue("confirm") != "oui" {
		return s.renderDeliberation(c, http.StatusUnprocessableEntity, FormErrors{"confirm": "Cochez la case pour confirmer la signature : elle est définitive."})
	}
	return s.chairAct(c, func() error {
		_, err := s.jury.Sign(c.Request().Context(), actor(c), sessionOf(c).ID)
		return err
	}, "Procès-verbal signé. Les candidats voient leurs résultats.")
}

func (s *Server) juryAmend(c echo.Context) error {
	cid, ok := formInt(c, "candidacy")
	if !ok || cid == 0 {
		return s.renderDeliberation(c, http.StatusUnprocessableEntity, FormErrors{"changes": "Choisissez la candidature à corriger."})
	}
	ch := jury.AmendmentChange{CandidacyID: cid, BlockCode: c.FormValue("block"), Decision: c.FormValue("decision"),
		Outcome: jury.Outcome(c.FormValue("outcome")), Preconisations: c.FormValue("preconisations")}
	return s.chairAct(c, func() error {
		_, err := s.jury.Amend(c.Request().Context(), actor(c), sessionOf(c).ID, c.FormValue("reason"), []jury.AmendmentChange{ch})
		if errors.Is(err, jury.ErrNotFound) {
			return fail(http.StatusConflict, "La session n'est pas signée.")
		}
		return err
	}, "Avenant signé : une nouvelle version du procès-verbal remplace la précédente, qui reste conservée.")
}

type juryResultsView struct {
	Layout
	S       *jury.Session
	Minutes []jury.Minutes
	Current *jury.Minutes
}

func (s *Server) juryResults(c echo.Context) error {
	sess := sessionOf(c)
	all, err := s.jury.MinutesVersions(c.Request().Context(), sess.ID)
	if err != nil {
		return err
	}
	v := juryResultsView{Layout: s.layout(c, "Résultats"), S: sess, Minutes: all}
	if len(all) > 0 {
		v.Current = &all[len(all)-1]
	}
	return s.render.render(c, http.StatusOK, "jury_results", v)
}
