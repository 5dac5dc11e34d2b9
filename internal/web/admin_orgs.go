package web

import (
	"net/http"
	"strconv"
	"strings"

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

// orgForm is a new organisation as posted; its carriers are chosen in
// lists (ids).
type orgForm struct {
	Kind        string   `form:"kind"`
	Name        string   `form:"name"`
	Departement string   `form:"departement"`
	SIRET       string   `form:"siret"`
	Lead        string   `form:"lead" validate:"omitempty,integer" msg:"Structure porteuse invalide."`
	CoPorteurs  []string `form:"co_porteurs" validate:"dive,id" msg:"Co-porteur invalide."`
}

func (s *Server) adminOrgCreate(c echo.Context) error {
	var f orgForm
	err := bindForm(c, &f)
	n := account.NewOrganisation{Kind: account.OrgKind(f.Kind), Name: f.Name, DepartementCode: f.Departement, SIRET: f.SIRET}
	n.LeadID, _ = strconv.ParseInt(strings.TrimSpace(f.Lead), 10, 64)
	for _, v := range f.CoPorteurs {
		if id, ok := parseID(v); ok {
			n.CoPorteurIDs = append(n.CoPorteurIDs, id)
		}
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAdminOrgs(c, http.StatusUnprocessableEntity, n, errs) })
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
