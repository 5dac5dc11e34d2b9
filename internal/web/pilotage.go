package web

// The national (or one région's) view of the plan, /pilotage, and the
// région scope it and the plan's exports share.

import (
	"html/template"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/geo"
	"acquis/internal/indicators"
	"acquis/internal/staff"
)

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
