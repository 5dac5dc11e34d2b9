package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/geo"
)

type adminUsersView struct {
	Layout
	Users     []userLine
	Query     string
	Role      string
	Roles     []account.Role
	Platforms []account.Organisation
	Orgs      []account.Organisation
	Regions   []geo.Region
	Form      inviteForm
	Errors    FormErrors
}

type userLine struct {
	account.User
	RoleLabels []string
}

type inviteForm struct {
	Email          string
	FullName       string
	Role           string
	PlatformID     int64
	RegionCode     string
	OrganisationID int64
}

func (s *Server) adminHome(c echo.Context) error {
	return s.render.render(c, http.StatusOK, "admin_home", struct{ Layout }{s.layout(c, "Administration")})
}

func (s *Server) adminUsers(c echo.Context) error {
	return s.renderAdminUsers(c, http.StatusOK, inviteForm{}, nil)
}

func (s *Server) renderAdminUsers(c echo.Context, status int, form inviteForm, errs FormErrors) error {
	ctx := c.Request().Context()
	q, role := c.QueryParam("q"), c.QueryParam("role")
	users, err := s.accounts.Users(ctx, account.UserFilter{Query: q, Role: account.Role(role)})
	if err != nil {
		return err
	}
	orgs, err := s.accounts.Organisations(ctx, "")
	if err != nil {
		return err
	}
	var platforms []account.Organisation
	for _, o := range orgs {
		if o.Kind == account.OrgPlatform {
			platforms = append(platforms, o)
		}
	}
	v := adminUsersView{Layout: s.layout(c, "Utilisateurs"), Query: q, Role: role, Roles: account.Roles,
		Platforms: platforms, Orgs: orgs, Regions: geo.Regions(), Form: form, Errors: errs}
	for _, u := range users {
		line := userLine{User: u}
		for _, g := range u.Grants {
			line.RoleLabels = append(line.RoleLabels, s.describeGrant(c, g))
		}
		v.Users = append(v.Users, line)
	}
	return s.render.render(c, status, "admin_users", v)
}

// grantFromForm reads a role and its scope from a form; forged values are
// caught by the store's validation.
func grantFromForm(c echo.Context) (account.Grant, FormErrors) {
	g := account.Grant{Role: account.Role(c.FormValue("role")), RegionCode: strings.TrimSpace(c.FormValue("region"))}
	if !g.Role.Valid() {
		return g, FormErrors{"role": "Choisissez un rôle dans la liste."}
	}
	pid, ok := formInt(c, "platform")
	if !ok {
		return g, FormErrors{"platform": "Plateforme invalide."}
	}
	if g.Role == account.RolePlatformManager {
		g.PlatformID = pid
	}
	if g.Role != account.RoleObserver {
		g.RegionCode = ""
	} else if g.RegionCode != "" {
		if _, ok := geo.RegionByCode(g.RegionCode); !ok {
			return g, FormErrors{"region": "Région inconnue."}
		}
	}
	return g, nil
}

func (s *Server) adminUserInvite(c echo.Context) error {
	form := inviteForm{Email: c.FormValue("email"), FullName: c.FormValue("full_name"), Role: c.FormValue("role"), RegionCode: c.FormValue("region")}
	form.PlatformID, _ = formInt(c, "platform")
	org, ok := formInt(c, "organisation")
	if !ok {
		return s.renderAdminUsers(c, http.StatusUnprocessableEntity, form, FormErrors{"organisation": "Organisation invalide."})
	}
	form.OrganisationID = org
	g, errs := grantFromForm(c)
	if errs != nil {
		s.auditRefusal(c, "user.invite", errs)
		return s.renderAdminUsers(c, http.StatusUnprocessableEntity, form, errs)
	}
	if org != 0 {
		if _, err := s.accounts.Organisation(c.Request().Context(), org); err != nil {
			return s.renderAdminUsers(c, http.StatusUnprocessableEntity, form, FormErrors{"organisation": "Organisation inconnue."})
		}
	}
	_, err := s.accounts.Invite(c.Request().Context(), actor(c), account.NewUser{Email: form.Email, FullName: form.FullName,
		OrganisationID: org, Grants: []account.Grant{g}}, s.cfg.BaseURL, principal(c).Name)
	if errors.Is(err, account.ErrEmailTaken) {
		return s.renderAdminUsers(c, http.StatusUnprocessableEntity, form, FormErrors{"email": "Un compte existe déjà avec cette adresse."})
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAdminUsers(c, http.StatusUnprocessableEntity, form, errs) })
	}
	s.deliverMail(c)
	return redirectWith(c, "/admin/users", "Invitation envoyée à "+form.Email+".")
}

type adminUserView struct {
	Layout
	Account   account.User
	Roles     []roleLine
	AllRoles  []account.Role
	Platforms []account.Organisation
	Regions   []geo.Region
	Errors    FormErrors
}

func (s *Server) adminUser(c echo.Context) error {
	return s.renderAdminUser(c, http.StatusOK, nil)
}

func (s *Server) renderAdminUser(c echo.Context, status int, errs FormErrors) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.accounts.User(ctx, id)
	if err != nil {
		return err
	}
	platforms, err := s.accounts.Organisations(ctx, account.OrgPlatform)
	if err != nil {
		return err
	}
	return s.render.render(c, status, "admin_user", adminUserView{Layout: s.layout(c, u.FullName), Account: u,
		Roles: s.roleLines(c, u.Grants), AllRoles: account.Roles, Platforms: platforms, Regions: geo.Regions(), Errors: errs})
}

func (s *Server) adminUserGrant(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	g, errs := grantFromForm(c)
	if errs != nil {
		s.auditRefusal(c, "user.grant", errs)
		return s.renderAdminUser(c, http.StatusUnprocessableEntity, errs)
	}
	if err := s.accounts.AddGrant(c.Request().Context(), actor(c), id, g); err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAdminUser(c, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, c.Request().URL.Path[:strings.LastIndex(c.Request().URL.Path, "/")], "Rôle ajouté.")
}

func (s *Server) adminUserRevoke(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	gid, err := paramID(c, "grant")
	if err != nil {
		return err
	}
	if err := s.accounts.RemoveGrant(c.Request().Context(), actor(c), id, gid); err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAdminUser(c, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, "/admin/users/"+itoa(id), "Rôle retiré.")
}

func (s *Server) adminUserDisable(disabled bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := paramID(c, "id")
		if err != nil {
			return err
		}
		if err := s.accounts.SetDisabled(c.Request().Context(), actor(c), id, disabled); err != nil {
			return formError(err, func(errs FormErrors) error { return s.renderAdminUser(c, http.StatusUnprocessableEntity, errs) })
		}
		msg := "Compte réactivé."
		if disabled {
			msg = "Compte désactivé ; ses sessions sont fermées."
		}
		return redirectWith(c, "/admin/users/"+itoa(id), msg)
	}
}

func (s *Server) adminUserReinvite(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.accounts.SendInvitation(c.Request().Context(), actor(c), id, s.cfg.BaseURL, principal(c).Name); err != nil {
		return err
	}
	s.deliverMail(c)
	return redirectWith(c, "/admin/users/"+itoa(id), "Invitation renvoyée.")
}

func (s *Server) adminUserPseudonymise(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "oui" {
		return s.renderAdminUser(c, http.StatusUnprocessableEntity, FormErrors{"confirm": "Cochez la case pour confirmer la pseudonymisation, qui est définitive."})
	}
	if err := s.accounts.Pseudonymise(c.Request().Context(), actor(c), id); err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAdminUser(c, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, "/admin/users/"+itoa(id), "Compte pseudonymisé : l'identité est effacée, les décisions et certifications restent.")
}

// auditRefusal records a refused form whose values could only come from a
// forged request (a role or scope not offered by the page).
func (s *Server) auditRefusal(c echo.Context, what string, errs FormErrors) {
	_ = audit.RecordNow(c.Request().Context(), s.db, actor(c).Entry("input.refused", what, c.Request().URL.Path,
		map[string]any{"errors": errs, "role": c.FormValue("role"), "platform": c.FormValue("platform"), "region": c.FormValue("region")}))
}
