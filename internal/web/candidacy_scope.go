package web

import (
	"errors"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/portfolio"
)

const ctxCandidacy = "candidacy"

// candidacyScope loads the candidacy named by :id so the policy can check
// whose it is and which platform it belongs to.
func (s *Server) candidacyScope(c echo.Context) (account.Resource, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return account.Resource{}, err
	}
	return s.scopeOfCandidacy(c, id)
}

func (s *Server) scopeOfCandidacy(c echo.Context, id int64) (account.Resource, error) {
	cd, err := s.portfolio.Candidacy(c.Request().Context(), id)
	if errors.Is(err, portfolio.ErrNotFound) {
		return account.Resource{}, missing("Cette candidature n'existe pas.")
	}
	if err != nil {
		return account.Resource{}, err
	}
	c.Set(ctxCandidacy, cd)
	res := account.Resource{OwnerUserID: cd.CandidateID, PlatformID: cd.PlatformID, RegionCode: cd.RegionCode}
	// An evaluator of this candidacy may read it and its documents.
	if p := principal(c); p.Has(account.RoleJuryMember) {
		if res.JuryEvaluator, err = s.jury.EvaluatesCandidacy(c.Request().Context(), p.UserID, id); err != nil {
			return res, err
		}
	}
	return res, nil
}

// documentScope loads the document named by :id, then its candidacy.
func (s *Server) documentScope(c echo.Context) (account.Resource, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return account.Resource{}, err
	}
	d, err := s.portfolio.Document(c.Request().Context(), id)
	if errors.Is(err, portfolio.ErrNotFound) {
		return account.Resource{}, missing("Ce document n'existe pas.")
	}
	if err != nil {
		return account.Resource{}, err
	}
	c.Set("document", d)
	res, err := s.scopeOfCandidacy(c, d.CandidacyID)
	if err != nil || !res.JuryEvaluator {
		return res, err
	}
	// An evaluator opens only what the candidate deposited: not a version
	// superseded before the deposit, nor one uploaded after it.
	res.JuryEvaluator, err = s.portfolio.Deposited(c.Request().Context(), d.CandidacyID, d.ID)
	return res, err
}

func candidacyOf(c echo.Context) *portfolio.Candidacy {
	return c.Get(ctxCandidacy).(*portfolio.Candidacy)
}
