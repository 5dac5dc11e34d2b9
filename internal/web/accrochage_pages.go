package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/accrochage"
	"acquis/internal/form"
)

type civilView struct {
	Layout
	Purpose string
	Civil   accrochage.CivilStatus
	Errors  FormErrors
}

// civilStatusForm is the candidate's civil status, with why it is asked.
func (s *Server) civilStatusForm(c echo.Context) error {
	cs, err := s.accrochage.CivilStatus(c.Request().Context(), principal(c).UserID)
	if err != nil {
		return err
	}
	v := civilView{Layout: s.layout(c, "Mon état civil"), Purpose: accrochage.Purpose}
	if cs != nil {
		v.Civil = *cs
	}
	return s.render.render(c, http.StatusOK, "civil_status", v)
}

// civilForm is the civil-status form as posted. The form checks the
// shape of each field; accrochage.CivilStatus.Validate keeps the rules of
// the Caisse des Dépôts flow (age, order of the first names).
type civilForm struct {
	BirthName    string `form:"birth_name" label:"Le nom de naissance" validate:"required,max=60"`
	UsageName    string `form:"usage_name" label:"Le nom d'usage" validate:"max=60"`
	FirstName1   string `form:"first_name1" label:"Le premier prénom" validate:"required,max=60"`
	FirstName2   string `form:"first_name2" label:"Le deuxième prénom" validate:"max=60"`
	FirstName3   string `form:"first_name3" label:"Le troisième prénom" validate:"max=60"`
	BirthDate    string `form:"birth_date" label:"La date de naissance" validate:"isodate"`
	Sex          string `form:"sex" label:"Le sexe" validate:"oneof=M F"`
	BirthINSEE   string `form:"birth_insee" label:"Code INSEE de la commune de naissance" validate:"insee"`
	BirthCommune string `form:"birth_commune" label:"La commune de naissance" validate:"max=60"`
}

// civilStatusSave stores it; a refused field is shown beside itself.
func (s *Server) civilStatusSave(c echo.Context) error {
	var f civilForm
	err := bindForm(c, &f)
	cs := accrochage.CivilStatus{UserID: principal(c).UserID, BirthName: f.BirthName, UsageName: f.UsageName,
		FirstName1: f.FirstName1, FirstName2: f.FirstName2, FirstName3: f.FirstName3,
		Sex: f.Sex, BirthINSEE: f.BirthINSEE, BirthCommune: f.BirthCommune}
	cs.BirthDate, _ = form.ParseDate(f.BirthDate)
	if err == nil {
		err = s.accrochage.SaveCivilStatus(c.Request().Context(), actor(c), cs, time.Now())
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.render.render(c, http.StatusUnprocessableEntity, "civil_status", civilView{Layout: s.layout(c, "Mon état civil"),
				Purpose: accrochage.Purpose, Civil: cs, Errors: errs})
		})
	}
	return redirectWith(c, "/compte", "État civil enregistré.")
}

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
