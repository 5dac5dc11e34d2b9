package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/jury"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

type juryHomeView struct {
	Layout
	Sessions []juryHomeLine
}

type juryHomeLine struct {
	jury.Session
	Mine   []jury.Assignment
	Others []jury.Assignment // candidates the member does not evaluate but deliberates on, after declaring
}

// juryHome is a member's list: their sessions and, in each, only the
// candidacies assigned to them.
func (s *Server) juryHome(c echo.Context) error {
	ctx := c.Request().Context()
	uid := principal(c).UserID
	list, err := s.jury.Sessions(ctx, uid)
	if err != nil {
		return err
	}
	v := juryHomeView{Layout: s.layout(c, "Mes jurys")}
	for _, sess := range list {
		line := juryHomeLine{Session: sess}
		all, err := s.jury.Assignments(ctx, sess.ID)
		if err != nil {
			return err
		}
		for _, a := range all {
			mine := false
			for _, e := range a.Evaluators {
				mine = mine || e.EvaluatorID == uid
			}
			if mine {
				line.Mine = append(line.Mine, a)
			} else {
				line.Others = append(line.Others, a)
			}
		}
		v.Sessions = append(v.Sessions, line)
	}
	return s.render.render(c, http.StatusOK, "jury_home", v)
}

type juryCandidateView struct {
	Layout
	S          *jury.Session
	C          *portfolio.Candidacy
	Grid       *jury.Grid
	Documents  []portfolio.Document
	Self       map[string]portfolio.Assessment
	Scale      []portfolio.Level
	Competence map[string]referentiel.Competence
	Evaluator  bool
	// ConflictLabel says why the member takes no part, if they do not.
	ConflictLabel string
	Errors        FormErrors
}

func (s *Server) juryCandidate(c echo.Context) error {
	return s.renderJuryCandidate(c, http.StatusOK, nil)
}

func (s *Server) renderJuryCandidate(c echo.Context, status int, errs FormErrors) error {
	ctx := c.Request().Context()
	sess, cd := sessionOf(c), candidacyOf(c)
	g, err := s.gridOf(c)
	if err != nil {
		return err
	}
	v := juryCandidateView{Layout: s.layout(c, "Évaluation — "+cd.CandidateName), S: sess, C: cd, Grid: g, Scale: portfolio.Scale,
		Evaluator: g.Evaluator, Errors: errs, Competence: map[string]referentiel.Competence{}, ConflictLabel: jury.ConflictLabel(g.Access.Conflict)}
	// Nothing of the candidate but the name before the member's
	// declaration of no conflict, and nothing at all for a member in
	// conflict.
	if g.Access.SeesFile() {
		if v.Documents, err = s.portfolio.DossierDocuments(ctx, cd.ID); err != nil {
			return err
		}
		if v.Self, err = s.portfolio.SelfAssessment(ctx, cd.ID); err != nil {
			return err
		}
	}
	for _, b := range g.Blocks {
		for _, cp := range b.Competences {
			v.Competence[cp.Code] = cp
		}
	}
	return s.render.render(c, status, "jury_candidate", v)
}

func (s *Server) candidatePath(c echo.Context) string {
	return sessionPath(sessionOf(c).ID) + "/candidats/" + itoa(candidacyOf(c).ID)
}

func (s *Server) juryDeclare(c echo.Context) error {
	err := s.jury.Declare(c.Request().Context(), actor(c), sessionOf(c).ID, candidacyOf(c).ID)
	if errs, other := validationErrors(err); errs != nil {
		return s.renderJuryCandidate(c, http.StatusUnprocessableEntity, errs)
	} else if other != nil {
		return juryError(other)
	}
	return redirectWith(c, s.candidatePath(c), "Déclaration d'absence de conflit d'intérêts signée : le dossier du candidat vous est ouvert.")
}

// juryDeclareConflict records the member's statement of a conflict with
// the candidate: they are recused for that candidate.
func (s *Server) juryDeclareConflict(c echo.Context) error {
	err := s.jury.DeclareConflict(c.Request().Context(), actor(c), sessionOf(c).ID, candidacyOf(c).ID, c.FormValue("note"))
	if errs, other := validationErrors(err); errs != nil {
		return s.renderJuryCandidate(c, http.StatusUnprocessableEntity, errs)
	} else if other != nil {
		return juryError(other)
	}
	return redirectWith(c, s.candidatePath(c), "Conflit d'intérêts déclaré : vous ne prenez pas part à l'évaluation ni à la délibération de ce candidat.")
}

// juryVerdict saves one criterion from the plain form (without
// JavaScript); the autosave goes through apiJuryVerdict.
func (s *Server) juryVerdict(c echo.Context) error {
	crit := c.FormValue("criterion")
	_, err := s.jury.RecordVerdict(c.Request().Context(), actor(c), sessionOf(c).ID, candidacyOf(c).ID, crit, c.FormValue("verdict"), c.FormValue("comment"))
	var ve *jury.ValidationError
	if errors.As(err, &ve) {
		return s.renderJuryCandidate(c, http.StatusUnprocessableEntity, FormErrors{"c-" + crit: ve.Message})
	}
	if err != nil {
		return juryError(err)
	}
	return redirectWith(c, s.candidatePath(c)+"#c-"+crit, "Critère enregistré.")
}

func (s *Server) jurySubmitGrid(c echo.Context) error {
	err := s.jury.SubmitGrid(c.Request().Context(), actor(c), sessionOf(c).ID, candidacyOf(c).ID)
	if errs, other := validationErrors(err); errs != nil {
		return s.renderJuryCandidate(c, http.StatusUnprocessableEntity, errs)
	} else if other != nil {
		return juryError(other)
	}
	return redirectWith(c, s.candidatePath(c), "Grille remise. Les appréciations des autres membres vous sont maintenant visibles.")
}

// juryError turns the jury package's sentinels into French answers.
func juryError(err error) error {
	switch {
	case errors.Is(err, jury.ErrSigned):
		return fail(http.StatusConflict, "Le procès-verbal de cette session est signé : plus rien ne peut y être modifié (un avenant le corrige).")
	case errors.Is(err, jury.ErrNotFound):
		return fail(http.StatusForbidden, "Vous n'évaluez pas cette candidature.")
	}
	return err
}

type verdictRequest struct {
	Criterion string `json:"criterion"`
	Verdict   string `json:"verdict"`
	Comment   string `json:"comment"`
}

// apiJuryVerdict is the grid's autosave: one criterion per request.
func (s *Server) apiJuryVerdict(c echo.Context) error {
	var req verdictRequest
	if err := c.Bind(&req); err != nil {
		return fail(http.StatusBadRequest, "Requête mal formée : attendu {criterion, verdict, comment}.")
	}
	verdict, ok := apiVerdictValue(req.Verdict)
	if !ok {
		return failField(http.StatusUnprocessableEntity, "verdict", apiVerdictMessage)
	}
	v, err := s.jury.RecordVerdict(c.Request().Context(), actor(c), sessionOf(c).ID, candidacyOf(c).ID, req.Criterion, verdict, req.Comment)
	var ve *jury.ValidationError
	if errors.As(err, &ve) {
		return failField(http.StatusUnprocessableEntity, ve.Field, ve.Message)
	}
	if err != nil {
		return juryError(err)
	}
	return c.JSON(http.StatusOK, v)
}

type apiGrid struct {
	Blind     bool                      `json:"blind"`
	Evaluator bool                      `json:"evaluator"`
	Declared  bool                      `json:"declared"`
	Submitted bool                      `json:"submitted"`
	Recused   bool                      `json:"recused"`
	LeftOut   string                    `json:"left_out,omitempty"`
	Mine      map[string]jury.Verdict   `json:"mine"`
	Others    map[string][]jury.Verdict `json:"others"`
	Criteria  []referentiel.Criterion   `json:"criteria"`
}

// apiJuryGrid reads a grid with the same blind rule as the page.
func (s *Server) apiJuryGrid(c echo.Context) error {
	g, err := s.gridOf(c)
	if err != nil {
		return err
	}
	out := apiGrid{Blind: g.Blind, Evaluator: g.Evaluator, Declared: g.Declared, Submitted: g.Submitted, Recused: g.Access.Recused(), Mine: g.Mine, Others: g.Others}
	if g.Access.LeftOut {
		out.LeftOut = g.Access.LeftOutReason
	}
	for _, b := range g.Blocks {
		out.Criteria = append(out.Criteria, b.Criteria...)
	}
	return c.JSON(http.StatusOK, out)
}
