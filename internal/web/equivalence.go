package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// equivalenceView is a bloc aimed at by équivalence, with its proof and
// the certifier's decision.
type equivalenceView struct {
	Block      referentiel.Block
	T          portfolio.EquivalenceTarget
	Proof      *portfolio.Document
	BasisLabel string
}

// equivalenceViews pairs the candidacy's équivalence blocs with their
// référentiel bloc, current proof and ground.
func equivalenceViews(cert *referentiel.Certification, cd *portfolio.Candidacy, docs []portfolio.Document) []equivalenceView {
	var out []equivalenceView
	for _, t := range cd.Equivalences {
		v := equivalenceView{T: t}
		for _, b := range cert.Blocks {
			if b.Code == t.BlockCode {
				v.Block = b
			}
		}
		for i := range docs {
			if t.DocumentID != nil && docs[i].ID == *t.DocumentID {
				v.Proof = &docs[i]
			}
		}
		for _, e := range cert.Equivalences {
			if e.Code == t.Basis {
				v.BasisLabel = e.Label
			}
		}
		out = append(out, v)
	}
	return out
}

// equivalenceBlock is the :block of the URL if the candidacy aims at it by
// équivalence.
func equivalenceBlock(c echo.Context, cd *portfolio.Candidacy) (string, error) {
	code := c.Param("block")
	for _, t := range cd.Equivalences {
		if t.BlockCode == code {
			return code, nil
		}
	}
	return "", fail(http.StatusNotFound, "Ce bloc n'est pas visé par équivalence dans cette candidature.")
}

// equivalenceProofUpload streams the candidate's proof (the title or bloc
// held) into the blob store, then records it for the certifier.
func (s *Server) equivalenceProofUpload(c echo.Context, cd *portfolio.Candidacy) error {
	ctx := c.Request().Context()
	code, err := equivalenceBlock(c, cd)
	if err != nil {
		return err
	}
	if cd.Locked || !cd.State.Editable() {
		return s.uploadRefused(c, cd, http.StatusConflict, "La candidature n'accepte plus de nouveau document.")
	}
	stored, name, refusal := s.receiveFile(c, []blob.Kind{blob.PDF, blob.PNG, blob.JPEG}, s.cfg.MaxUploadBytes)
	if refusal != nil {
		if refusal.typeRefused {
			_ = audit.RecordNow(ctx, s.db, actor(c).Entry("document.refused", "candidacy", itoa(cd.ID), map[string]string{"equivalence": code, "file_name": name, "reason": refusal.msg}))
		}
		return s.uploadRefused(c, cd, refusal.status, refusal.msg)
	}
	doc, err := s.portfolio.AddEquivalenceProof(ctx, actor(c), cd.ID, code, portfolio.NewDocument{CandidacyID: cd.ID, BlockCode: code,
		DeliverableCode: portfolio.EquivalenceProofCode(code), FileName: name, SHA256: stored.SHA256, Size: stored.Size, Kind: string(stored.Kind), MIME: stored.MIME})
	if errors.Is(err, portfolio.ErrLocked) {
		return s.uploadRefused(c, cd, http.StatusConflict, "La candidature n'accepte plus de nouveau document.")
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderCandidacyErrors(c, cd, errs) })
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusCreated, doc)
	}
	return redirectWith(c, candidacyPath(cd.ID)+"#eq-"+code, "Preuve « "+name+" » enregistrée : le certificateur va statuer sur l'équivalence.")
}

// equivalenceForm is the certifier's decision on a proof of equivalence.
type equivalenceForm struct {
	Decision string `form:"decision" validate:"oneof=accepter refuser" msg:"Choisissez d'accepter ou de refuser l'équivalence."`
	Basis    string `form:"fondement"`
	Note     string `form:"motifs"`
}

// equivalenceDecide is the certifier accepting or refusing a proof.
func (s *Server) equivalenceDecide(c echo.Context, cd *portfolio.Candidacy) error {
	code, err := equivalenceBlock(c, cd)
	if err != nil {
		return err
	}
	var f equivalenceForm
	err = bindForm(c, &f)
	accept := f.Decision == "accepter"
	var cert *portfolio.Certificate
	if err == nil {
		cert, err = s.portfolio.DecideEquivalence(c.Request().Context(), actor(c), cd.ID, portfolio.EquivalenceDecision{BlockCode: code, Accept: accept,
			Basis: f.Basis, Note: f.Note})
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderCandidacyErrors(c, cd, errs) })
	}
	msg := "Équivalence refusée : le candidat en est informé et peut fournir une autre preuve."
	if accept {
		msg = "Équivalence acceptée : le bloc " + code + " est acquis, sans passage devant le jury."
		if cert != nil {
			msg += " La certification est obtenue (certificat n° " + cert.Number + ")."
		}
	}
	return redirectWith(c, candidacyPath(cd.ID)+"#eq-"+code, msg)
}
