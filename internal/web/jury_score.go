package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/fielderr"
	"acquis/internal/jury"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

type juryHomeView struct {
	Layout
	Sessions []jury.HomeSession
}

// juryHome is a member's list: their sessions and, in each, only the
// candidacies assigned to them.
func (s *Server) juryHome(c echo.Context) error {
	list, err := s.jury.Home(c.Request().Context(), principal(c).UserID)
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "jury_home", juryHomeView{Layout: s.layout(c, "Mes jurys"), Sessions: list})
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

func (s *Server) juryCandidate(c echo.Context, at juryCandidate) error {
	return s.renderJuryCandidate(c, at, http.StatusOK, nil)
}

func (s *Server) renderJuryCandidate(c echo.Context, at juryCandidate, status int, errs FormErrors) error {
	ctx := c.Request().Context()
	sess, cd := at.Session, at.Candidacy
	uid := principal(c).UserID
	g, err := s.jury.Grid(ctx, sess.ID, cd.ID, uid)
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

func (s *Server) candidatePath(c echo.Context, at juryCandidate) string {
	return sessionPath(at.Session.ID) + "/candidats/" + itoa(at.Candidacy.ID)
}

func (s *Server) juryDeclare(c echo.Context, at juryCandidate) error {
	err := s.jury.Declare(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID)
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderJuryCandidate(c, at, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, s.candidatePath(c, at), "Déclaration d'absence de conflit d'intérêts signée : le dossier du candidat vous est ouvert.")
}

// juryDeclareConflict records the member's statement of a conflict with
// the candidate: they are recused for that candidate.
func (s *Server) juryDeclareConflict(c echo.Context, at juryCandidate) error {
	var f struct {
		Note string `form:"note"`
	}
	err := bindForm(c, &f)
	if err == nil {
		err = s.jury.DeclareConflict(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID, f.Note)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderJuryCandidate(c, at, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, s.candidatePath(c, at), "Conflit d'intérêts déclaré : vous ne prenez pas part à l'évaluation ni à la délibération de ce candidat.")
}

// juryVerdict saves one criterion from the plain form (without
// JavaScript); the autosave goes through apiJuryVerdict.
func (s *Server) juryVerdict(c echo.Context, at juryCandidate) error {
	var f verdictRequest
	err := bindForm(c, &f)
	crit := f.Criterion
	if err == nil {
		_, err = s.jury.RecordVerdict(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID, crit, f.Verdict, f.Comment)
	}
	if l, ok := fielderr.From(err); ok {
		// The grid has one form per criterion: the message goes beside it.
		return s.renderJuryCandidate(c, at, http.StatusUnprocessableEntity, FormErrors{"c-" + crit: l[0].Message})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, s.candidatePath(c, at)+"#c-"+crit, "Critère enregistré.")
}

func (s *Server) jurySubmitGrid(c echo.Context, at juryCandidate) error {
	err := s.jury.SubmitGrid(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID)
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderJuryCandidate(c, at, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, s.candidatePath(c, at), "Grille remise. Les appréciations des autres membres vous sont maintenant visibles.")
}

// verdictRequest is one criterion's verdict: posted by the plain form
// (form tags) or sent by the autosave (JSON).
type verdictRequest struct {
	Criterion string `json:"criterion" form:"criterion"`
	Verdict   string `json:"verdict" form:"verdict"`
	Comment   string `json:"comment" form:"comment"`
}

// apiJuryVerdict is the grid's autosave: one criterion per request.
func (s *Server) apiJuryVerdict(c echo.Context, at juryCandidate) error {
	var req verdictRequest
	if err := c.Bind(&req); err != nil {
		return fail(http.StatusBadRequest, "Requête mal formée : attendu {criterion, verdict, comment}.")
	}
	verdict, ok := apiVerdictValue(req.Verdict)
	if !ok {
		return failField(http.StatusUnprocessableEntity, "verdict", apiVerdictMessage)
	}
	v, err := s.jury.RecordVerdict(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID, req.Criterion, verdict, req.Comment)
	if err != nil {
		return err // a refused field is a 422 naming it (errors.go)
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
func (s *Server) apiJuryGrid(c echo.Context, at juryCandidate) error {
	g, err := s.jury.Grid(c.Request().Context(), at.Session.ID, at.Candidacy.ID, principal(c).UserID)
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
