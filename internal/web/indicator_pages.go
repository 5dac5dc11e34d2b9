package web

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"acquis/internal/account"
	"acquis/internal/fielderr"
	"acquis/internal/geo"
	"acquis/internal/indicators"
	"acquis/internal/referentiel"
)

type indicatorView struct {
	Layout
	Catalogue []indicators.Indicator
	Table     *indicators.Table
	Cells     [][]string
	Chart     template.HTML
	Filter    indicators.Filter
	// Query is the filter as a URL query, built by url.Values so that each
	// key and value is encoded on its own; typed as a URL so that
	// html/template does not encode it a second time as one opaque value
	// (which turned « au=…&region=53 » into « au%3d…%26region%3d53 » and
	// sent every link back to the national default).
	Query          template.URL
	Certifications []referentiel.Summary
	Regions        []geo.Region
	Platforms      []account.Organisation
	Pathways       []struct{ Code, Label string }
	RegionFixed    bool
}

// indicatorFilter reads the filter from the query; regionScope has
// already pinned a regional observer (or API key) to their région.
func indicatorFilter(c echo.Context) (indicators.Filter, error) {
	f, err := indicators.ParseFilter(c.QueryParams(), time.Now())
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		// A filter is read from the address, not posted: a bad one is a
		// malformed request (400), not a refused form.
		return f, failField(http.StatusBadRequest, fe.Field, fe.Message)
	}
	return f, err
}

func (s *Server) indicatorPage(c echo.Context, key string) error {
	f, err := indicatorFilter(c)
	if err != nil {
		return err
	}
	v := indicatorView{Layout: s.layout(c, "Indicateurs"), Catalogue: indicators.Catalogue, Filter: f, Query: template.URL(f.Query().Encode()), Pathways: indicators.Pathways}
	idx, err := s.currentRefs(c)
	if err != nil {
		return err
	}
	v.Certifications = idx.List()
	regions, national := principal(c).ObservedRegions()
	v.RegionFixed = !national && !principal(c).Has(account.RoleAdmin)
	for _, r := range geo.Regions() {
		if !v.RegionFixed || slices.Contains(regions, r.Code) {
			v.Regions = append(v.Regions, r)
		}
	}
	// The platforms of the filter form and the indicator are two
	// independent reads (the certifications are kept in memory): run side
	// by side, each on its own connection, the page waits for the slowest
	// (the indicator) instead of their sum, which on the lightest
	// indicator (resultats) cost the page 70 % over its SQL.
	var platforms []account.Organisation
	var t *indicators.Table
	g, gctx := errgroup.WithContext(c.Request().Context())
	g.Go(func() (err error) {
		platforms, err = s.accounts.Organisations(gctx, account.OrgPlatform)
		return err
	})
	if key != "" {
		g.Go(func() (err error) {
			t, err = s.indicators.Compute(gctx, key, f)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, o := range platforms {
		if f.Region == "" || o.RegionCode == f.Region {
			v.Platforms = append(v.Platforms, o)
		}
	}
	if t != nil {
		v.Table, v.Title = t, t.Title
		v.Chart = barChart(t, "indicateur")
		for _, r := range t.Rows {
			v.Cells = append(v.Cells, t.Line(r, "—"))
		}
	}
	return s.render.render(c, http.StatusOK, "indicators", v)
}

// indicatorIndex lists the indicators under the filter form.
func (s *Server) indicatorIndex(c echo.Context) error { return s.indicatorPage(c, "") }

// indicatorShow is one indicator: definition, chart, table, exports.
func (s *Server) indicatorShow(c echo.Context) error {
	key := c.Param("key")
	if _, ok := indicators.Find(key); !ok {
		return echo.ErrNotFound
	}
	return s.indicatorPage(c, key)
}

// indicatorTable computes the indicator the route names for the filter
// the query gives.
func (s *Server) indicatorTable(c echo.Context) (*indicators.Table, error) {
	key := c.Param("key")
	if _, ok := indicators.Find(key); !ok {
		return nil, fail(http.StatusNotFound, "Indicateur inconnu.")
	}
	f, err := indicatorFilter(c)
	if err != nil {
		return nil, err
	}
	return s.indicators.Compute(c.Request().Context(), key, f)
}

// indicatorExport sends one indicator as CSV or XLSX.
func (s *Server) indicatorExport(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, err := s.indicatorTable(c)
		if err != nil {
			return err
		}
		name := "indicateur-" + t.Key + "-" + t.Filter.From.Format("2006-01-02") + "-" + t.Filter.To.Format("2006-01-02")
		if format == "csv" {
			c.Response().Header().Set(echo.HeaderContentDisposition, attachment(name+".csv"))
			return c.Blob(http.StatusOK, "text/csv; charset=utf-8", t.CSV())
		}
		body, err := t.XLSX()
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, attachment(name+".xlsx"))
		return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
	}
}

// apiIndicatorList is the catalogue, for the national pilot's tools.
func (s *Server) apiIndicatorList(c echo.Context) error {
	type item struct {
		Key     string `json:"key"`
		Title   string `json:"title"`
		Summary string `json:"summary"`
		URL     string `json:"url"`
	}
	var out []item
	for _, i := range indicators.Catalogue {
		out = append(out, item{i.Key, i.Title, i.Summary, "/api/v1/indicators/" + i.Key})
	}
	return c.JSON(http.StatusOK, map[string]any{"indicators": out})
}

// apiIndicator is one indicator in JSON: the same table as the page, with
// its definition and the filter applied. Rates are fractions (0.5 is
// 50 %), null where the denominator is zero.
func (s *Server) apiIndicator(c echo.Context) error {
	t, err := s.indicatorTable(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}
