package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/blob"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// prerequisiteView is a prerequisite binding the candidacy, with the
// candidate's current evidence and the certifier's verification.
type prerequisiteView struct {
	P        referentiel.Prerequisite
	Evidence *portfolio.Document
	Check    *portfolio.PrerequisiteCheck
}

func prerequisiteViews(cert *referentiel.Certification, cd *portfolio.Candidacy, docs []portfolio.Document, checks map[string]portfolio.PrerequisiteCheck) []prerequisiteView {
	var out []prerequisiteView
	for _, p := range portfolio.ApplicablePrerequisites(cert, cd) {
		v := prerequisiteView{P: p}
		for i := range docs {
			if docs[i].DeliverableCode == portfolio.PrerequisiteEvidenceCode(p.Code) && docs[i].DeletedAt == nil {
				v.Evidence = &docs[i]
			}
		}
		if chk, ok := checks[p.Code]; ok {
			v.Check = &chk
		}
		out = append(out, v)
	}
	return out
}

// prerequisiteEvidenceUpload streams the candidate's evidence into the
// blob store, then records it.
func (s *Server) prerequisiteEvidenceUpload(c echo.Context, cd *portfolio.Candidacy) error {
	if cd.Locked || !cd.State.Editable() {
		return s.uploadRefused(c, cd, http.StatusConflict, "La candidature n'accepte plus de nouveau document.")
	}
	stored, name, refusal := s.receiveFile(c, []blob.Kind{blob.PDF, blob.PNG, blob.JPEG}, s.cfg.MaxUploadBytes)
	if refusal != nil {
		return s.uploadRefused(c, cd, refusal.status, refusal.msg)
	}
	_, err := s.portfolio.AddPrerequisiteEvidence(c.Request().Context(), actor(c), cd.ID, c.Param("code"), portfolio.NewDocument{FileName: name,
		SHA256: stored.SHA256, Size: stored.Size, Kind: string(stored.Kind), MIME: stored.MIME})
	if errors.Is(err, portfolio.ErrLocked) {
		return s.uploadRefused(c, cd, http.StatusConflict, "La candidature n'accepte plus de nouveau document.")
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderCandidacyErrors(c, cd, errs) })
	}
	return redirectWith(c, candidacyPath(cd.ID)+"#prerequis", "Justificatif « "+name+" » enregistré : le certificateur le vérifiera avec votre demande de recevabilité.")
}

// prerequisiteForm is the certifier's verification. The months are
// posted as "months", the name portfolio.CheckPrerequisite gives its own
// refusals, so that every message about them lands beside the one field.
type prerequisiteForm struct {
	Months string `form:"months" validate:"omitempty,integer" msg:"Indiquez le nombre de mois d'expérience que montrent les justificatifs."`
	Accept string `form:"accepte"`
	Note   string `form:"motifs"`
}

// prerequisiteCheck is the certifier's verification of the evidence.
func (s *Server) prerequisiteCheck(c echo.Context, cd *portfolio.Candidacy) error {
	var f prerequisiteForm
	err := bindForm(c, &f)
	if err == nil {
		months, _ := strconv.Atoi(strings.TrimSpace(f.Months))
		err = s.portfolio.CheckPrerequisite(c.Request().Context(), actor(c), cd.ID, c.Param("code"), months, f.Accept == "oui", f.Note)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderCandidacyErrors(c, cd, errs) })
	}
	return redirectWith(c, candidacyPath(cd.ID)+"#prerequis", "Vérification du prérequis enregistrée.")
}
