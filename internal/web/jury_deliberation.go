package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/form"
	"acquis/internal/jury"
)

type deliberationView struct {
	Layout
	S        *jury.Session
	Board    *jury.Board
	IsChair  bool
	Outcomes []jury.Outcome
	Errors   FormErrors
}

func (s *Server) juryDeliberation(c echo.Context, sess *jury.Session) error {
	return s.renderDeliberation(c, sess, http.StatusOK, nil)
}

// renderDeliberation shows the whole session's deliberation from one
// Board (two set-based queries, whatever the number of candidates), each
// candidate as the blind rule lets the viewer see it.
func (s *Server) renderDeliberation(c echo.Context, sess *jury.Session, status int, errs FormErrors) error {
	ctx := c.Request().Context()
	uid := principal(c).UserID
	v := deliberationView{Layout: s.layout(c, "Délibération"), S: sess, Outcomes: []jury.Outcome{jury.Absent, jury.Excuse}, Errors: errs}
	var err error
	if v.Board, err = s.jury.Board(ctx, sess.ID, uid); err != nil {
		return err
	}
	v.IsChair = v.Board.ChairedBy(uid)
	return s.render.render(c, status, "jury_deliberation", v)
}

func (s *Server) chairAct(c echo.Context, sess *jury.Session, do func() error, done string) error {
	err := do()
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderDeliberation(c, sess, http.StatusUnprocessableEntity, errs)
		})
	}
	return redirectWith(c, sessionPath(sess.ID)+"/deliberation", done)
}

// blocVoteForm is one juror's vote on one bloc; jury.Vote judges the
// values (a known bloc, a known vote).
type blocVoteForm struct {
	Block string `form:"block"`
	Vote  string `form:"vote"`
}

// juryVote records the asker's vote on one bloc of one candidate.
func (s *Server) juryVote(c echo.Context, at juryCandidate) error {
	return s.chairAct(c, at.Session, func() error {
		var f blocVoteForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		return s.jury.Vote(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID, f.Block, f.Vote)
	}, "Vote enregistré.")
}

// blocDecideForm closes the vote on a bloc; the reason is required by
// jury.Decide only when the count does not decide.
type blocDecideForm struct {
	Block  string `form:"block"`
	Reason string `form:"reason"`
}

// juryDecide closes the vote on a bloc: the count decides.
func (s *Server) juryDecide(c echo.Context, at juryCandidate) error {
	return s.chairAct(c, at.Session, func() error {
		var f blocDecideForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		return s.jury.Decide(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID, f.Block, f.Reason)
	}, "Décision du jury enregistrée.")
}

// outcomeForm confirms a candidate's outcome; jury.SetOutcome judges the
// absence and whether préconisations are needed.
type outcomeForm struct {
	Absence        string `form:"absence"`
	Preconisations string `form:"preconisations"`
}

// juryOutcome confirms the outcome the bloc decisions give, or records
// the candidate absent or excused.
func (s *Server) juryOutcome(c echo.Context, at juryCandidate) error {
	return s.chairAct(c, at.Session, func() error {
		var f outcomeForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		return s.jury.SetOutcome(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID, jury.Outcome(f.Absence), f.Preconisations)
	}, "Résultat confirmé.")
}

// signForm is the chair's signature: the box must be ticked, since
// signing is final.
type signForm struct {
	Confirm string `form:"confirm" validate:"eq=oui" msg:"Cochez la case pour confirmer la signature : elle est définitive."`
}

func (s *Server) jurySign(c echo.Context, sess *jury.Session) error {
	return s.chairAct(c, sess, func() error {
		if err := bindForm(c, &signForm{}); err != nil {
			return err
		}
		_, err := s.jury.Sign(c.Request().Context(), actor(c), sess.ID)
		return err
	}, "Procès-verbal signé. Les candidats voient leurs résultats.")
}

// amendForm is one change to a signed session's minutes; jury.Amend
// judges the bloc, the decision and the reason.
type amendForm struct {
	Candidacy      string `form:"candidacy" validate:"id" msg:"Choisissez la candidature à corriger."`
	Block          string `form:"block"`
	Decision       string `form:"decision"`
	Outcome        string `form:"outcome"`
	Preconisations string `form:"preconisations"`
	Reason         string `form:"reason"`
}

func (s *Server) juryAmend(c echo.Context, sess *jury.Session) error {
	return s.chairAct(c, sess, func() error {
		var f amendForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		cid, _ := form.ParseID(strings.TrimSpace(f.Candidacy))
		ch := jury.AmendmentChange{CandidacyID: cid, BlockCode: f.Block, Decision: f.Decision,
			Outcome: jury.Outcome(f.Outcome), Preconisations: f.Preconisations}
		_, err := s.jury.Amend(c.Request().Context(), actor(c), sess.ID, f.Reason, []jury.AmendmentChange{ch})
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

func (s *Server) juryResults(c echo.Context, sess *jury.Session) error {
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
