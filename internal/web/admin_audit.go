package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/audit"
	"acquis/internal/paris"
)

type adminAuditView struct {
	Layout
	Rows     []audit.Row
	Total    int
	Filter   auditFilterForm
	NextPage int
	PrevPage int
	Verified *audit.VerifyResult
}

type auditFilterForm struct {
	Actor    string
	Action   string
	Entity   string
	EntityID string
	From     string
	To       string
	Page     int
}

const auditPageSize = 50

// auditMaxPage bounds the page asked for, so the offset stays an ordinary
// number (ten million rows back).
const auditMaxPage = 200000

func (s *Server) adminAudit(c echo.Context) error {
	f := auditFilterForm{Actor: c.QueryParam("acteur"), Action: c.QueryParam("action"), Entity: c.QueryParam("objet"),
		EntityID: c.QueryParam("id"), From: c.QueryParam("du"), To: c.QueryParam("au")}
	f.Page = 1
	if v := c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > auditMaxPage {
			return fail(http.StatusBadRequest, fmt.Sprintf("Numéro de page invalide : indiquez un nombre entier entre 1 et %d.", auditMaxPage))
		}
		f.Page = n
	}
	filter := audit.Filter{Action: f.Action, Entity: f.Entity, EntityID: f.EntityID, Limit: auditPageSize, Offset: (f.Page - 1) * auditPageSize}
	if f.Actor != "" {
		id, ok := parseID(f.Actor)
		if !ok {
			return fail(http.StatusBadRequest, "L'acteur est un numéro d'utilisateur.")
		}
		filter.ActorID = id
	}
	var err error
	if filter.From, err = parseDay(f.From); err != nil {
		return fail(http.StatusBadRequest, "Date de début invalide : utilisez le format AAAA-MM-JJ.")
	}
	if filter.To, err = parseDay(f.To); err != nil {
		return fail(http.StatusBadRequest, "Date de fin invalide : utilisez le format AAAA-MM-JJ.")
	}
	if !filter.To.IsZero() {
		filter.To = filter.To.AddDate(0, 0, 1)
	}
	ctx := c.Request().Context()
	rows, total, err := audit.List(ctx, s.db, filter)
	if err != nil {
		return err
	}
	v := adminAuditView{Layout: s.layout(c, "Journal d'audit"), Rows: rows, Total: total, Filter: f}
	if f.Page*auditPageSize < total {
		v.NextPage = f.Page + 1
	}
	if f.Page > 1 {
		v.PrevPage = f.Page - 1
	}
	if c.QueryParam("verifier") == "1" {
		res, err := audit.Verify(ctx, s.db)
		if err != nil {
			return err
		}
		v.Verified = &res
	}
	return s.render.render(c, http.StatusOK, "admin_audit", v)
}

func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation("2006-01-02", s, paris.Location)
}

type adminOutboxView struct {
	Layout
	SMTP     bool
	Messages []mailLine
}

type mailLine struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	Status    string
}

func (s *Server) adminOutbox(c echo.Context) error {
	msgs, err := s.mail.Recent(c.Request().Context(), 100)
	if err != nil {
		return err
	}
	v := adminOutboxView{Layout: s.layout(c, "Courriels envoyés"), SMTP: s.cfg.SMTPURL != ""}
	for _, m := range msgs {
		st := "en attente"
		switch {
		case m.Error != "":
			st = "échec : " + m.Error
		case m.SentAt != nil && v.SMTP:
			st = "envoyé"
		case m.SentAt != nil:
			st = "écrit dans le journal (pas de SMTP)"
		}
		v.Messages = append(v.Messages, mailLine{ID: m.ID, To: m.To, Subject: m.Subject, Body: m.Body, CreatedAt: m.CreatedAt, Status: st})
	}
	return s.render.render(c, http.StatusOK, "admin_outbox", v)
}
