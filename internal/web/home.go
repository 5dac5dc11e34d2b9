package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/referentiel"
)

type homeView struct {
	Layout
	Certifications []referentiel.Summary
	// Platforms and Certifiers are whom a visitor contacts to apply.
	Platforms  []account.Organisation
	Certifiers []account.Organisation
	// Space is the signed-in person's own space, when they have one.
	Space string
}

func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	idx, err := s.currentRefs(c)
	if err != nil {
		return err
	}
	v := homeView{Layout: s.layout(c, "Accueil"), Certifications: idx.List()}
	if v.Platforms, err = s.accounts.Organisations(ctx, account.OrgPlatform); err != nil {
		return err
	}
	if v.Certifiers, err = s.accounts.Organisations(ctx, account.OrgCertifier); err != nil {
		return err
	}
	if p := principal(c); p != nil {
		v.Space = landingFor(p)
	}
	return s.render.render(c, http.StatusOK, "home", v)
}

// landingFor is the page a person lands on after signing in: the space of
// their main role (the certifier's administration first, then a platform,
// the pilotage, the jury, the candidate's space), or their account when
// they hold no role.
func landingFor(p *account.Principal) string {
	switch {
	case p.Has(account.RoleAdmin):
		return "/admin"
	case len(p.ManagedPlatforms()) > 0:
		return platformPath(p.ManagedPlatforms()[0])
	case p.Has(account.RoleObserver):
		return "/pilotage"
	case p.Has(account.RoleJuryMember):
		return "/jury"
	case p.Has(account.RoleCandidate):
		return "/candidat"
	}
	return "/compte"
}
