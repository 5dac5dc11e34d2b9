package web

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/geo"
	"acquis/internal/indicators"
	"acquis/internal/staff"
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

// regionScope reads ?region= for the national view; a regional observer
// without it sees their own région.
func (s *Server) regionScope(c echo.Context) (account.Resource, error) {
	region := c.QueryParam("region")
	if _, ok := geo.RegionByCode(region); region != "" && !ok {
		return account.Resource{}, fail(http.StatusBadRequest, "Région inconnue : indiquez le code INSEE d'une région (par exemple 53 pour la Bretagne).")
	}
	if region == "" {
		if regions, national := principal(c).ObservedRegions(); !national && len(regions) == 1 && !principal(c).Has(account.RoleAdmin) {
			region = regions[0]
			c.QueryParams().Set("region", region)
		}
	}
	return account.Resource{RegionCode: region}, nil
}

type pilotageView struct {
	Layout
	Region     string
	RegionName string // « Bretagne », not « 53 »
	Sort       string
	National   staff.National
	Chart      template.HTML
	// Rate is the certification rate over the default period (last five
	// years) for the same scope: the plan and the jury results side by side.
	Rate []string
	// SupervisorObjectives are the seed's objectives of the supervisors'
	// specific training.
	SupervisorObjectives []string
	// Annual is the annual indicator of the scope shown.
	Annual []staff.AnnualFigures
}

// pilotage is the national (or one région's) view of the plan: totals,
// régions, and every platform sortable by gap, with the annual indicator
// of title holders.
func (s *Server) pilotage(c echo.Context) error {
	v, err := s.national(c)
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "pilotage", v)
}

// national computes the national view: one query for every staff member
// with their effective status, then the plans in memory.
func (s *Server) national(c echo.Context) (pilotageView, error) {
	ctx := c.Request().Context()
	region := c.QueryParam("region")
	sortBy := c.QueryParam("tri")
	n, err := s.nationalPlan(c, region, sortBy)
	if err != nil {
		return pilotageView{}, err
	}
	title, regionName := "Pilotage national", ""
	if region != "" {
		regionName = geo.RegionName(region)
		title = "Pilotage — " + regionName
	}
	v := pilotageView{Layout: s.layout(c, title), Region: region, RegionName: regionName, Sort: sortBy, National: n, Chart: planChart(n.Total, "plan-national"),
		SupervisorObjectives: staff.SupervisorObjectives}
	if v.Annual, err = s.staff.AreaSeries(ctx, region, n.Total, time.Now()); err != nil {
		return pilotageView{}, err
	}
	f := indicators.DefaultFilter(time.Now())
	f.Region = region
	t, err := s.indicators.Compute(ctx, "taux-certification", f)
	if err != nil {
		return pilotageView{}, err
	}
	v.Rate = t.Line(t.Rows[len(t.Rows)-1], "—") // the total row
	return v, nil
}

// nationalPlan is the plan of every platform, or of one région's.
func (s *Server) nationalPlan(c echo.Context, region, sortBy string) (staff.National, error) {
	ctx := c.Request().Context()
	all, err := s.accounts.Organisations(ctx, account.OrgPlatform)
	if err != nil {
		return staff.National{}, err
	}
	return s.staff.NationalPlan(ctx, all, region, time.Now(), sortBy)
}
