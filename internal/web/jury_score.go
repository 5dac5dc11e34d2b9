package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

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
	// Mine is the viewer's marks as the form shows them: the saved ones,
	// or the ones just posted when the grid comes back with an error.
	Mine map[string]jury.Verdict
	// Scored of Total criteria are marked; GridState says where the grid
	// stands, beside that counter.
	Scored, Total int
	GridState     string
}

func (s *Server) juryCandidate(c echo.Context, at juryCandidate) error {
	return s.renderJuryCandidate(c, at, http.StatusOK, nil)
}

func (s *Server) renderJuryCandidate(c echo.Context, at juryCandidate, status int, errs FormErrors) error {
	return s.renderJuryGrid(c, at, status, errs, nil)
}

// gridState says in French where a grid stands, beside its counter.
func gridState(g *jury.Grid, open bool, scored, total int) string {
	switch {
	case g.Submitted:
		return "grille remise."
	case !g.Declared:
		return "déclaration d'absence de conflit d'intérêts à signer."
	case !open:
		return "session non ouverte à l'évaluation."
	case scored == total:
		return "grille complète, à remettre."
	}
	return "grille en cours, non remise."
}

// renderJuryGrid renders the page; posted, when not nil, are the marks of
// a refused whole-grid post, shown instead of the saved ones so that
// nothing typed is lost.
func (s *Server) renderJuryGrid(c echo.Context, at juryCandidate, status int, errs FormErrors, posted map[string]jury.Verdict) error {
	ctx := c.Request().Context()
	sess, cd := at.Session, at.Candidacy
	g, err := s.gridOf(c, at)
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
	v.Mine = g.Mine
	if posted != nil {
		v.Mine = posted
	}
	for _, b := range g.Blocks {
		for _, cp := range b.Competences {
			v.Competence[cp.Code] = cp
		}
		for _, cr := range b.Criteria {
			v.Total++
			if _, ok := g.Mine[cr.Code]; ok {
				v.Scored++
			}
		}
	}
	v.GridState = gridState(g, sess.Status == jury.Open, v.Scored, v.Total)
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

// gridForm is the whole-grid post's one fixed field: the criterion whose
// button was pressed, to come back to it.
type gridForm struct {
	Focus string `form:"focus"`
}

// juryVerdict saves the whole grid from the plain form (without
// JavaScript): every criterion chosen or changed, in one transaction, so
// saving one criterion never loses a choice made on another. The autosave
// goes through apiJuryVerdict, one criterion at a time.
func (s *Server) juryVerdict(c echo.Context, at juryCandidate) error {
	ctx := c.Request().Context()
	g, err := s.jury.Grid(ctx, at.Session.ID, at.Candidacy.ID, principal(c).UserID)
	if err != nil {
		return err
	}
	if !g.Evaluator {
		return jury.ErrNotFound
	}
	posted := map[string]jury.Verdict{}
	var marks []jury.VerdictInput
	// The fixed field is bound; the verdict-<criterion> and
	// comment-<criterion> fields are named after the grid's criteria,
	// which no struct can list: prefixedFields reads them.
	var f gridForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	verdicts, err := prefixedFields(c, "verdict-")
	if err != nil {
		return err
	}
	comments, err := prefixedFields(c, "comment-")
	if err != nil {
		return err
	}
	focus, back := f.Focus, s.candidatePath(c, at)
	for _, b := range g.Blocks {
		for _, cr := range b.Criteria {
			if cr.Code == focus {
				back += "#c-" + focus // the criterion whose button was pressed, never other text
			}
			m := jury.VerdictInput{Criterion: cr.Code, Verdict: verdicts[cr.Code], Comment: comments[cr.Code]}
			if m.Verdict == "" && strings.TrimSpace(m.Comment) == "" {
				continue
			}
			posted[cr.Code] = jury.Verdict{CriterionCode: cr.Code, Verdict: m.Verdict, Comment: m.Comment}
			if old, ok := g.Mine[cr.Code]; ok && old.Verdict == m.Verdict && old.Comment == strings.TrimSpace(m.Comment) {
				continue // unchanged: no write, no audit row
			}
			marks = append(marks, m)
		}
	}
	if len(marks) == 0 {
		return redirectWith(c, back, "Aucun changement à enregistrer.")
	}
	_, err = s.jury.RecordVerdicts(ctx, actor(c), at.Session.ID, at.Candidacy.ID, marks)
	var ce *jury.CriterionError
	if errors.As(err, &ce) {
		return s.renderJuryGrid(c, at, http.StatusUnprocessableEntity, FormErrors{"c-" + ce.Criterion: ce.Refusal.Message}, posted)
	}
	if err != nil {
		return err
	}
	if len(marks) == 1 {
		return redirectWith(c, back, "Critère "+marks[0].Criterion+" enregistré.")
	}
	return redirectWith(c, back, itoa(int64(len(marks)))+" critères enregistrés.")
}

func (s *Server) jurySubmitGrid(c echo.Context, at juryCandidate) error {
	err := s.jury.SubmitGrid(c.Request().Context(), actor(c), at.Session.ID, at.Candidacy.ID)
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderJuryCandidate(c, at, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, s.candidatePath(c, at), "Grille remise. Les appréciations des autres membres vous sont maintenant visibles.")
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
	g, err := s.gridOf(c, at)
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
