package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// templateTypes are the formats a template may have: documents a
// candidate edits or reads (issue 18 #6), checked by content like every
// upload.
var templateTypes = []blob.Kind{blob.PDF, blob.ODT, blob.DOCX}

// deliverableAt is a deliverable of a certification's current version,
// with its certification.
type deliverableAt struct {
	Cert        *referentiel.Certification
	Deliverable *referentiel.Deliverable
}

// deliverableScope loads the certification named by :code and its
// deliverable :dcode that a candidate uploads; templates are the
// certifier's, for every platform (an empty resource).
func (s *Server) deliverableScope() scope[deliverableAt] {
	return scope[deliverableAt]{params: []string{"code", "dcode"}, load: func(c echo.Context) (deliverableAt, account.Resource, error) {
		cert, err := s.refs.Certification(c.Request().Context(), c.Param("code"))
		if err != nil {
			return deliverableAt{}, account.Resource{}, err
		}
		_, del := cert.Deliverable(c.Param("dcode"))
		if del == nil || !del.Upload {
			return deliverableAt{}, account.Resource{}, missing("Ce livrable n'existe pas dans ce référentiel.")
		}
		return deliverableAt{Cert: cert, Deliverable: del}, account.Resource{}, nil
	}}
}

// deliverableTemplateUpload streams the certifier's template for one
// deliverable into the blob store, then records it with its audit row.
func (s *Server) deliverableTemplateUpload(c echo.Context, at deliverableAt) error {
	ctx := c.Request().Context()
	cert, del := at.Cert, at.Deliverable
	stored, name, refusal := s.receiveFile(c, templateTypes, s.cfg.MaxUploadBytes)
	if refusal != nil {
		if refusal.typeRefused {
			_ = audit.RecordNow(ctx, s.db, actor(c).Entry("referentiel.template_refused", "certification", cert.Code, map[string]string{"deliverable": del.Code, "file_name": name, "reason": refusal.msg}))
		}
		return s.renderReferentiel(c, cert, refusal.status, FormErrors{"template_" + del.Code: refusal.msg})
	}
	t, err := s.refs.AddTemplate(ctx, actor(c), referentiel.Template{CertificationCode: cert.Code, DeliverableCode: del.Code,
		FileName: name, SHA256: stored.SHA256, Size: stored.Size, Kind: string(stored.Kind), MIME: stored.MIME})
	if err != nil {
		return err
	}
	return redirectWith(c, "/referentiels/"+cert.Code+"#tpl-"+del.Code, "Modèle « "+t.FileName+" » enregistré pour « "+del.Label+" » : les candidats le téléchargent depuis leur candidature.")
}

// deliverableTemplateDownload serves the certifier's current template of
// a deliverable to the certifier.
func (s *Server) deliverableTemplateDownload(c echo.Context, at deliverableAt) error {
	return s.serveTemplate(c, at.Cert.Code, at.Deliverable.Code)
}

// candidacyTemplateDownload serves a deliverable's template to whoever
// reads the candidacy: its candidate, for the certification it aims at.
func (s *Server) candidacyTemplateDownload(c echo.Context, cd *portfolio.Candidacy) error {
	cert, err := s.refs.Version(c.Request().Context(), cd.VersionID)
	if err != nil {
		return err
	}
	if _, del := findDeliverable(cert, cd, c.Param("code")); del == nil {
		return fail(http.StatusNotFound, "Ce livrable n'existe pas pour cette candidature.")
	}
	return s.serveTemplate(c, cd.CertificationCode, c.Param("code"))
}

func (s *Server) serveTemplate(c echo.Context, certCode, deliverableCode string) error {
	ctx := c.Request().Context()
	t, err := s.refs.Template(ctx, certCode, deliverableCode)
	if errors.Is(err, referentiel.ErrNotFound) {
		return fail(http.StatusNotFound, "Le certificateur ne propose pas de modèle pour ce livrable.")
	}
	if err != nil {
		return err
	}
	f, err := s.blobs.OpenContext(ctx, t.SHA256)
	if err != nil {
		return err
	}
	defer f.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, attachment(t.FileName))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set(echo.HeaderContentLength, strconv.FormatInt(t.Size, 10))
	return c.Stream(http.StatusOK, t.MIME, f)
}

// renderReferentiel shows a référentiel's page; the certifier sees the
// templates offered and a form to send one per deliverable.
func (s *Server) renderReferentiel(c echo.Context, cert *referentiel.Certification, status int, errs FormErrors) error {
	v := referentielView{Layout: s.layout(c, cert.Title), Cert: cert, Errors: errs,
		Certifier: account.Can(principal(c), account.ActCertifierManage, account.Resource{})}
	if v.Certifier {
		all, err := s.refs.Templates(c.Request().Context(), cert.Code)
		if err != nil {
			return err
		}
		// Pointers, so the page tells a deliverable without a template.
		v.Templates = make(map[string]*referentiel.Template, len(all))
		for k := range all {
			t := all[k]
			v.Templates[k] = &t
		}
	}
	return s.render.render(c, status, "referentiel", v)
}
