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
	"acquis/internal/form"
	"acquis/internal/staff"
)

// platformDashboard is what a platform's page shows: the roster with
// each person's status and alerts, the plan per year, its chart.
type platformDashboard struct {
	Roster    []staff.RosterLine
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

func (s *Server) dashboard(c echo.Context, platformID int64) (platformDashboard, []staff.Member, error) {
	today := time.Now()
	sd, err := s.staff.Dashboard(c.Request().Context(), platformID, today)
	if err != nil {
		return platformDashboard{}, nil, err
	}
	d := platformDashboard{Roster: sd.Roster, Plan: sd.Plan, Annual: sd.Annual, Today: today, Functions: staff.Functions, Statuses: staff.Statuses,
		SupervisorObjectives: staff.SupervisorObjectives, Chart: planChart(sd.Plan, "plan-"+itoa(platformID))}
	for y := staff.FirstYear; y <= staff.LastYear; y++ {
		d.Years = append(d.Years, y)
	}
	return d, sd.Members, nil
}

// staffAt is a staff member with the platform whose roster holds them.
type staffAt struct {
	Platform account.Organisation
	Member   *staff.Member
}

// staffScope loads the platform, then the staff member named by :sid,
// who must belong to it (an id from another platform is not found).
func (s *Server) staffScope() scope[staffAt] {
	return scope[staffAt]{params: []string{"id", "sid"}, load: func(c echo.Context) (staffAt, account.Resource, error) {
		o, res, err := s.loadPlatform(c)
		if err != nil {
			return staffAt{}, res, err
		}
		sid, err := paramID(c, "sid")
		if err != nil {
			return staffAt{}, res, err
		}
		m, err := s.staff.Member(c.Request().Context(), sid)
		if errors.Is(err, staff.ErrNotFound) || (err == nil && m.PlatformID != res.PlatformID) {
			return staffAt{}, res, fail(http.StatusNotFound, "Cette personne ne figure pas dans l'effectif de cette plateforme.")
		}
		if err != nil {
			return staffAt{}, res, err
		}
		return staffAt{Platform: o, Member: m}, res, nil
	}}
}

// staffForm is the staff member form as posted. The form checks that
// each value reads (a date, a number); staff.Validate keeps the rules of
// the roster (ranges, dates in order), shared with the import.
type staffForm struct {
	FullName             string `form:"full_name"`
	Email                string `form:"email"`
	Function             string `form:"function"`
	Employer             string `form:"employer"`
	Status               string `form:"status"`
	CertificateNumber    string `form:"certificate_number"`
	EquivalentID         string `form:"equivalent_id" label:"La certification équivalente" validate:"omitempty,id" msg:"Choisissez la certification dans la liste."`
	TrainingBody         string `form:"training_body"`
	SupervisorTraining   string `form:"supervisor_training"`
	FTE                  string `form:"fte" label:"Le temps de travail (ETP)" validate:"required,decimal"`
	HiredOn              string `form:"hired_on" label:"La date de prise de poste" validate:"omitempty,isodate"`
	LeftOn               string `form:"left_on" label:"La date de départ" validate:"omitempty,isodate"`
	StatusOn             string `form:"status_on" label:"La date du statut" validate:"omitempty,isodate"`
	TrainingEnd          string `form:"training_end" label:"La fin prévue de la formation" validate:"omitempty,isodate"`
	SupervisorTrainingOn string `form:"supervisor_training_on" label:"La date de la formation à l'encadrement" validate:"omitempty,isodate"`
	Accompanied          string `form:"persons_accompanied" label:"Le nombre de personnes accompagnées" validate:"omitempty,integer"`
	Veille               string `form:"persons_veille" label:"Le nombre de personnes en veille" validate:"omitempty,integer"`
	PlannedYear          string `form:"planned_year" label:"L'année prévue" validate:"omitempty,integer"`
}

// memberFromForm reads the staff form into m, refused values left empty
// so the page shows the form again with what could be read.
func memberFromForm(c echo.Context, m *staff.Member) error {
	var f staffForm
	err := bindForm(c, &f)
	m.FullName = f.FullName
	if e := strings.TrimSpace(f.Email); e != "" {
		m.Email = &e
	} else {
		m.Email = nil
	}
	m.Function = staff.Function(f.Function)
	m.Employer = f.Employer
	m.Status = staff.Status(f.Status)
	m.CertificateNumber = f.CertificateNumber
	m.EquivalentID, m.EquivalentName = nil, ""
	if id, ok := form.ParseID(strings.TrimSpace(f.EquivalentID)); ok {
		m.EquivalentID = &id
	}
	m.TrainingBody = f.TrainingBody
	m.SupervisorTraining = f.SupervisorTraining
	m.FTE, _ = form.ParseDecimal(f.FTE)
	date := func(v string) *time.Time {
		if t, ok := form.ParseDate(v); ok {
			return &t
		}
		return nil
	}
	m.HiredOn = time.Time{}
	if h := date(f.HiredOn); h != nil {
		m.HiredOn = *h
	}
	m.LeftOn, m.StatusOn, m.TrainingEnd, m.SupervisorTrainingOn = date(f.LeftOn), date(f.StatusOn), date(f.TrainingEnd), date(f.SupervisorTrainingOn)
	count := func(v string) *int {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return &n
		}
		return nil
	}
	m.Accompanied, m.Veille, m.PlannedYear = count(f.Accompanied), count(f.Veille), count(f.PlannedYear)
	return err
}

// saveStaff validates and stores a staff member from the form, or renders
// the form again with the messages.
func (s *Server) saveStaff(c echo.Context, o account.Organisation, m *staff.Member, back string) error {
	err := memberFromForm(c, m)
	if err == nil {
		err = s.staff.Save(c.Request().Context(), actor(c), m)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderStaffEdit(c, o, http.StatusUnprocessableEntity, m, errs) })
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

func (s *Server) renderStaffEdit(c echo.Context, o account.Organisation, status int, m *staff.Member, errs FormErrors) error {
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

func (s *Server) staffNew(c echo.Context, o account.Organisation) error {
	return s.renderStaffEdit(c, o, http.StatusOK, &staff.Member{PlatformID: o.ID, FTE: 1, Function: staff.Counsellor, Status: staff.NotEngaged}, nil)
}

func (s *Server) staffCreate(c echo.Context, o account.Organisation) error {
	return s.saveStaff(c, o, &staff.Member{PlatformID: o.ID}, platformPath(o.ID)+"#effectif")
}

func (s *Server) staffEdit(c echo.Context, at staffAt) error {
	return s.renderStaffEdit(c, at.Platform, http.StatusOK, at.Member, nil)
}

func (s *Server) staffUpdate(c echo.Context, at staffAt) error {
	o := at.Platform
	return s.saveStaff(c, at.Platform, at.Member, platformPath(o.ID)+"#effectif")
}

// staffEvidence stores the proof of a recorded status (a certificate, a
// training agreement): PDF or image, checked by content.
func (s *Server) staffEvidence(c echo.Context, at staffAt) error {
	m := at.Member
	stored, name, ref := s.receiveFile(c, []blob.Kind{blob.PDF, blob.PNG, blob.JPEG}, s.cfg.MaxUploadBytes)
	if ref != nil {
		return s.renderStaffEdit(c, at.Platform, ref.status, m, FormErrors{"file": ref.msg})
	}
	if err := s.staff.SetEvidence(c.Request().Context(), actor(c), m.ID, stored.SHA256, name, stored.MIME); err != nil {
		return err
	}
	return redirectWith(c, platformPath(m.PlatformID)+"/personnel/"+itoa(m.ID), "Justificatif « "+name+" » enregistré.")
}

// staffEvidenceDownload serves the proof as an attachment; the read is
// audited like a candidate's document.
func (s *Server) staffEvidenceDownload(c echo.Context, at staffAt) error {
	m := at.Member
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

// targetForm is one year's target of the plan, with why it changed. The
// year is a hidden field: a wrong one is refused by staff.SetTarget.
type targetForm struct {
	Year   string `form:"year"`
	Target string `form:"target" validate:"integer" msg:"L'objectif doit être un nombre entier de personnes."`
	Reason string `form:"reason"`
}

// planTarget changes one year's target, with its reason.
func (s *Server) planTarget(c echo.Context, o account.Organisation) error {
	var f targetForm
	err := bindForm(c, &f)
	year, _ := strconv.Atoi(f.Year)
	target, _ := strconv.Atoi(strings.TrimSpace(f.Target))
	if err == nil {
		err = s.staff.SetTarget(c.Request().Context(), actor(c), o.ID, year, target, f.Reason)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderPlatform(c, o, http.StatusUnprocessableEntity, inviteForm{}, errs)
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
func (s *Server) staffImportPreview(c echo.Context, o account.Organisation) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderPlatform(c, o, http.StatusUnprocessableEntity, inviteForm{}, FormErrors{"import": "Choisissez un fichier CSV ou XLSX."})
	}
	if fh.Size > staff.MaxImportBytes {
		return s.renderPlatform(c, o, http.StatusUnprocessableEntity, inviteForm{}, FormErrors{"import": "Le fichier dépasse 512 Ko : un effectif tient dans bien moins."})
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

// importConfirmForm carries the previewed file back (base64) with its
// name; a payload that does not decode is a broken page, not a field
// error, so it has no tag.
type importConfirmForm struct {
	Payload  string `form:"payload"`
	FileName string `form:"file_name"`
}

// staffImportConfirm parses the same file again and writes it in one
// transaction: every line or none.
func (s *Server) staffImportConfirm(c echo.Context, o account.Organisation) error {
	var f importConfirmForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	data, err := base64.StdEncoding.DecodeString(f.Payload)
	if err != nil || len(data) == 0 {
		return fail(http.StatusBadRequest, "Le fichier à importer n'a pas été transmis : recommencez l'import.")
	}
	name := blob.SanitizeName(f.FileName)
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
			Preview: p, FileName: name, Payload: f.Payload, Columns: staff.Columns})
	}
	if err != nil {
		return err
	}
	return redirectWith(c, platformPath(o.ID)+"#effectif", fmt.Sprintf("Import enregistré : %d ajout(s), %d mise(s) à jour ; %d ligne(s) inchangée(s), non réécrite(s).",
		p.Count(staff.ActionAdd), p.Count(staff.ActionUpdate), p.Count(staff.ActionUnchanged)))
}

// staffExport downloads the roster (CSV), the plan (CSV) or both (XLSX).
func (s *Server) staffExport(kind string) func(echo.Context, account.Organisation) error {
	return func(c echo.Context, o account.Organisation) error {
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
// departureForm records that a member left.
type departureForm struct {
	LeftOn string `form:"left_on" validate:"isodate" msg:"Indiquez la date de départ (attendu : AAAA-MM-JJ)."`
	Reason string `form:"left_reason"`
}

func (s *Server) staffDeparture(c echo.Context, at staffAt) error {
	m := at.Member
	var f departureForm
	err := bindForm(c, &f)
	left, _ := form.ParseDate(f.LeftOn)
	if err == nil {
		err = s.staff.RecordDeparture(c.Request().Context(), actor(c), m.PlatformID, m.ID, left, f.Reason)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			// The edit form has its own left_on: the departure's
			// message has a name of its own on the page.
			if msg, ok := errs["left_on"]; ok {
				errs = FormErrors{"departure_on": msg}
			}
			return s.renderStaffEdit(c, at.Platform, http.StatusUnprocessableEntity, m, errs)
		})
	}
	return redirectWith(c, platformPath(m.PlatformID)+"#effectif", "Départ de « "+m.FullName+" » enregistré au "+left.Format("02/01/2006")+".")
}

// deleteForm removes a staff row; staff.Delete requires the reason.
type deleteForm struct {
	Reason string `form:"delete_reason"`
}

// staffDelete removes a row entered by mistake; the reason is required and
// the audit keeps the row.
func (s *Server) staffDelete(c echo.Context, at staffAt) error {
	m := at.Member
	var f deleteForm
	err := bindForm(c, &f)
	if err == nil {
		err = s.staff.Delete(c.Request().Context(), actor(c), m.PlatformID, m.ID, f.Reason)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderStaffEdit(c, at.Platform, http.StatusUnprocessableEntity, m, errs)
		})
	}
	return redirectWith(c, platformPath(m.PlatformID)+"#effectif", "« "+m.FullName+" » est retiré de l'effectif.")
}
