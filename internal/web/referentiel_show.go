package web

import (
	"html/template"
	"net/http"
	"slices"
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
	idx, err := s.currentRefs(c)
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "referentiels", referentielListView{Layout: s.layout(c, "Référentiels"), Certifications: idx.List()})
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
// layout, which depends on who asks, is rendered on each request; which
// version is current is kept too, under its generation (currentRefs):
// the page then costs its session lookup alone, not the rendering of
// some hundred criteria and a query.
func (s *Server) referentielShow(c echo.Context) error {
	ctx := c.Request().Context()
	idx, err := s.currentRefs(c)
	if err != nil {
		return err
	}
	vid, err := idx.versionID(c.Param("code"))
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
	p, err := s.refPages.get(vid, func() (keptPage, error) {
		cert, err := s.refs.Version(ctx, vid)
		if err != nil {
			return keptPage{}, err
		}
		body, err := s.render.content("referentiel", referentielView{Cert: cert})
		return keptPage{title: cert.Title, body: body}, err
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

// refPageCache keeps the rendered content of each référentiel version
// shown, by version id: versions are immutable (keyed by their content
// hash), and a certifier has a handful of them.
type refPageCache struct{ m sync.Map }

// get returns the version's rendered content, rendering it on first use.
// Two first requests at once may both render it; they render the same.
func (r *refPageCache) get(vid int64, render func() (keptPage, error)) (keptPage, error) {
	if p, ok := r.m.Load(vid); ok {
		return p.(keptPage), nil
	}
	p, err := render()
	if err != nil {
		return keptPage{}, err
	}
	r.m.Store(vid, p)
	return p, nil
}

func (s *Server) apiCertificationList(c echo.Context) error {
	idx, err := s.currentRefs(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"certifications": idx.List()})
}

func (s *Server) apiCertificationShow(c echo.Context) error {
	idx, err := s.currentRefs(c)
	if err != nil {
		return err
	}
	vid, err := idx.versionID(c.Param("code"))
	if err != nil {
		return err
	}
	cert, err := s.refs.Version(c.Request().Context(), vid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cert)
}

// refIndex is every certification at its current version, as one
// generation of the référentiels saw them.
type refIndex struct {
	list []referentiel.Summary
	ids  map[string]int64
}

// List is the certifications at their current version, by code: a copy,
// which the caller may change.
func (r refIndex) List() []referentiel.Summary { return slices.Clone(r.list) }

// versionID is the current version of a certification.
func (r refIndex) versionID(code string) (int64, error) {
	if id, ok := r.ids[code]; ok {
		return id, nil
	}
	return 0, referentiel.ErrNotFound
}

// currentRefs returns which version of each certification is current. It
// changes only when a version is loaded or installed: it is kept under the
// référentiels' generation (package generation, migration 00024), which
// the request learnt with its session, so that a version published on any
// instance shows at once on every other, without a query per request.
func (s *Server) currentRefs(c echo.Context) (refIndex, error) {
	g, err := s.generations(c)
	if err != nil {
		return refIndex{}, err
	}
	return s.refIndexes.Get(g.Referentiels, struct{}{}, func() (refIndex, error) {
		list, err := s.refs.Certifications(c.Request().Context())
		if err != nil {
			return refIndex{}, err
		}
		idx := refIndex{list: list, ids: map[string]int64{}}
		for _, sum := range list {
			idx.ids[sum.Code] = sum.VersionID
		}
		return idx, nil
	})
}
