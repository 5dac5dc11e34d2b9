package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/civil"
	"acquis/internal/jury"
)

// apiSession is a jury session as the API gives it: the deposit deadline
// is a calendar date, the session's start an instant.
type apiSession struct {
	ID                 int64       `json:"id"`
	CertificationCode  string      `json:"certification_code"`
	CertificationTitle string      `json:"certification_title"`
	StartsAt           time.Time   `json:"starts_at"`
	Place              string      `json:"place"`
	Remote             bool        `json:"remote"`
	DossierDeadline    civil.Date  `json:"dossier_deadline"`
	Status             jury.Status `json:"status"`
	Candidates         int         `json:"candidates"`
	RecordedAfter      bool        `json:"recorded_after"`
}

// apiJurySessionsPerPage is the API's page of sessions, by default and at
// most.
const apiJurySessionsPerPage, apiJurySessionsMaxPerPage = 50, 200

// apiJurySessionList is the certifier's sessions, latest first, a page at
// a time with Link headers (the list grows by hundreds a year).
func (s *Server) apiJurySessionList(c echo.Context) error {
	p, err := readPager(c, apiJurySessionsPerPage, apiJurySessionsMaxPerPage)
	if err != nil {
		return err
	}
	list, total, err := s.jury.SessionPage(c.Request().Context(), p.Offset(), p.PerPage)
	if err != nil {
		return err
	}
	p.Total = total
	p.setLinks(c)
	out := make([]apiSession, 0, len(list))
	for _, x := range list {
		out = append(out, apiSession{ID: x.ID, CertificationCode: x.CertificationCode, CertificationTitle: x.CertificationTitle,
			StartsAt: x.StartsAt, Place: x.Place, Remote: x.Remote, DossierDeadline: civil.Of(x.DossierDeadline), Status: x.Status,
			Candidates: x.Candidates, RecordedAfter: x.RecordedAfter})
	}
	return c.JSON(http.StatusOK, map[string]any{"sessions": out, "pagination": p.info()})
}
