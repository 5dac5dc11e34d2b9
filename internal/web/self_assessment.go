package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

type selfAssessmentView struct {
	Layout
	C        *portfolio.Candidacy
	Blocks   []referentiel.Block
	Scale    []portfolio.Level
	Ratings  map[string]portfolio.Assessment
	Editable bool
	Errors   FormErrors
}

func (s *Server) selfAssessmentShow(c echo.Context, cd *portfolio.Candidacy) error {
	return s.renderSelfAssessment(c, cd, http.StatusOK, nil, nil)
}

func (s *Server) renderSelfAssessment(c echo.Context, cd *portfolio.Candidacy, status int, posted map[string]portfolio.Assessment, errs FormErrors) error {
	ctx := c.Request().Context()
	cert, err := s.refs.Version(ctx, cd.VersionID)
	if err != nil {
		return err
	}
	ratings := posted
	if ratings == nil {
		if ratings, err = s.portfolio.SelfAssessment(ctx, cd.ID); err != nil {
			return err
		}
	}
	v := selfAssessmentView{Layout: s.layout(c, "Auto-évaluation"), C: cd, Scale: portfolio.Scale, Ratings: ratings, Errors: errs,
		Editable: cd.State.Editable() && !cd.Locked && account.Can(principal(c), account.ActCandidacyOwn, account.Resource{OwnerUserID: cd.CandidateID})}
	for _, t := range cd.Blocks {
		for _, b := range cert.Blocks {
			if b.Code == t.BlockCode {
				v.Blocks = append(v.Blocks, b)
			}
		}
	}
	return s.render.render(c, status, "self_assessment", v)
}

func (s *Server) selfAssessmentSave(c echo.Context, cd *portfolio.Candidacy) error {
	ctx := c.Request().Context()
	cert, err := s.refs.Version(ctx, cd.VersionID)
	if err != nil {
		return err
	}
	// One level and one comment per competence of the targeted blocs:
	// names built from the référentiel, which no struct can list.
	levels, err := prefixedFields(c, "level_")
	if err != nil {
		return fail(http.StatusBadRequest, "Le formulaire est mal formé.")
	}
	comments, err := prefixedFields(c, "comment_")
	if err != nil {
		return fail(http.StatusBadRequest, "Le formulaire est mal formé.")
	}
	var ratings []portfolio.Assessment
	posted := map[string]portfolio.Assessment{}
	targeted := map[string]bool{}
	for _, t := range cd.Blocks {
		targeted[t.BlockCode] = true
	}
	for _, b := range cert.Blocks {
		if !targeted[b.Code] {
			continue
		}
		for _, cp := range b.Competences {
			lv, err := strconv.ParseInt(strings.TrimSpace(levels[cp.Code]), 10, 64)
			if strings.TrimSpace(levels[cp.Code]) == "" {
				lv, err = 0, nil // not rated: the domain says whether that may be
			}
			if err != nil {
				return s.renderSelfAssessment(c, cd, http.StatusUnprocessableEntity, posted, FormErrors{"level_" + cp.Code: "Choisissez un niveau de 1 à 5."})
			}
			a := portfolio.Assessment{CompetenceCode: cp.Code, Level: int(lv), Comment: comments[cp.Code]}
			ratings = append(ratings, a)
			posted[cp.Code] = a
		}
	}
	err = s.portfolio.SaveSelfAssessment(ctx, actor(c), cd.ID, ratings)
	if errors.Is(err, portfolio.ErrLocked) {
		return s.renderSelfAssessment(c, cd, http.StatusConflict, posted, FormErrors{"": "Le dossier est déposé : l'auto-évaluation ne peut plus changer."})
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderSelfAssessment(c, cd, http.StatusUnprocessableEntity, posted, errs)
		})
	}
	return redirectWith(c, candidacyPath(cd.ID), "Auto-évaluation enregistrée.")
}
