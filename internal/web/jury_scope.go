package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/jury"
	"acquis/internal/portfolio"
)

// juryCandidate is a candidacy on a jury session's list, with the session
// and, for a signed-in asker, what juryCandidateScope read of them for that
// candidacy (jury.Access), so that a page reading the grid does not read
// it again.
type juryCandidate struct {
	Session   *jury.Session
	Candidacy *portfolio.Candidacy
	Access    *jury.Access
}

// jurySessionScope loads the session named by :sid and the asker's place
// on it; the handler receives the session.
func (s *Server) jurySessionScope() scope[*jury.Session] {
	return scope[*jury.Session]{params: []string{"sid"}, load: func(c echo.Context) (*jury.Session, account.Resource, error) {
		sess, res, err := s.loadJurySession(c)
		if err != nil || sess == nil {
			return sess, res, err
		}
		if p := principal(c); p != nil {
			r, err := s.jury.RoleOf(c.Request().Context(), p.UserID, sess.ID, 0)
			if err != nil {
				return sess, res, err
			}
			res.JuryMember, res.JuryChair, res.JuryEvaluator = r.Member, r.Chair, r.Evaluator
		}
		return sess, res, nil
	}}
}

// juryCandidateScope loads the session named by :sid, checks that the
// candidacy :cid is on its list, and reads what the asker is for that
// candidate; the handler receives both.
func (s *Server) juryCandidateScope() scope[juryCandidate] {
	return scope[juryCandidate]{params: []string{"sid", "cid"}, load: func(c echo.Context) (juryCandidate, account.Resource, error) {
		sess, res, err := s.loadJurySession(c)
		if err != nil {
			return juryCandidate{}, res, err
		}
		cid, err := paramID(c, "cid")
		if err != nil {
			return juryCandidate{}, account.Resource{}, err
		}
		ctx := c.Request().Context()
		on, err := s.jury.Assigned(ctx, sess.ID, cid)
		if err != nil {
			return juryCandidate{}, account.Resource{}, err
		}
		if !on {
			return juryCandidate{}, account.Resource{}, missing("Cette candidature n'est pas inscrite à cette session.")
		}
		cd, err := s.portfolio.Candidacy(ctx, cid)
		if err != nil {
			return juryCandidate{}, account.Resource{}, err
		}
		at := juryCandidate{Session: sess, Candidacy: cd}
		if p := principal(c); p != nil {
			// One read of what the person is for this candidate: member,
			// presidency, evaluator, and the blind rule (a member in
			// conflict, not yet declared, or whose grid is not in or left
			// out sees no verdict of this candidate, so neither its jury
			// file).
			a, err := s.jury.AccessOf(ctx, sess.ID, cid, p.UserID)
			if err != nil {
				return at, res, err
			}
			res.JuryMember, res.JuryChair, res.JuryEvaluator = a.Member, a.Chair, a.Evaluator
			at.Access = &a
			if a.Member {
				res.JuryUnblinded = res.JuryUnblinded && a.SeesVerdicts()
			}
		}
		return at, res, nil
	}}
}

// loadJurySession reads the session named by :sid; the resource says
// whether the session is past its blind phase.
func (s *Server) loadJurySession(c echo.Context) (*jury.Session, account.Resource, error) {
	sid, err := paramID(c, "sid")
	if err != nil {
		return nil, account.Resource{}, err
	}
	sess, err := s.jury.Session(c.Request().Context(), sid)
	if errors.Is(err, jury.ErrNotFound) {
		return nil, account.Resource{}, missing("Cette session de jury n'existe pas.")
	}
	if err != nil {
		return nil, account.Resource{}, err
	}
	return sess, account.Resource{JuryUnblinded: sess.Status == jury.Deliberating || sess.Status == jury.Signed}, nil
}

// gridOf reads the asker's grid of the route's candidacy. A GET uses what
// juryScope read a moment before (the candidacy's version, the asker's
// Access); after a write (a form sent back with an error), the grid is
// read anew.
func (s *Server) gridOf(c echo.Context, at juryCandidate) (*jury.Grid, error) {
	ctx, uid := c.Request().Context(), principal(c).UserID
	// On a GET nothing has changed since the scope read the asker's
	// access; after a write (a declaration, a grid handed in) it may have.
	if at.Access != nil && c.Request().Method == http.MethodGet {
		return s.jury.GridWith(ctx, at.Session.ID, at.Candidacy.ID, at.Candidacy.VersionID, uid, *at.Access)
	}
	return s.jury.Grid(ctx, at.Session.ID, at.Candidacy.ID, uid)
}
