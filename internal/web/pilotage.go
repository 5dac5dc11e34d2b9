package web

// The national (or one région's) view of the plan, /pilotage, and the
// région scope it and the plan's exports share.

import (
	"context"
	"html/template"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/geo"
	"acquis/internal/indicators"
	"acquis/internal/paris"
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
//
// Its content reads every staff member of the nation and the jury
// results, and depends on nothing else but the day, the région and the
// sort order: it is kept rendered (pilotagePages) under the generation
// the database raises on every write to what it reads (migration 00024),
// and recomputed only after such a write. The generation is read before
// anything else, so what is kept is never older than its generation.
func (s *Server) pilotage(c echo.Context) error {
	gen, err := s.generations(c)
	if err != nil {
		return err
	}
	now := time.Now()
	region, sortBy := c.QueryParam("region"), planSort(c.QueryParam("tri"))
	key := pilotageKey{day: dayKey(now), region: region, sort: sortBy}
	p, err := s.pilotagePages.Get(gen.Pilotage, key, func() (keptPage, error) {
		v, err := s.pilotageContent(c.Request().Context(), region, sortBy, now)
		if err != nil {
			return keptPage{}, err
		}
		body, err := s.render.content("pilotage", v)
		return keptPage{title: pilotageTitle(region), body: body}, err
	})
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "prerendered", prerenderedView{Layout: s.layout(c, p.title), Body: p.body})
}

// pilotageKey is what the view's content depends on besides the
// database: the région shown, the sort order and the day.
type pilotageKey struct{ day, region, sort string }

// dayKey is the day as every part of the view reads it: the calendar
// date of now (the plan's rules, the indicator's default period) and the
// year in Paris (the annual indicator's current year), hence both dates.
// Nothing in the view reads the time of day.
func dayKey(now time.Time) string {
	return now.Format("2006-01-02") + " " + now.In(paris.Location).Format("2006-01-02")
}

// planSort reduces ?tri= to the orders the view knows: any other value
// sorts by département and shows the same page as none, so the kept
// pages stay three per région and day whatever a client sends.
func planSort(s string) string {
	if s == "gap" || s == "holders" {
		return s
	}
	return ""
}

func pilotageTitle(region string) string {
	if region == "" {
		return "Pilotage national"
	}
	return "Pilotage — " + geo.RegionName(region)
}

// pilotageContent computes the view's content as of now: one query for
// every staff member with their effective status, the plans in memory,
// the annual series and the certification rate.
func (s *Server) pilotageContent(ctx context.Context, region, sortBy string, now time.Time) (pilotageView, error) {
	n, err := s.nationalPlan(ctx, region, sortBy, now)
	if err != nil {
		return pilotageView{}, err
	}
	v := pilotageView{Region: region, Sort: sortBy, National: n, Chart: planChart(n.Total, "plan-national"),
		SupervisorObjectives: staff.SupervisorObjectives}
	if region != "" {
		v.RegionName = geo.RegionName(region)
	}
	if v.Annual, err = s.staff.AreaSeries(ctx, region, n.Total, now); err != nil {
		return pilotageView{}, err
	}
	f := indicators.DefaultFilter(now)
	f.Region = region
	t, err := s.indicators.Compute(ctx, "taux-certification", f)
	if err != nil {
		return pilotageView{}, err
	}
	v.Rate = t.Line(t.Rows[len(t.Rows)-1], "—") // the total row
	return v, nil
}

// nationalPlan is the plan of every platform, or of one région's, as of
// now: the national view's and the plan API's and exports' figures.
func (s *Server) nationalPlan(ctx context.Context, region, sortBy string, now time.Time) (staff.National, error) {
	all, err := s.accounts.Organisations(ctx, account.OrgPlatform)
	if err != nil {
		return staff.National{}, err
	}
	return s.staff.NationalPlan(ctx, all, region, now, sortBy)
}
