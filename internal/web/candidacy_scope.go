package web

import (
	"errors"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/portfolio"
)

// candidacyScope loads the candidacy named by :id so the policy can check
// whose it is and which platform it belongs to; the handler receives it.
func (s *Server) candidacyScope() scope[*portfolio.Candidacy] {
	return scope[*portfolio.Candidacy]{params: []string{"id"}, load: func(c echo.Context) (*portfolio.Candidacy, account.Resource, error) {
		id, err := paramID(c, "id")
		if err != nil {
			return nil, account.Resource{}, err
		}
		return s.scopeOfCandidacy(c, id)
	}}
}

func (s *Server) scopeOfCandidacy(c echo.Context, id int64) (*portfolio.Candidacy, account.Resource, error) {
	cd, err := s.portfolio.Candidacy(c.Request().Context(), id)
	if errors.Is(err, portfolio.ErrNotFound) {
		return nil, account.Resource{}, missing("Cette candidature n'existe pas.")
	}
	if err != nil {
		return nil, account.Resource{}, err
	}
	res := account.Resource{OwnerUserID: cd.CandidateID, PlatformID: cd.PlatformID, RegionCode: cd.RegionCode}
	// An evaluator of this candidacy may read it and its documents.
	if p := principal(c); p.Has(account.RoleJuryMember) {
		if res.JuryEvaluator, err = s.jury.EvaluatesCandidacy(c.Request().Context(), p.UserID, id); err != nil {
			return nil, res, err
		}
	}
	return cd, res, nil
}

// documentAt is a document with the candidacy it belongs to.
type documentAt struct {
	Document  portfolio.Document
	Candidacy *portfolio.Candidacy
}

// documentScope loads the document named by :id, then its candidacy,
// whose scope is the document's.
func (s *Server) documentScope() scope[documentAt] {
	return scope[documentAt]{params: []string{"id"}, load: func(c echo.Context) (documentAt, account.Resource, error) {
		id, err := paramID(c, "id")
		if err != nil {
			return documentAt{}, account.Resource{}, err
		}
		d, err := s.portfolio.Document(c.Request().Context(), id)
		if errors.Is(err, portfolio.ErrNotFound) {
			return documentAt{}, account.Resource{}, missing("Ce document n'existe pas.")
		}
		if err != nil {
			return documentAt{}, account.Resource{}, err
		}
		cd, res, err := s.scopeOfCandidacy(c, d.CandidacyID)
		if err != nil || !res.JuryEvaluator {
			return documentAt{Document: d, Candidacy: cd}, res, err
		}
		// An evaluator opens only what the candidate deposited: not a version
		// superseded before the deposit, nor one uploaded after it.
		res.JuryEvaluator, err = s.portfolio.Deposited(c.Request().Context(), d.CandidacyID, d.ID)
		return documentAt{Document: d, Candidacy: cd}, res, err
	}}
}
