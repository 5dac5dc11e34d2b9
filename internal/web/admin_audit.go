package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/audit"
	"acquis/internal/csvexport"
	"acquis/internal/paris"
)

type adminAuditView struct {
	Layout
	Rows     []auditLine
	Total    int
	Filter   auditFilterForm
	NextPage int
	PrevPage int
	Verified *audit.VerifyResult
	// Actions are the choices of the action filter; Query is the filter
	// as a query string, for the pager and the CSV export.
	Actions []auditActionOption
	Query   string
}

// auditLine is an entry with its actor's name and its action in French.
type auditLine struct {
	audit.Row
	ActorName   string
	ActionLabel string
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

// auditExportMax bounds one CSV export; a narrower filter gets the rest.
const auditExportMax = 100000

// auditFilter reads the filters of the log's page and of its export. The
// actor is a user number, an e-mail address or part of a name that must
// designate one person.
func (s *Server) auditFilter(c echo.Context) (auditFilterForm, audit.Filter, error) {
	f := auditFilterForm{Actor: strings.TrimSpace(c.QueryParam("acteur")), Action: c.QueryParam("action"), Entity: c.QueryParam("objet"),
		EntityID: c.QueryParam("id"), From: c.QueryParam("du"), To: c.QueryParam("au")}
	f.Page = 1
	if v := c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > auditMaxPage {
			return f, audit.Filter{}, fail(http.StatusBadRequest, fmt.Sprintf("Numéro de page invalide : indiquez un nombre entier entre 1 et %d.", auditMaxPage))
		}
		f.Page = n
	}
	filter := audit.Filter{Action: f.Action, Entity: f.Entity, EntityID: f.EntityID, Limit: auditPageSize, Offset: (f.Page - 1) * auditPageSize}
	if f.Actor != "" {
		if id, ok := parseID(f.Actor); ok {
			filter.ActorID = id
		} else {
			ids, err := s.accounts.UsersMatching(c.Request().Context(), f.Actor, 2)
			if err != nil {
				return f, filter, err
			}
			switch len(ids) {
			case 0:
				return f, filter, fail(http.StatusBadRequest, "Aucune personne ne correspond à « "+f.Actor+" » : indiquez son nom, son adresse électronique ou son numéro.")
			case 2:
				return f, filter, fail(http.StatusBadRequest, "Plusieurs personnes correspondent à « "+f.Actor+" » : précisez le nom, ou indiquez l'adresse électronique.")
			}
			filter.ActorID = ids[0]
		}
	}
	var err error
	if filter.From, err = parseDay(f.From); err != nil {
		return f, filter, fail(http.StatusBadRequest, "Date de début invalide : utilisez le format AAAA-MM-JJ.")
	}
	if filter.To, err = parseDay(f.To); err != nil {
		return f, filter, fail(http.StatusBadRequest, "Date de fin invalide : utilisez le format AAAA-MM-JJ.")
	}
	if !filter.To.IsZero() {
		filter.To = filter.To.AddDate(0, 0, 1)
	}
	return f, filter, nil
}

// auditLines names the actors of rows (one query) and labels the actions.
func (s *Server) auditLines(ctx context.Context, rows []audit.Row) ([]auditLine, error) {
	var ids []int64
	for _, r := range rows {
		if r.ActorID != nil {
			ids = append(ids, *r.ActorID)
		}
	}
	names, err := s.accounts.Names(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]auditLine, len(rows))
	for i, r := range rows {
		out[i] = auditLine{Row: r, ActionLabel: auditActionLabel(r.Action)}
		if r.ActorID != nil {
			out[i].ActorName = names[*r.ActorID]
		}
	}
	return out, nil
}

func (f auditFilterForm) query() string {
	q := url.Values{}
	for k, v := range map[string]string{"acteur": f.Actor, "action": f.Action, "objet": f.Entity, "id": f.EntityID, "du": f.From, "au": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

func (s *Server) adminAudit(c echo.Context) error {
	f, filter, err := s.auditFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rows, total, err := audit.List(ctx, s.db, filter)
	if err != nil {
		return err
	}
	lines, err := s.auditLines(ctx, rows)
	if err != nil {
		return err
	}
	v := adminAuditView{Layout: s.layout(c, "Journal d'audit"), Rows: lines, Total: total, Filter: f, Actions: auditActionOptions(), Query: f.query()}
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

// adminAuditCSV exports the entries the filters select, newest first, with
// the actor's name and the action's French label next to their codes.
func (s *Server) adminAuditCSV(c echo.Context) error {
	_, filter, err := s.auditFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	records := [][]string{{"N°", "Date et heure", "N° de l'acteur", "Acteur", "Rôle", "Action", "Code de l'action", "Objet", "Identifiant de l'objet", "IP", "Détail"}}
	filter.Limit, filter.Offset = 500, 0
	for filter.Offset < auditExportMax {
		rows, _, err := audit.List(ctx, s.db, filter)
		if err != nil {
			return err
		}
		lines, err := s.auditLines(ctx, rows)
		if err != nil {
			return err
		}
		for _, l := range lines {
			actor := ""
			if l.ActorID != nil {
				actor = strconv.FormatInt(*l.ActorID, 10)
			}
			records = append(records, []string{strconv.FormatInt(l.ID, 10), l.At.In(paris.Location).Format("02/01/2006 15:04:05"), actor, l.ActorName, l.ActorRole,
				l.ActionLabel, l.Action, l.Entity, l.EntityID, l.IP, string(l.Change)})
		}
		if len(rows) < filter.Limit {
			break
		}
		filter.Offset += filter.Limit
	}
	_ = audit.RecordNow(ctx, s.db, actor(c).Entry("audit.exported", "audit_log", "", map[string]any{"rows": len(records) - 1, "query": c.QueryString()}))
	c.Response().Header().Set(echo.HeaderContentDisposition, attachment("journal-audit-"+time.Now().In(paris.Location).Format("2006-01-02")+".csv"))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", csvexport.Encode(records))
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
