package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/portfolio"
)

// apiCandidacyPerPage is the API's page of candidacies, by default and
// at most.
const apiCandidacyPerPage, apiCandidacyMaxPerPage = 20, 100

// apiCandidacyList is the asker's candidacies, a page at a time (page,
// per_page), with Link headers to the other pages. A page past the last
// is an empty list.
func (s *Server) apiCandidacyList(c echo.Context) error {
	p, err := readPager(c, apiCandidacyPerPage, apiCandidacyMaxPerPage)
	if err != nil {
		return err
	}
	list, total, err := s.portfolio.CandidacyPage(c.Request().Context(), portfolio.Filter{CandidateID: principal(c).UserID}, p.Offset(), p.PerPage)
	if err != nil {
		return err
	}
	p.Total = total
	p.setLinks(c)
	return c.JSON(http.StatusOK, map[string]any{"candidacies": list, "pagination": p.info()})
}

// apiCandidacy is a candidacy with its documents and self-assessment.
type apiCandidacy struct {
	*portfolio.Candidacy
	Documents      []portfolio.Document            `json:"documents"`
	SelfAssessment map[string]portfolio.Assessment `json:"self_assessment"`
	Deposits       []portfolio.Deposit             `json:"deposits"`
	History        []portfolio.TransitionRecord    `json:"history"`
	Missing        map[string][]missingDeliverable `json:"missing"`
}

type missingDeliverable struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

func (s *Server) apiCandidacyShow(c echo.Context, cd *portfolio.Candidacy) error {
	ctx := c.Request().Context()
	out := apiCandidacy{Candidacy: cd, Missing: map[string][]missingDeliverable{}}
	var err error
	if out.Documents, err = s.portfolio.Documents(ctx, cd.ID); err != nil {
		return err
	}
	if out.SelfAssessment, err = s.portfolio.SelfAssessment(ctx, cd.ID); err != nil {
		return err
	}
	if out.Deposits, err = s.portfolio.Deposits(ctx, cd.ID); err != nil {
		return err
	}
	if out.History, err = s.portfolio.History(ctx, cd.ID); err != nil {
		return err
	}
	// Empty lists are [] for the API, never null.
	out.Documents = nonNil(out.Documents)
	out.Deposits = nonNil(out.Deposits)
	out.History = nonNil(out.History)
	if out.SelfAssessment == nil {
		out.SelfAssessment = map[string]portfolio.Assessment{}
	}
	cd.Blocks, cd.Equivalences = nonNil(cd.Blocks), nonNil(cd.Equivalences)
	cert, err := s.refs.Version(ctx, cd.VersionID)
	if err != nil {
		return err
	}
	for b, ds := range portfolio.Missing(cert, cd, out.Documents) {
		for _, d := range ds {
			out.Missing[b] = append(out.Missing[b], missingDeliverable{Code: d.Code, Label: d.Label})
		}
	}
	return c.JSON(http.StatusOK, out)
}

// nonNil is list, or an empty one where it is nil, so that JSON says [].
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
