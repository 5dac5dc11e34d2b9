package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/fielderr"
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
	Email        string `form:"email"`
	FullName     string `form:"full_name"`
	Organisation string `form:"organisation" validate:"omitempty,integer" msg:"Organisation invalide."`
	// Grant is a named field, not an embedded one: Echo's binder only
	// fills fields it can set, and an embedded unexported type is not one.
	Grant grantForm
}

// OrganisationID is the organisation chosen, 0 for none (the page
// selects it again after a refusal).
func (f inviteForm) OrganisationID() int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(f.Organisation), 10, 64)
	return n
}

// grantForm is a role and its scope as posted, alone (a grant) or in an
// invitation.
type grantForm struct {
	Role     string `form:"role"`
	Platform string `form:"platform" validate:"omitempty,integer" msg:"Plateforme invalide."`
	Region   string `form:"region"`
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

// refusedFields splits bindForm's answer: the refused fields (empty when none)
// or, for a body that could not be read at all, the error to return.
func refusedFields(err error) (FormErrors, error) {
	if err == nil {
		return FormErrors{}, nil
	}
	l, ok := fielderr.From(err)
	if !ok {
		return nil, err
	}
	return FormErrors(l.Messages()), nil
}

// grant reads the role and its scope, adding its refusals to errs (which
// already holds the validator's, the platform's number); forged values
// are caught by the store's validation.
func (f grantForm) grant(errs FormErrors) account.Grant {
	g := account.Grant{Role: account.Role(f.Role), RegionCode: strings.TrimSpace(f.Region)}
	if !g.Role.Valid() {
		errs["role"] = "Choisissez un rôle dans la liste."
		return g
	}
	if errs.Has("platform") {
		return g
	}
	pid, _ := strconv.ParseInt(strings.TrimSpace(f.Platform), 10, 64)
	if g.Role == account.RolePlatformManager {
		g.PlatformID = pid
	}
	if g.Role != account.RoleObserver {
		g.RegionCode = ""
	} else if g.RegionCode != "" {
		if _, ok := geo.RegionByCode(g.RegionCode); !ok {
			errs["region"] = "Région inconnue."
		}
	}
	return g
}

func (s *Server) adminUserInvite(c echo.Context) error {
	var form inviteForm
	errs, err := refusedFields(bindForm(c, &form))
	if err != nil {
		return err
	}
	if errs.Has("organisation") {
		return s.renderAdminUsers(c, http.StatusUnprocessableEntity, form, errs)
	}
	org := form.OrganisationID()
	g := form.Grant.grant(errs)
	if errs.Any() {
		s.auditRefusal(c, "user.invite", form.Grant, errs)
		return s.renderAdminUsers(c, http.StatusUnprocessableEntity, form, errs)
	}
	if org != 0 {
		if _, err := s.accounts.Organisation(c.Request().Context(), org); err != nil {
			return s.renderAdminUsers(c, http.StatusUnprocessableEntity, form, FormErrors{"organisation": "Organisation inconnue."})
		}
	}
	_, err = s.accounts.Invite(c.Request().Context(), actor(c), account.NewUser{Email: form.Email, FullName: form.FullName,
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
	var f grantForm
	errs, err := refusedFields(bindForm(c, &f))
	if err != nil {
		return err
	}
	g := f.grant(errs)
	if errs.Any() {
		s.auditRefusal(c, "user.grant", f, errs)
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

// pseudonymiseForm confirms a pseudonymisation, which cannot be undone.
type pseudonymiseForm struct {
	Confirm string `form:"confirm" validate:"eq=oui" msg:"Cochez la case pour confirmer la pseudonymisation, qui est définitive."`
}

func (s *Server) adminUserPseudonymise(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	err = bindForm(c, &pseudonymiseForm{})
	if err == nil {
		err = s.accounts.Pseudonymise(c.Request().Context(), actor(c), id)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAdminUser(c, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, "/admin/users/"+itoa(id), "Compte pseudonymisé : l'identité est effacée, les décisions et certifications restent.")
}

// auditRefusal records a refused form whose values could only come from a
// forged request (a role or scope not offered by the page).
func (s *Server) auditRefusal(c echo.Context, what string, f grantForm, errs FormErrors) {
	_ = audit.RecordNow(c.Request().Context(), s.db, actor(c).Entry("input.refused", what, c.Request().URL.Path,
		map[string]any{"errors": errs, "role": f.Role, "platform": f.Platform, "region": f.Region}))
}
