package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/accrochage"
)

type accrochageView struct {
	Layout
	From, To   time.Time
	Awards     []accrochage.Award
	Skipped    []accrochage.Skipped
	Configured bool
	Problem    string
}

func accrochagePeriod(c echo.Context) (time.Time, time.Time, error) {
	y := time.Now().Year()
	from, to := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
	if v := c.QueryParam("du"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return from, to, fail(http.StatusBadRequest, "Date de début invalide : attendu AAAA-MM-JJ.")
		}
		from = t
	}
	if v := c.QueryParam("au"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return from, to, fail(http.StatusBadRequest, "Date de fin invalide : attendu AAAA-MM-JJ.")
		}
		to = t
	}
	if to.Before(from) {
		return from, to, fail(http.StatusBadRequest, "La fin de la période précède son début.")
	}
	return from, to, nil
}

func (s *Server) accrochageIDs() accrochage.IDs {
	return accrochage.IDs{Client: s.cfg.AccrochageClientID, Contract: s.cfg.AccrochageContractID}
}

// accrochagePage previews what the flow of a period declares and what it
// leaves out, before downloading it.
func (s *Server) accrochagePage(c echo.Context) error {
	from, to, err := accrochagePeriod(c)
	if err != nil {
		return err
	}
	awards, skipped, err := s.accrochage.Awards(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	v := accrochageView{Layout: s.layout(c, "Export accrochage"), From: from, To: to, Awards: awards, Skipped: skipped, Configured: true}
	if err := s.accrochageIDs().Check(); err != nil {
		v.Configured, v.Problem = false, err.Error()
	}
	return s.render.render(c, http.StatusOK, "admin_accrochage", v)
}

// accrochageFlow downloads the flow, audited, streamed from the database
// to the response as it is written: a ten-year period at national scale
// takes longer than the body deadline, so the route lifts it (see
// streamDeadlines) and the headers go out with the first bytes, which
// leaves an empty period free to answer 422.
func (s *Server) accrochageFlow(c echo.Context) error {
	from, to, err := accrochagePeriod(c)
	if err != nil {
		return err
	}
	ids := s.accrochageIDs()
	if err := ids.Check(); err != nil {
		return fail(http.StatusConflict, "L'export n'est pas configuré : "+err.Error()+".")
	}
	headers := func() {
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, "application/xml; charset=utf-8")
		h.Set(echo.HeaderContentDisposition, attachment("accrochage-"+from.Format("2006-01-02")+"-"+to.Format("2006-01-02")+".xml"))
		c.Response().WriteHeader(http.StatusOK)
	}
	if isHead(c.Request()) {
		// A HEAD asks what a GET would bring, not for the export: nothing
		// is read, built or audited.
		headers()
		return nil
	}
	out := s.streamDeadlines(c, headers)
	_, _, err = s.accrochage.Export(c.Request().Context(), actor(c), out, ids, from, to, time.Now())
	if errors.Is(err, accrochage.ErrNothing) {
		return fail(http.StatusUnprocessableEntity, "Aucune certification à déclarer sur cette période (ou aucune dont l'état civil est renseigné).")
	}
	return err
}
