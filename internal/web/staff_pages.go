package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/fielderr"
	"acquis/internal/staff"
)

// platformDashboard is what a platform's page shows: the roster with
// each person's status and alerts, the plan per year, its chart.
type platformDashboard struct {
	Roster    []rosterLine
	Plan      staff.Plan
	Chart     template.HTML
	Today     time.Time
	Functions []staff.Function
	Statuses  []staff.Status
	Years     []int
	// SupervisorObjectives are the seed's objectives of the supervisors'
	// specific training.
	SupervisorObjectives []string
	// Annual is the annual indicator: the years frozen at 31 December,
	// then the current year, provisional.
	Annual []staff.AnnualFigures
}

// rosterLine is one person with where they stand today.
type rosterLine struct {
	staff.Member
	Compliance staff.Compliance
	Active     bool
}

func (s *Server) dashboard(c echo.Context, platformID int64) (platformDashboard, []staff.Member, error) {
	ctx := c.Request().Context()
	today := time.Now()
	roster, err := s.staff.Roster(ctx, platformID)
	if err != nil {
		return platformDashboard{}, nil, err
	}
	targets, err := s.staff.Targets(ctx, platformID)
	if err != nil {
		return platformDashboard{}, nil, err
	}
	defaults, err := s.staff.NationalDefaults(ctx)
	if err != nil {
		return platformDashboard{}, nil, err
	}
	d := platformDashboard{Plan: staff.BuildPlanWith(roster, targets, defaults[platformID], today), Today: today, Functions: staff.Functions, Statuses: staff.Statuses,
		SupervisorObjectives: staff.SupervisorObjectives}
	for y := staff.FirstYear; y <= staff.LastYear; y++ {
		d.Years = append(d.Years, y)
	}
	d.Chart = planChart(d.Plan, "plan-"+itoa(platformID))
	if d.Annual, err = s.staff.Series(ctx, staff.ScopePlatform, platformID, "", d.Plan, today); err != nil {
		return platformDashboard{}, nil, err
	}
	for i := range roster {
		d.Roster = append(d.Roster, rosterLine{Member: roster[i], Compliance: roster[i].ComplianceOn(today), Active: roster[i].Active(today)})
	}
	return d, roster, nil
}

// staffScope loads the platform, then the staff member named by :sid,
// who must belong to it (an id from another platform is not found).
func (s *Server) staffScope(c echo.Context) (account.Resource, error) {
	res, err := s.platformScope(c)
	if err != nil {
		return res, err
	}
	sid, err := paramID(c, "sid")
	if err != nil {
		return res, err
	}
	m, err := s.staff.Member(c.Request().Context(), sid)
	if errors.Is(err, staff.ErrNotFound) || (err == nil && m.PlatformID != res.PlatformID) {
		return res, fail(http.StatusNotFound, "Cette personne ne figure pas dans l'effectif de cette plateforme.")
	}
	if err != nil {
		return res, err
	}
	c.Set("staff_member", m)
	return res, nil
}

func platformOf(c echo.Context) account.Organisation { return c.Get("platform").(account.Organisation) }

func staffOf(c echo.Context) *staff.Member { return c.Get("staff_member").(*staff.Member) }

// memberFromForm reads the staff form. A date or number that does not
// parse is reported on its field.
func memberFromForm(c echo.Context, m *staff.Member) FormErrors {
	errs := FormErrors{}
	m.FullName = c.FormValue("full_name")
	if e := strings.TrimSpace(c.FormValue("email")); e != "" {
		m.Email = &e
	} else {
		m.Email = nil
	}
	m.Function = staff.Function(c.FormValue("function"))
	m.Employer = c.FormValue("employer")
	m.Status = staff.Status(c.FormValue("status"))
	m.CertificateNumber = c.FormValue("certificate_number")
	m.EquivalentID, m.EquivalentName = nil, ""
	if v := strings.TrimSpace(c.FormValue("equivalent_id")); v != "" {
		if id, ok := parseID(v); ok {
			m.EquivalentID = &id
		} else {
			errs["equivalent_id"] = "Choisissez la certification dans la liste."
		}
	}
	m.TrainingBody = c.FormValue("training_body")
	m.SupervisorTraining = c.FormValue("supervisor_training")
	if v := strings.ReplaceAll(strings.TrimSpace(c.FormValue("fte")), ",", "."); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs["fte"] = "Écrivez le temps de travail comme un nombre, par exemple 0,8."
		}
		m.FTE = f
	} else {
		errs["fte"] = "Le temps de travail (ETP) est obligatoire."
	}
	date := func(name string) *time.Time {
		v := strings.TrimSpace(c.FormValue(name))
		if v == "" {
			return nil
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			errs[name] = "Date invalide (attendu : AAAA-MM-JJ)."
			return nil
		}
		return &t
	}
	if h := date("hired_on"); h != nil {
		m.HiredOn = *h
	} else {
		m.HiredOn = time.Time{}
	}
	m.LeftOn, m.StatusOn, m.TrainingEnd, m.SupervisorTrainingOn = date("left_on"), date("status_on"), date("training_end"), date("supervisor_training_on")
	count := func(name string) *int {
		v := strings.TrimSpace(c.FormValue(name))
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs[name] = "Écrivez un nombre entier de personnes, par exemple 18."
			return nil
		}
		return &n
	}
	m.Accompanied, m.Veille = count("persons_accompanied"), count("persons_veille")
	m.PlannedYear = nil
	if v := strings.TrimSpace(c.FormValue("planned_year")); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil {
			errs["planned_year"] = "L'année prévue doit être une année entre 2026 et 2030."
		}
		m.PlannedYear = &y
	}
	return errs
}

// saveStaff validates and stores a staff member from the form, or renders
// the form again with the messages.
func (s *Server) saveStaff(c echo.Context, m *staff.Member, back string) error {
	if errs := memberFromForm(c, m); len(errs) > 0 {
		return s.renderStaffEdit(c, http.StatusUnprocessableEntity, m, errs)
	}
	err := s.staff.Save(c.Request().Context(), actor(c), m)
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderStaffEdit(c, http.StatusUnprocessableEntity, m, errs) })
	}
	return redirectWith(c, back, "« "+m.FullName+" » est enregistré dans l'effectif.")
}

type staffEditView struct {
	Layout
	Platform  account.Organisation
	M         *staff.Member
	Functions []staff.Function
	Statuses  []staff.Status
	Errors    FormErrors
	// Equivalents is the certifier's list of equivalent certifications,
	// the only titles the form offers.
	Equivalents []staff.EquivalentCertification
}

func (s *Server) renderStaffEdit(c echo.Context, status int, m *staff.Member, errs FormErrors) error {
	o := platformOf(c)
	title := "Ajouter une personne"
	if m.ID != 0 {
		title = m.FullName
	}
	equivalents, err := s.staff.Equivalents(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render.render(c, status, "staff_edit", staffEditView{Layout: s.layout(c, title), Platform: o, M: m,
		Functions: staff.Functions, Statuses: staff.Statuses, Errors: errs, Equivalents: equivalents})
}

func (s *Server) staffNew(c echo.Context) error {
	return s.renderStaffEdit(c, http.StatusOK, &staff.Member{PlatformID: platformOf(c).ID, FTE: 1, Function: staff.Counsellor, Status: staff.NotEngaged}, nil)
}

func (s *Server) staffCreate(c echo.Context) error {
	o := platformOf(c)
	return s.saveStaff(c, &staff.Member{PlatformID: o.ID}, platformPath(o.ID)+"#effectif")
}

func (s *Server) staffEdit(c echo.Context) error {
	return s.renderStaffEdit(c, http.StatusOK, staffOf(c), nil)
}

func (s *Server) staffUpdate(c echo.Context) error {
	o := platformOf(c)
	return s.saveStaff(c, staffOf(c), platformPath(o.ID)+"#effectif")
}

// staffEvidence stores the proof of a recorded status (a certificate, a
// training agreement): PDF or image, checked by content.
func (s *Server) staffEvidence(c echo.Context) error {
	m := staffOf(c)
	stored, name, ref := s.receiveFile(c, []blob.Kind{blob.PDF, blob.PNG, blob.JPEG}, s.cfg.MaxUploadBytes)
	if ref != nil {
		return s.renderStaffEdit(c, ref.status, m, FormErrors{"file": ref.msg})
	}
	if err := s.staff.SetEvidence(c.Request().Context(), actor(c), m.ID, stored.SHA256, name, stored.MIME); err != nil {
		return err
	}
	return redirectWith(c, platformPath(m.PlatformID)+"/personnel/"+itoa(m.ID), "Justificatif « "+name+" » enregistré.")
}

// staffEvidenceDownload serves the proof as an attachment; the read is
// audited like a candidate's document.
func (s *Server) staffEvidenceDownload(c echo.Context) error {
	m := staffOf(c)
	if m.EvidenceSHA256 == nil {
		return fail(http.StatusNotFound, "Aucun justificatif n'est enregistré pour cette personne.")
	}
	f, err := s.blobs.OpenContext(c.Request().Context(), *m.EvidenceSHA256)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := audit.RecordNow(c.Request().Context(), s.db, actor(c).Entry("staff.evidence.read", "staff", itoa(m.ID), nil)); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, attachment(m.EvidenceName))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Stream(http.StatusOK, m.EvidenceMIME, f)
}

// planTarget changes one year's target, with its reason.
func (s *Server) planTarget(c echo.Context) error {
	o := platformOf(c)
	year, _ := strconv.Atoi(c.FormValue("year"))
	target, err := strconv.Atoi(strings.TrimSpace(c.FormValue("target")))
	if err != nil {
		return s.renderPlatform(c, http.StatusUnprocessableEntity, inviteForm{}, FormErrors{"target": "L'objectif doit être un nombre entier de personnes."})
	}
	err = s.staff.SetTarget(c.Request().Context(), actor(c), o.ID, year, target, c.FormValue("reason"))
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderPlatform(c, http.StatusUnprocessableEntity, inviteForm{}, errs)
		})
	}
	return redirectWith(c, platformPath(o.ID)+"#plan", "Objectif "+strconv.Itoa(year)+" enregistré.")
}

type importView struct {
	Layout
	Platform account.Organisation
	Preview  *staff.Preview
	FileName string
	Payload  string // the file, base64, carried to the confirmation
	Columns  []string
}

// staffImportPreview reads a roster file and shows every line it would
// write, or every error with its line; nothing is written here.
func (s *Server) staffImportPreview(c echo.Context) error {
	o := platformOf(c)
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderPlatform(c, http.StatusUnprocessableEntity, inviteForm{}, FormErrors{"import": "Choisissez un fichier CSV ou XLSX."})
	}
	if fh.Size > staff.MaxImportBytes {
		return s.renderPlatform(c, http.StatusUnprocessableEntity, inviteForm{}, FormErrors{"import": "Le fichier dépasse 512 Ko : un effectif tient dans bien moins."})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, staff.MaxImportBytes+1))
	if err != nil {
		return err
	}
	return s.renderImport(c, o, fh.Filename, data)
}

func (s *Server) renderImport(c echo.Context, o account.Organisation, name string, data []byte) error {
	p, err := s.staff.ParseRoster(c.Request().Context(), o.ID, name, data)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.render.render(c, status, "staff_import", importView{Layout: s.layout(c, "Import de l'effectif"), Platform: o, Preview: p,
		FileName: blob.SanitizeName(name), Payload: base64.StdEncoding.EncodeToString(data), Columns: staff.Columns})
}

// staffImportConfirm parses the same file again and writes it in one
// transaction: every line or none.
func (s *Server) staffImportConfirm(c echo.Context) error {
	o := platformOf(c)
	data, err := base64.StdEncoding.DecodeString(c.FormValue("payload"))
	if err != nil || len(data) == 0 {
		return fail(http.StatusBadRequest, "Le fichier à importer n'a pas été transmis : recommencez l'import.")
	}
	name := blob.SanitizeName(c.FormValue("file_name"))
	p, err := s.staff.ParseRoster(c.Request().Context(), o.ID, name, data)
	if err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		return s.renderImport(c, o, name, data)
	}
	_, err = s.staff.Import(c.Request().Context(), actor(c), o.ID, p)
	var ve *fielderr.Error
	if errors.As(err, &ve) {
		p.Errors = append(p.Errors, ve)
		return s.render.render(c, http.StatusUnprocessableEntity, "staff_import", importView{Layout: s.layout(c, "Import de l'effectif"), Platform: o,
			Preview: p, FileName: name, Payload: c.FormValue("payload"), Columns: staff.Columns})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, platformPath(o.ID)+"#effectif", fmt.Sprintf("Import enregistré : %d ajout(s), %d mise(s) à jour ; %d ligne(s) inchangée(s), non réécrite(s).",
		p.Count(staff.ActionAdd), p.Count(staff.ActionUpdate), p.Count(staff.ActionUnchanged)))
}

// staffExport downloads the roster (CSV), the plan (CSV) or both (XLSX).
func (s *Server) staffExport(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o := platformOf(c)
		d, roster, err := s.dashboard(c, o.ID)
		if err != nil {
			return err
		}
		base := "plateforme-" + o.DepartementCode
		var body []byte
		var name, ctype string
		switch kind {
		case "roster":
			body, name, ctype = staff.RosterCSV(roster), base+"-effectif.csv", "text/csv; charset=utf-8"
		case "plan":
			body, name, ctype = staff.PlanCSV(d.Plan), base+"-plan-2026-2030.csv", "text/csv; charset=utf-8"
		default:
			if body, err = staff.WorkbookXLSX(roster, d.Plan); err != nil {
				return err
			}
			name, ctype = base+"-effectif-et-plan.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, attachment(name))
		return c.Blob(http.StatusOK, ctype, body)
	}
}

// staffDeparture records that a person left the platform, and why: a
// counsellor of the plan who leaves without the title leaves the plan
// from that day.
func (s *Server) staffDeparture(c echo.Context) error {
	m := staffOf(c)
	left, err := time.Parse("2006-01-02", strings.TrimSpace(c.FormValue("left_on")))
	if err != nil {
		return s.renderStaffEdit(c, http.StatusUnprocessableEntity, m, FormErrors{"departure_on": "Indiquez la date de départ (attendu : AAAA-MM-JJ)."})
	}
	err = s.staff.RecordDeparture(c.Request().Context(), actor(c), m.PlatformID, m.ID, left, c.FormValue("left_reason"))
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			if msg, ok := errs["left_on"]; ok {
				errs = FormErrors{"departure_on": msg}
			}
			return s.renderStaffEdit(c, http.StatusUnprocessableEntity, m, errs)
		})
	}
	return redirectWith(c, platformPath(m.PlatformID)+"#effectif", "Départ de « "+m.FullName+" » enregistré au "+left.Format("02/01/2006")+".")
}

// staffDelete removes a row entered by mistake; the reason is required and
// the audit keeps the row.
func (s *Server) staffDelete(c echo.Context) error {
	m := staffOf(c)
	err := s.staff.Delete(c.Request().Context(), actor(c), m.PlatformID, m.ID, c.FormValue("delete_reason"))
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderStaffEdit(c, http.StatusUnprocessableEntity, m, errs) })
	}
	return redirectWith(c, platformPath(m.PlatformID)+"#effectif", "« "+m.FullName+" » est retiré de l'effectif.")
}
