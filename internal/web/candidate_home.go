package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/fielderr"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

type candidateHomeView struct {
	Layout
	Candidacies  []candidacyLine
	Acquired     []portfolio.AcquiredBlock
	Certificates []portfolio.Certificate
}

// candidacyLine is a candidacy on the dashboard, with what is missing.
type candidacyLine struct {
	portfolio.Candidacy
	Missing  int
	Overdue  bool
	NextStep string
}

func (s *Server) candidateHome(c echo.Context) error {
	ctx := c.Request().Context()
	uid := principal(c).UserID
	list, err := s.portfolio.Candidacies(ctx, portfolio.Filter{CandidateID: uid})
	if err != nil {
		return err
	}
	v := candidateHomeView{Layout: s.layout(c, "Mes candidatures")}
	for _, cd := range list {
		line := candidacyLine{Candidacy: cd, Overdue: cd.Overdue(time.Now())}
		cert, err := s.refs.Version(ctx, cd.VersionID)
		if err != nil {
			return err
		}
		docs, err := s.portfolio.Documents(ctx, cd.ID)
		if err != nil {
			return err
		}
		cdCopy := cd
		// Files to send: a file shared by blocs counts once.
		files := map[string]bool{}
		for _, ds := range portfolio.Missing(cert, &cdCopy, docs) {
			for _, d := range ds {
				files[d.FileKey()] = true
			}
		}
		line.Missing = len(files)
		line.NextStep = nextStepHint(cd.State, line.Missing)
		v.Candidacies = append(v.Candidacies, line)
	}
	if v.Acquired, err = s.portfolio.AcquiredBlocks(ctx, uid); err != nil {
		return err
	}
	if v.Certificates, err = s.portfolio.Certificates(ctx, uid); err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "candidate_home", v)
}

// nextStepHint says in one sentence what the candidate should do next.
func nextStepHint(st portfolio.State, missing int) string {
	switch st {
	case portfolio.Draft:
		return "Complétez votre candidature puis demandez la recevabilité."
	case portfolio.AdmissibilitySubmitted:
		return "Le certificateur examine la recevabilité de votre demande."
	case portfolio.Incomplete:
		return "Complétez votre demande selon les motifs du certificateur, puis renvoyez-la."
	case portfolio.Admissible:
		return "Votre candidature est recevable : commencez votre dossier."
	case portfolio.DossierInProgress:
		if missing > 0 {
			return "Déposez les documents manquants, puis soumettez votre dossier."
		}
		return "Votre dossier est complet : vous pouvez le soumettre au jury."
	case portfolio.DossierSubmitted:
		return "Votre dossier est déposé ; il sera examiné par le jury."
	case portfolio.Evaluated:
		return "Le jury a rendu sa décision."
	}
	return ""
}

type newCandidacyView struct {
	Layout
	Certifications []*referentiel.Certification
	Held           map[string]bool
	Pathways       []portfolio.Pathway
	Form           newCandidacyForm
	Errors         FormErrors
	// Chosen is the certification picked at the first step: the second
	// shows its blocs only, so the form needs no script.
	Chosen *referentiel.Certification
}

// newCandidacyForm is a new candidacy as posted. Pathways has no tag:
// its fields are named after the blocs (pathway_<bloc>), read by
// prefixedFields.
type newCandidacyForm struct {
	Certification      string `form:"certification"`
	Pathways           map[string]string
	ExperienceMonths   string `form:"experience_months" validate:"omitempty,integer" msg:"Indiquez un nombre de mois, par exemple 24."`
	ExperienceRole     string `form:"experience_role"`
	ExperienceEmployer string `form:"experience_employer"`
}

func (s *Server) candidacyNewForm(c echo.Context) error {
	return s.renderNewCandidacy(c, http.StatusOK, newCandidacyForm{Certification: c.QueryParam("certification")}, nil)
}

func (s *Server) renderNewCandidacy(c echo.Context, status int, form newCandidacyForm, errs FormErrors) error {
	ctx := c.Request().Context()
	idx, err := s.currentRefs(c)
	if err != nil {
		return err
	}
	v := newCandidacyView{Layout: s.layout(c, "Nouvelle candidature"), Pathways: portfolio.Pathways, Form: form, Errors: errs, Held: map[string]bool{}}
	for _, sum := range idx.List() {
		cert, err := s.refs.Version(ctx, sum.VersionID)
		if err != nil {
			return err
		}
		v.Certifications = append(v.Certifications, cert)
		if cert.Code == form.Certification {
			v.Chosen = cert
		}
	}
	if v.Chosen == nil && form.Certification != "" && !v.Errors.Has("certification") {
		if v.Errors == nil {
			v.Errors = FormErrors{}
		}
		v.Errors["certification"] = "Cette certification n'est pas proposée : choisissez-en une dans la liste."
		status = http.StatusUnprocessableEntity
	}
	acquired, err := s.portfolio.AcquiredBlocks(ctx, principal(c).UserID)
	if err != nil {
		return err
	}
	for _, a := range acquired {
		v.Held[a.BlockCode] = true
	}
	if v.Form.Pathways == nil {
		v.Form.Pathways = map[string]string{}
	}
	return s.render.render(c, status, "candidacy_new", v)
}

func (s *Server) candidacyCreate(c echo.Context) error {
	var form newCandidacyForm
	bound := bindForm(c, &form)
	if _, refused := fielderr.From(bound); bound != nil && !refused {
		return bound
	}
	pathways, err := prefixedFields(c, "pathway_")
	if err != nil {
		return fail(http.StatusBadRequest, "Le formulaire est mal formé.")
	}
	form.Pathways = map[string]string{}
	n := portfolio.NewCandidacy{CandidateID: principal(c).UserID, CertificationCode: form.Certification, Pathways: map[string]portfolio.Pathway{},
		OrganisationID: principal(c).OrganisationID, ExperienceRole: form.ExperienceRole, ExperienceEmployer: form.ExperienceEmployer}
	// Pathways come as pathway_<BLOC>=formation|vae|equivalence; an empty
	// value means the bloc is not targeted.
	for code, p := range pathways {
		if !strings.HasPrefix(code, form.Certification) {
			continue // a field left over from another certification's section
		}
		form.Pathways[code] = p
		n.Pathways[code] = portfolio.Pathway(p)
	}
	// A refused field (experience_months) renders the form again with the
	// pathways chosen, as a domain refusal does.
	err = bound
	var id int64
	if err == nil {
		n.ExperienceMonths, _ = strconv.Atoi(strings.TrimSpace(form.ExperienceMonths))
		id, err = s.portfolio.Create(c.Request().Context(), actor(c), n)
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderNewCandidacy(c, http.StatusUnprocessableEntity, form, errs)
		})
	}
	return redirectWith(c, candidacyPath(id), "Candidature créée. Demandez la recevabilité quand elle est complète.")
}
