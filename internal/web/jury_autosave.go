package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/fielderr"
	"acquis/internal/jury"
	"acquis/internal/portfolio"
)

// verdictRequest is one criterion's verdict: sent by the autosave (JSON)
// or posted as a form.
type verdictRequest struct {
	Criterion string `json:"criterion" form:"criterion"`
	Verdict   string `json:"verdict" form:"verdict"`
	Comment   string `json:"comment" form:"comment"`
}

// autosave is what the autosave's scope hands its handler: the route's
// session and candidacy, the request as sent and, when the scope's one
// statement was also the write (juryAutosaveScope), its outcome.
type autosave struct {
	at      juryCandidate
	req     verdictRequest
	bindErr error
	// written says the scope ran the write: v and err are its outcome.
	written bool
	v       jury.Verdict
	err     error
}

// juryAutosaveScope finds what the autosave, the hottest request, is
// about, in as few round trips as its authorisation allows.
//
// The policy lets a user score a candidacy when they hold a role that may
// score and evaluate that candidacy in that session (account.Can,
// ActJuryScore: TestAutosaveFoldPremise pins that it asks nothing else).
// The write statement (jury.RecordVerdict) writes only for the evaluator
// of that candidacy in that session and answers jury.ErrNotFound, writing
// nothing, for anyone else: it is itself the check. So when the role may
// score and the request is well formed, the scope runs the write and
// reports what the statement established (an evaluator, or nobody); the
// policy then decides on it as on any scope's resource, and a refusal is
// the same 403, audited, with no row written. Otherwise (a role that may
// not score, a malformed request whose answer depends on whether the
// asker may score) the scope reads the asker's place first, as every
// other jury route does, and the handler answers.
//
// action is the route's action: the premise holds for ActJuryScore only,
// and handleIn refuses to register this scope under any other.
func (s *Server) juryAutosaveScope(action account.Action) scope[autosave] {
	return scope[autosave]{params: []string{"sid", "cid"}, writes: action, load: func(c echo.Context) (autosave, account.Resource, error) {
		sid, err := paramID(c, "sid")
		if err != nil {
			return autosave{}, account.Resource{}, err
		}
		cid, err := paramID(c, "cid")
		if err != nil {
			return autosave{}, account.Resource{}, err
		}
		a := autosave{at: juryCandidate{Session: &jury.Session{ID: sid}, Candidacy: &portfolio.Candidacy{ID: cid}}}
		a.bindErr = (&echo.DefaultBinder{}).BindBody(c, &a.req)
		if in, ok := a.input(); ok && account.Can(principal(c), action, evaluatorResource) {
			v, err := s.jury.RecordVerdict(c.Request().Context(), actor(c), sid, cid, in.Criterion, in.Verdict, in.Comment)
			switch {
			case errors.Is(err, jury.ErrNotFound):
				// Not the evaluator (or no such session or candidacy on
				// it): nothing was written, and the policy refuses.
				return a, account.Resource{}, nil
			case err == nil || errors.Is(err, jury.ErrSigned) || isFieldError(err):
				// The statement found the evaluator's row: these are its
				// answers to the evaluator.
				a.written, a.v, a.err = true, v, err
				return a, evaluatorResource, nil
			default:
				return a, account.Resource{}, err
			}
		}
		va, err := s.jury.VerdictScope(c.Request().Context(), sid, cid, principal(c).UserID)
		if errors.Is(err, jury.ErrNotFound) || (err == nil && !va.Assigned) {
			return a, account.Resource{}, missing("Cette candidature n'est pas inscrite à cette session.")
		}
		if err != nil {
			return a, account.Resource{}, err
		}
		a.at.Session.Status = va.Status
		return a, account.Resource{JuryMember: va.Member, JuryChair: va.Chair, JuryEvaluator: va.Evaluator}, nil
	}}
}

// evaluatorResource is what the autosave's statement establishes when it
// finds the asker's row: an evaluator of the candidacy is a member of the
// session (jury_evaluators' foreign key). Whether they chair it, it does
// not read: ActJuryScore does not ask.
var evaluatorResource = account.Resource{JuryMember: true, JuryEvaluator: true}

// input is the request's mark when it is one the statement may be given:
// well formed, with a known verdict, passing jury.CheckVerdict.
func (a autosave) input() (jury.VerdictInput, bool) {
	if a.bindErr != nil {
		return jury.VerdictInput{}, false
	}
	verdict, ok := apiVerdictValue(a.req.Verdict)
	in := jury.VerdictInput{Criterion: a.req.Criterion, Verdict: verdict, Comment: a.req.Comment}
	return in, ok && jury.CheckVerdict(in) == nil
}

func isFieldError(err error) bool {
	var fe *fielderr.Error
	return errors.As(err, &fe)
}

// apiJuryVerdict is the grid's autosave: one criterion per request. Its
// scope has usually written it already (juryAutosaveScope); otherwise the
// request is refused here, field by field, or written now.
func (s *Server) apiJuryVerdict(c echo.Context, a autosave) error {
	if !a.written {
		if a.bindErr != nil {
			return fail(http.StatusBadRequest, "Requête mal formée : attendu {criterion, verdict, comment}.")
		}
		verdict, ok := apiVerdictValue(a.req.Verdict)
		if !ok {
			return failField(http.StatusUnprocessableEntity, "verdict", apiVerdictMessage)
		}
		a.v, a.err = s.jury.RecordVerdict(c.Request().Context(), actor(c), a.at.Session.ID, a.at.Candidacy.ID, a.req.Criterion, verdict, a.req.Comment)
	}
	if a.err != nil {
		return a.err // a refused field is a 422 naming it (errors.go)
	}
	return c.JSON(http.StatusOK, a.v)
}
