package web

import (
	"html/template"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/referentiel"
)

type referentielListView struct {
	Layout
	Certifications []referentiel.Summary
}

func (s *Server) referentielList(c echo.Context) error {
	list, err := s.refs.Certifications(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "referentiels", referentielListView{Layout: s.layout(c, "Référentiels"), Certifications: list})
}

type referentielView struct {
	Layout
	Cert *referentiel.Certification
	// Certifier may offer a template per deliverable; Templates are those
	// offered now, by deliverable code.
	Certifier bool
	Templates map[string]*referentiel.Template
	Errors    FormErrors
}

// referentielShow shows a certification's current version. A version
// never changes, so its rendered content is kept (refPages) and only the
// layout, which depends on who asks, is rendered on each request: the
// page then costs its session and one query, not the rendering of some
// hundred criteria.
func (s *Server) referentielShow(c echo.Context) error {
	ctx := c.Request().Context()
	vid, err := s.refs.CurrentVersionID(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	// The certifier's page also offers the deliverables' templates: it is
	// rendered whole, the only one that is not the same for everyone.
	if account.Can(principal(c), account.ActCertifierManage, account.Resource{}) {
		cert, err := s.refs.Version(ctx, vid)
		if err != nil {
			return err
		}
		return s.renderReferentiel(c, cert, http.StatusOK, nil)
	}
	p, err := s.refPages.get(vid, func() (refPage, error) {
		cert, err := s.refs.Version(ctx, vid)
		if err != nil {
			return refPage{}, err
		}
		body, err := s.render.content("referentiel", referentielView{Cert: cert})
		return refPage{title: cert.Title, body: body}, err
	})
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "prerendered", prerenderedView{Layout: s.layout(c, p.title), Body: p.body})
}

// keptPage is the rendered content of a page kept in memory, with the
// title its layout shows.
type keptPage struct {
	title string
	body  template.HTML
}

// refPage is the rendered content of one référentiel version.
type refPage = keptPage

// refPageCache keeps the rendered content of each référentiel version
// shown, by version id: versions are immutable (keyed by their content
// hash), and a certifier has a handful of them.
type refPageCache struct{ m sync.Map }

// get returns the version's rendered content, rendering it on first use.
// Two first requests at once may both render it; they render the same.
func (r *refPageCache) get(vid int64, render func() (refPage, error)) (refPage, error) {
	if p, ok := r.m.Load(vid); ok {
		return p.(refPage), nil
	}
	p, err := render()
	if err != nil {
		return refPage{}, err
	}
	r.m.Store(vid, p)
	return p, nil
}

func (s *Server) apiCertificationList(c echo.Context) error {
	list, err := s.refs.Certifications(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"certifications": list})
}

func (s *Server) apiCertificationShow(c echo.Context) error {
	cert, err := s.refs.Certification(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cert)
}
