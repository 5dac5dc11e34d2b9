package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/form"
	"acquis/internal/geo"
)

type adminOrgsView struct {
	Layout
	Orgs         []account.Organisation
	Kinds        []account.OrgKind
	Departements []geo.Departement
	Carriers     []account.Organisation
	Form         account.NewOrganisation
	Errors       FormErrors
}

func (s *Server) adminOrgs(c echo.Context) error {
	return s.renderAdminOrgs(c, http.StatusOK, account.NewOrganisation{}, nil)
}

func (s *Server) renderAdminOrgs(c echo.Context, status int, form account.NewOrganisation, errs FormErrors) error {
	orgs, err := s.accounts.Organisations(c.Request().Context(), "")
	if err != nil {
		return err
	}
	var carriers []account.Organisation
	for _, o := range orgs {
		if o.Kind == account.OrgEmployer || o.Kind == account.OrgTrainingBody {
			carriers = append(carriers, o)
		}
	}
	return s.render.render(c, status, "admin_orgs", adminOrgsView{Layout: s.layout(c, "Organisations et plateformes"),
		Orgs: orgs, Kinds: account.OrgKinds, Departements: geo.Departements(), Carriers: carriers, Form: form, Errors: errs})
}

func (s *Server) adminOrgCreate(c echo.Context) error {
	n := account.NewOrganisation{Kind: account.OrgKind(c.FormValue("kind")), Name: c.FormValue("name"),
		DepartementCode: c.FormValue("departement"), SIRET: c.FormValue("siret")}
	lead, ok := formInt(c, "lead")
	if !ok {
		return s.renderAdminOrgs(c, http.StatusUnprocessableEntity, n, FormErrors{"lead": "Structure porteuse invalide."})
	}
	n.LeadID = lead
	for _, v := range c.Request().Form["co_porteurs"] {
		id, ok := parseID(v)
		if !ok {
			return s.renderAdminOrgs(c, http.StatusUnprocessableEntity, n, FormErrors{"co_porteurs": "Co-porteur invalide."})
		}
		n.CoPorteurIDs = append(n.CoPorteurIDs, id)
	}
	ctx := c.Request().Context()
	for _, id := range append([]int64{n.LeadID}, n.CoPorteurIDs...) {
		if id == 0 {
			continue
		}
		if o, err := s.accounts.Organisation(ctx, id); err != nil || (o.Kind != account.OrgEmployer && o.Kind != account.OrgTrainingBody) {
			return s.renderAdminOrgs(c, http.StatusUnprocessableEntity, n, FormErrors{"lead": "La structure porteuse doit être un employeur ou un organisme existant."})
		}
	}
	if _, err := s.accounts.CreateOrganisation(ctx, actor(c), n); err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAdminOrgs(c, http.StatusUnprocessableEntity, n, errs) })
	}
	return redirectWith(c, "/admin/organisations", "Organisation « "+n.Name+" » créée.")
}

// parseID reads an id chosen in a list (form.ParseID).
func parseID(v string) (int64, bool) { return form.ParseID(v) }
