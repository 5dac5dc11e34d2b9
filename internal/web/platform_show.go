package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
)

// platformScope finds the platform named by the route, so the policy can
// check that the asker manages or observes it; the handler receives it.
func (s *Server) platformScope() scope[account.Organisation] {
	return scope[account.Organisation]{params: []string{"id"}, load: s.loadPlatform}
}

func (s *Server) loadPlatform(c echo.Context) (account.Organisation, account.Resource, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return account.Organisation{}, account.Resource{}, err
	}
	o, err := s.accounts.Organisation(c.Request().Context(), id)
	if errors.Is(err, account.ErrNotFound) || (err == nil && o.Kind != account.OrgPlatform) {
		return account.Organisation{}, account.Resource{}, missing("Cette plateforme n'existe pas.")
	}
	if err != nil {
		return account.Organisation{}, account.Resource{}, err
	}
	return o, account.Resource{PlatformID: o.ID, RegionCode: o.RegionCode}, nil
}

type platformView struct {
	Layout
	platformDashboard
	Platform  account.Organisation
	Partners  []account.Organisation
	Staff     []account.User
	CanManage bool
	Form      inviteForm
	Errors    FormErrors
}

func (s *Server) platformShow(c echo.Context, o account.Organisation) error {
	return s.renderPlatform(c, o, http.StatusOK, inviteForm{}, nil)
}

func (s *Server) renderPlatform(c echo.Context, o account.Organisation, status int, form inviteForm, errs FormErrors) error {
	ctx := c.Request().Context()
	partners, err := s.accounts.PlatformPartners(ctx, o.ID)
	if err != nil {
		return err
	}
	staff, err := s.accounts.Users(ctx, account.UserFilter{PlatformID: o.ID})
	if err != nil {
		return err
	}
	d, _, err := s.dashboard(c, o.ID)
	if err != nil {
		return err
	}
	v := platformView{Layout: s.layout(c, o.Name), platformDashboard: d, Platform: o, Partners: partners, Staff: staff,
		CanManage: account.Can(principal(c), account.ActPlatformManage, account.Resource{PlatformID: o.ID, RegionCode: o.RegionCode}),
		Form:      form, Errors: errs}
	return s.render.render(c, status, "platform", v)
}

// personForm is the manager's invitation: only the person, since the
// role (candidate) and the organisation (this platform) are fixed here;
// account.Invite judges the name and the address.
type personForm struct {
	Email    string `form:"email"`
	FullName string `form:"full_name"`
}

// platformInvite lets a manager invite a member of their own staff: the
// account is attached to the platform, with the candidate role only, so a
// manager can never hand out more than that.
func (s *Server) platformInvite(c echo.Context, o account.Organisation) error {
	var p personForm
	err := bindForm(c, &p)
	form := inviteForm{Email: p.Email, FullName: p.FullName}
	if err == nil {
		_, err = s.accounts.Invite(c.Request().Context(), actor(c), account.NewUser{Email: form.Email, FullName: form.FullName,
			OrganisationID: o.ID, Grants: []account.Grant{{Role: account.RoleCandidate}}}, s.cfg.BaseURL, principal(c).Name)
	}
	if errors.Is(err, account.ErrEmailTaken) {
		// Saying « an account exists » would tell a manager that an
		// address is known anywhere (issue 13 #6): the person is told
		// instead, and the manager gets the same answer as for a new
		// address.
		err = s.accounts.NoticeExistingAccount(c.Request().Context(), actor(c), o, principal(c).Name, strings.ToLower(strings.TrimSpace(form.Email)), s.cfg.BaseURL)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderPlatform(c, o, http.StatusUnprocessableEntity, form, errs) })
	}
	s.deliverMail(c)
	return redirectWith(c, platformPath(o.ID), inviteSent(form.Email))
}

// inviteSent is the answer to an invitation, whether the address already
// had an account or not.
func inviteSent(email string) string {
	return "Un message est envoyé à " + strings.TrimSpace(email) + " : une invitation à activer son compte, ou, si l'adresse a déjà un compte, l'indication de s'y connecter."
}
