package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

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

// juryVote records the asker's vote on one bloc of one candidate.
func (s *Server) juryVote(c echo.Context, at juryCandidate) error {
	return s.chairAct(c, at.Session, func() error {
		return s.jury.Vote(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID, c.FormValue("block"), c.FormValue("vote"))
	}, "Vote enregistré.")
}

// juryDecide closes the vote on a bloc: the count decides.
func (s *Server) juryDecide(c echo.Context, at juryCandidate) error {
	return s.chairAct(c, at.Session, func() error {
		return s.jury.Decide(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID, c.FormValue("block"), c.FormValue("reason"))
	}, "Décision du jury enregistrée.")
}

// juryOutcome confirms the outcome the bloc decisions give, or records
// the candidate absent or excused.
func (s *Server) juryOutcome(c echo.Context, at juryCandidate) error {
	return s.chairAct(c, at.Session, func() error {
		return s.jury.SetOutcome(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID, jury.Outcome(c.FormValue("absence")), c.FormValue("preconisations"))
	}, "Résultat confirmé.")
}

func (s *Server) jurySign(c echo.Context, sess *jury.Session) error {
	if c.FormValue("confirm") != "oui" {
		return s.renderDeliberation(c, sess, http.StatusUnprocessableEntity, FormErrors{"confirm": "Cochez la case pour confirmer la signature : elle est définitive."})
	}
	return s.chairAct(c, sess, func() error {
		_, err := s.jury.Sign(c.Request().Context(), actor(c), sess.ID)
		return err
	}, "Procès-verbal signé. Les candidats voient leurs résultats.")
}

func (s *Server) juryAmend(c echo.Context, sess *jury.Session) error {
	cid, ok := formInt(c, "candidacy")
	if !ok || cid == 0 {
		return s.renderDeliberation(c, sess, http.StatusUnprocessableEntity, FormErrors{"changes": "Choisissez la candidature à corriger."})
	}
	ch := jury.AmendmentChange{CandidacyID: cid, BlockCode: c.FormValue("block"), Decision: c.FormValue("decision"),
		Outcome: jury.Outcome(c.FormValue("outcome")), Preconisations: c.FormValue("preconisations")}
	return s.chairAct(c, sess, func() error {
		_, err := s.jury.Amend(c.Request().Context(), actor(c), sess.ID, c.FormValue("reason"), []jury.AmendmentChange{ch})
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
