package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/jury"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
	"acquis/internal/verify"
)

type candidacyView struct {
	Layout
	C      *portfolio.Candidacy
	Cert   *referentiel.Certification
	Blocks []blockView
	// Equivalences are the blocs aimed at by équivalence: no jury, a proof
	// and the certifier's decision.
	Equivalences []equivalenceView
	// Prerequisites bind the candidacy (entry into training): evidence
	// and the certifier's verification, needed for admissibility.
	Prerequisites []prerequisiteView
	History       []portfolio.TransitionRecord
	Deposits      []portfolio.Deposit
	IsOwner       bool
	Certifier     bool
	OwnSteps      []portfolio.State
	AdminSteps    []portfolio.State
	Overdue       bool
	Assessed      int
	ToAssess      int
	Results       []jury.CandidateResult
	// Outcomes are the same results as the candidate reads them.
	Outcomes []resultView
	// Acquired are the blocs of this certification the candidate holds
	// (each with its attestation); Certificate is set once it is awarded.
	Acquired    []portfolio.AcquiredBlock
	Certificate *portfolio.Certificate
	// Verify holds the verification codes of the certificate ("") and of
	// each bloc (by code), and Withdrawn the certificate's withdrawal.
	Verify    map[string]string
	Withdrawn *verify.Withdrawal
	Errors    FormErrors
	// CanDeposit is set when the candidate may deposit: DepositFiles is
	// what the deposit would hold and DepositMissing what it still lacks.
	CanDeposit     bool
	DepositFiles   []portfolio.DepositFile
	DepositMissing []string
	SwornStatement string
	// CanWithdraw is set when the candidate may abandon the candidacy.
	CanWithdraw bool
}

// blockView is a targeted bloc with its deliverables and their files.
type blockView struct {
	Block        referentiel.Block
	Pathway      portfolio.Pathway
	Deliverables []deliverableView
}

type deliverableView struct {
	D        referentiel.Deliverable
	Versions []portfolio.Document
	Current  *portfolio.Document
	// SharedWith names the other presented blocs a shared file serves;
	// the file is sent once, from the first of them (SentFrom is that
	// deliverable's code when it is not this one).
	SharedWith []string
	SentFrom   string
	// Template is the model the certifier offers for it, if any.
	Template *referentiel.Template
	// ContentsIntro says « Il comprend : » before the expected contents,
	// as the source does, unless its description already introduces them.
	ContentsIntro bool
}

func (s *Server) buildCandidacyView(c echo.Context, cd *portfolio.Candidacy, errs FormErrors) (*candidacyView, error) {
	ctx := c.Request().Context()
	cert, err := s.refs.Version(ctx, cd.VersionID)
	if err != nil {
		return nil, err
	}
	docs, err := s.portfolio.Documents(ctx, cd.ID)
	if err != nil {
		return nil, err
	}
	p := principal(c)
	v := &candidacyView{Layout: s.layout(c, "Candidature — "+cert.Title), C: cd, Cert: cert, Errors: errs,
		IsOwner:   account.Can(p, account.ActCandidacyOwn, account.Resource{OwnerUserID: cd.CandidateID}),
		Certifier: account.Can(p, account.ActCertifierManage, account.Resource{}),
		Overdue:   cd.Overdue(time.Now())}
	if v.IsOwner {
		for _, st := range portfolio.NextSteps(cd.State, account.RoleCandidate) {
			switch st {
			case portfolio.DossierSubmitted:
				v.CanDeposit = true
			case portfolio.Withdrawn:
				v.CanWithdraw = true
			default:
				v.OwnSteps = append(v.OwnSteps, st)
			}
		}
	}
	if v.CanDeposit {
		v.DepositFiles, v.SwornStatement = portfolio.DepositPreview(cert, cd, docs), portfolio.SwornStatement
		missing := portfolio.Missing(cert, cd, docs)
		for _, t := range cd.Blocks {
			for _, d := range missing[t.BlockCode] {
				v.DepositMissing = append(v.DepositMissing, t.BlockCode+" — "+d.Label)
			}
		}
	}
	if v.Certifier {
		v.AdminSteps = portfolio.NextSteps(cd.State, account.RoleAdmin)
	}
	// sharers lists, per file key, the presented blocs' deliverables that
	// share it, in the candidacy's order.
	type sharer struct{ block, code string }
	sharers := map[string][]sharer{}
	for _, t := range cd.Blocks {
		for _, b := range cert.Blocks {
			if b.Code == t.BlockCode {
				for _, d := range b.Deliverables {
					sharers[d.FileKey()] = append(sharers[d.FileKey()], sharer{b.Code, d.Code})
				}
			}
		}
	}
	templates, err := s.refs.Templates(ctx, cd.CertificationCode)
	if err != nil {
		return nil, err
	}
	for _, t := range cd.Blocks {
		for _, b := range cert.Blocks {
			if b.Code != t.BlockCode {
				continue
			}
			bv := blockView{Block: b, Pathway: t.Pathway}
			for _, d := range b.Deliverables {
				dv := deliverableView{D: d, ContentsIntro: len(d.Contents) > 0 && !strings.HasSuffix(strings.TrimSpace(d.Description), ":")}
				if tpl, ok := templates[d.Code]; ok {
					dv.Template = &tpl
				}
				if sh := sharers[d.FileKey()]; len(sh) > 1 {
					for _, x := range sh {
						if x.block != b.Code {
							dv.SharedWith = append(dv.SharedWith, x.block)
						}
					}
					if sh[0].code != d.Code {
						dv.SentFrom = sh[0].code
					}
				}
				for i := range docs {
					if docs[i].DeliverableCode == d.FileKey() {
						dv.Versions = append(dv.Versions, docs[i])
						if docs[i].DeletedAt == nil {
							dv.Current = &docs[i]
						}
					}
				}
				bv.Deliverables = append(bv.Deliverables, dv)
			}
			v.ToAssess += len(b.Competences)
			v.Blocks = append(v.Blocks, bv)
		}
	}
	v.Equivalences = equivalenceViews(cert, cd, docs)
	checks, err := s.portfolio.PrerequisiteChecks(ctx, cd.ID)
	if err != nil {
		return nil, err
	}
	v.Prerequisites = prerequisiteViews(cert, cd, docs, checks)
	sa, err := s.portfolio.SelfAssessment(ctx, cd.ID)
	if err != nil {
		return nil, err
	}
	v.Assessed = len(sa)
	if v.History, err = s.portfolio.History(ctx, cd.ID); err != nil {
		return nil, err
	}
	if v.Deposits, err = s.portfolio.Deposits(ctx, cd.ID); err != nil {
		return nil, err
	}
	if v.Results, err = s.jury.ResultsFor(ctx, cd.ID); err != nil {
		return nil, err
	}
	h, err := s.portfolio.HoldingsFor(ctx, cd.CandidateID, cd.CertificationCode)
	if err != nil {
		return nil, err
	}
	v.Acquired, v.Certificate = h.Blocks, h.Certificate
	v.Outcomes = resultViews(cert, v.Results, h.Blocks)
	if v.Verify, v.Withdrawn, err = s.verificationCodes(ctx, h); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Server) candidacyShow(c echo.Context, cd *portfolio.Candidacy) error {
	v, err := s.buildCandidacyView(c, cd, nil)
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusOK, "candidacy", v)
}

func (s *Server) renderCandidacyErrors(c echo.Context, cd *portfolio.Candidacy, errs FormErrors) error {
	v, err := s.buildCandidacyView(c, cd, errs)
	if err != nil {
		return err
	}
	return s.render.render(c, http.StatusUnprocessableEntity, "candidacy", v)
}

// candidacyMove is the candidate's own moves (ask admissibility, start the
// dossier, withdraw); candidacyDecide is the certifier's.
func (s *Server) candidacyMove(c echo.Context, cd *portfolio.Candidacy) error {
	return s.moveAs(c, cd, account.RoleCandidate)
}

func (s *Server) candidacyDecide(c echo.Context, cd *portfolio.Candidacy) error {
	return s.moveAs(c, cd, account.RoleAdmin)
}

// moveForm asks for a candidacy's next state; whether the move is allowed
// is portfolio.CheckTransition's to say.
type moveForm struct {
	To           string `form:"vers"`
	Confirmation string `form:"confirmation"`
	Reasons      string `form:"motifs"`
	Attestation  string `form:"attestation"`
}

func (s *Server) moveAs(c echo.Context, cd *portfolio.Candidacy, role account.Role) error {
	var f moveForm
	if err := bindForm(c, &f); err != nil {
		return err // no rule in the tags: only a malformed body (400)
	}
	to := portfolio.State(f.To)
	if to == portfolio.DossierSubmitted {
		return s.candidacySubmit(c, cd)
	}
	if to == portfolio.Withdrawn && role == account.RoleCandidate && f.Confirmation != "oui" {
		return s.renderCandidacyErrors(c, cd, FormErrors{"confirmation": "Confirmez l'abandon : il est définitif, la candidature ne pourra plus être reprise."})
	}
	err := s.portfolio.Transition(c.Request().Context(), actor(c), cd.ID, to, role, f.Reasons)
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderCandidacyErrors(c, cd, errs) })
	}
	s.deliverMail(c) // the candidate is told of the step
	return redirectWith(c, candidacyPath(cd.ID), "La candidature est maintenant : "+to.Label()+".")
}

// candidacySubmit deposits the dossier and shows its receipt.
func (s *Server) candidacySubmit(c echo.Context, cd *portfolio.Candidacy) error {
	var f moveForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	dep, err := s.portfolio.SubmitSworn(c.Request().Context(), actor(c), cd.ID, f.Attestation == "oui")
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderCandidacyErrors(c, cd, errs) })
	}
	s.deliverMail(c) // the receipt's e-mail
	return redirectWith(c, candidacyPath(cd.ID)+"/depots/"+itoa(int64(dep.Number)), "Dossier déposé. Voici votre accusé de dépôt.")
}

type depositView struct {
	Layout
	C       *portfolio.Candidacy
	Deposit portfolio.Deposit
}

func (s *Server) depositShow(c echo.Context, cd *portfolio.Candidacy) error {
	n, err := paramID(c, "n")
	if err != nil {
		return err
	}
	deps, err := s.portfolio.Deposits(c.Request().Context(), cd.ID)
	if err != nil {
		return err
	}
	for _, d := range deps {
		if int64(d.Number) == n {
			return s.render.render(c, http.StatusOK, "deposit", depositView{Layout: s.layout(c, "Accusé de dépôt"), C: cd, Deposit: d})
		}
	}
	return fail(http.StatusNotFound, "Ce dépôt n'existe pas.")
}

type admissibilityQueueView struct {
	Layout
	Lines []queueLine
}

type queueLine struct {
	portfolio.Candidacy
	Overdue bool
	// Evidence is every live file the candidate sent (prerequisite
	// evidence, proofs, deliverables), for the certifier to open.
	Evidence []portfolio.Document
}

// admissibilityQueue is the certifier's list of requests awaiting a
// decision, oldest due date first, overdue ones flagged.
func (s *Server) admissibilityQueue(c echo.Context) error {
	list, err := s.portfolio.Candidacies(c.Request().Context(), portfolio.Filter{States: []portfolio.State{portfolio.AdmissibilitySubmitted}})
	if err != nil {
		return err
	}
	now := time.Now()
	v := admissibilityQueueView{Layout: s.layout(c, "Recevabilité")}
	ctx := c.Request().Context()
	for i := len(list) - 1; i >= 0; i-- {
		l := queueLine{Candidacy: list[i], Overdue: list[i].Overdue(now)}
		if l.Equivalences, err = s.portfolio.Equivalences(ctx, l.ID); err != nil {
			return err
		}
		docs, err := s.portfolio.Documents(ctx, l.ID)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if d.DeletedAt == nil {
				l.Evidence = append(l.Evidence, d)
			}
		}
		v.Lines = append(v.Lines, l)
	}
	return s.render.render(c, http.StatusOK, "admissibility_queue", v)
}
