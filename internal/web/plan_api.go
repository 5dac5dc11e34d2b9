package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/geo"
	"acquis/internal/staff"
)

// apiPlanPath is the plan's JSON for the national pilot: a session or an
// API key opens it, with the indicators API's scope rules (a regional key
// or observer sees its région only).
const apiPlanPath = "/api/v1/plan"

// planYearJSON is one year of the plan in the API.
type planYearJSON struct {
	Year                int  `json:"year"`
	Target              int  `json:"target"`
	Certified           int  `json:"certified"`
	Engaged             int  `json:"engaged"`
	Left                int  `json:"left"`
	CumulativeTarget    int  `json:"cumulative_target"`
	CumulativeCertified int  `json:"cumulative_certified"`
	Gap                 *int `json:"gap"` // null for a year not yet begun
}

// planJSON is the national (or one région's) plan in the API.
type planJSON struct {
	Scope      string         `json:"scope"` // "national" or "region"
	Region     string         `json:"region,omitempty"`
	RegionName string         `json:"region_name,omitempty"`
	Platforms  int            `json:"platforms"`
	Baseline   int            `json:"baseline"` // counsellors in post on 2026-01-01 without the title
	Left       int            `json:"left"`     // of them, gone without the title: out of the plan
	Certified  int            `json:"certified"`
	Engaged    int            `json:"engaged"`
	NotStarted int            `json:"not_started"`
	Holders    int            `json:"holders"` // the annual indicator: title holders in post today
	Years      []planYearJSON `json:"years"`
	// Annual is the annual indicator frozen at 31 December of each year
	// (a correction says so), then the current year, provisional.
	Annual []staff.AnnualFigures `json:"annual"`
	// Staffing is the resources indicators (ETP, persons per counsellor
	// ETP outside « veille » against the ceiling of 20).
	Staffing staffingJSON `json:"staffing"`
}

// staffingJSON is staff.Staffing with its ratio and flag computed.
type staffingJSON struct {
	staff.Staffing
	PersonsPerFTE *float64 `json:"persons_per_fte"` // null when no counsellor said
	Ceiling       int      `json:"ceiling"`
	AboveCeiling  bool     `json:"above_ceiling"`
	// PlatformsAbove counts the platforms above the ceiling.
	PlatformsAbove int `json:"platforms_above_ceiling"`
}

// apiPlan serves the national (or ?region=) plan as JSON: the baseline
// and, per year, the target, the certified, the engaged, the leavers and
// the cumulative figures.
func (s *Server) apiPlan(c echo.Context) error {
	region := c.QueryParam("region")
	n, err := s.nationalPlan(c.Request().Context(), region, "", time.Now())
	if err != nil {
		return err
	}
	t := n.Total
	out := planJSON{Scope: "national", Platforms: len(n.Platforms), Baseline: t.Baseline, Left: t.Left, Certified: t.Certified,
		Engaged: t.Engaged, NotStarted: t.NotStarted, Holders: t.Holders, Years: []planYearJSON{}}
	if region != "" {
		out.Scope, out.Region, out.RegionName = "region", region, geo.RegionName(region)
	}
	for _, y := range t.Years {
		row := planYearJSON{Year: y.Year, Target: y.Target, Certified: y.Certified, Engaged: y.Engaged, Left: y.Left,
			CumulativeTarget: y.CumTarget, CumulativeCertified: y.CumDone}
		if y.Past {
			gap := y.Gap
			row.Gap = &gap
		}
		out.Years = append(out.Years, row)
	}
	out.Staffing = staffingJSON{Staffing: t.Staffing, Ceiling: staff.Ceiling, AboveCeiling: t.Staffing.AboveCeiling(), PlatformsAbove: len(n.AboveCeiling())}
	if r, ok := t.Staffing.PerFTE(); ok {
		out.Staffing.PersonsPerFTE = &r
	}
	if out.Annual, err = s.staff.AreaSeries(c.Request().Context(), region, t, time.Now()); err != nil {
		return err
	}
	if out.Annual == nil {
		out.Annual = []staff.AnnualFigures{}
	}
	return c.JSON(http.StatusOK, out)
}

// pilotagePlanExport downloads the same table as CSV or XLSX.
func (s *Server) pilotagePlanExport(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		region := c.QueryParam("region")
		n, err := s.nationalPlan(c.Request().Context(), region, "", time.Now())
		if err != nil {
			return err
		}
		name := "plan-2026-2030-national"
		if region != "" {
			name = "plan-2026-2030-region-" + region
		}
		if kind == "csv" {
			c.Response().Header().Set(echo.HeaderContentDisposition, attachment(name+".csv"))
			return c.Blob(http.StatusOK, "text/csv; charset=utf-8", staff.PlanCSV(n.Total))
		}
		body, err := staff.PlanXLSX(n.Total)
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, attachment(name+".xlsx"))
		return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
	}
}
