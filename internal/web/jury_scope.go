package web

import (
	"database/sql"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/jury"
	"acquis/internal/portfolio"
)

const (
	ctxJurySession = "jury_session"
	// ctxJuryAccess holds what juryScope read of the asker for the
	// candidacy (jury.Access), so that a page reading the grid does not
	// read it again.
	ctxJuryAccess = "jury_access"
)

// juryScope loads the session named by :sid and the asker's place on it;
// with :cid it also checks that the candidacy is on the session's list and
// whether the asker evaluates it.
func (s *Server) juryScope(c echo.Context) (account.Resource, error) {
	sid, err := paramID(c, "sid")
	if err != nil {
		return account.Resource{}, err
	}
	ctx := c.Request().Context()
	sess, err := s.jury.Session(ctx, sid)
	if errors.Is(err, jury.ErrNotFound) {
		return account.Resource{}, missing("Cette session de jury n'existe pas.")
	}
	if err != nil {
		return account.Resource{}, err
	}
	c.Set(ctxJurySession, sess)
	var cid int64
	if c.Param("cid") != "" {
		if cid, err = paramID(c, "cid"); err != nil {
			return account.Resource{}, err
		}
		var on bool
		if err := s.db.GetContext(ctx, &on, `SELECT EXISTS (SELECT 1 FROM jury_assignments WHERE session_id = $1 AND candidacy_id = $2)`, sid, cid); err != nil {
			return account.Resource{}, err
		}
		if !on {
			return account.Resource{}, missing("Cette candidature n'est pas inscrite à cette session.")
		}
		cd, err := s.portfolio.Candidacy(ctx, cid)
		if err != nil {
			return account.Resource{}, err
		}
		c.Set(ctxCandidacy, cd)
	}
	res := account.Resource{JuryUnblinded: sess.Status == jury.Deliberating || sess.Status == jury.Signed}
	p := principal(c)
	switch {
	case p == nil:
	case cid != 0:
		// One read of what the person is for this candidate: member,
		// presidency, evaluator, and the blind rule (a member in conflict,
		// not yet declared, or whose grid is not in or left out sees no
		// verdict of this candidate, so neither its jury file).
		a, err := s.jury.AccessOf(ctx, sid, cid, p.UserID)
		if err != nil {
			return res, err
		}
		res.JuryMember, res.JuryChair, res.JuryEvaluator = a.Member, a.Chair, a.Evaluator
		c.Set(ctxJuryAccess, a)
		if a.Member {
			res.JuryUnblinded = res.JuryUnblinded && a.SeesVerdicts()
		}
	default:
		r, err := s.jury.RoleOf(ctx, p.UserID, sid, cid)
		if err != nil {
			return res, err
		}
		res.JuryMember, res.JuryChair, res.JuryEvaluator = r.Member, r.Chair, r.Evaluator
	}
	return res, nil
}

func sessionOf(c echo.Context) *jury.Session { return c.Get(ctxJurySession).(*jury.Session) }

// gridOf reads the asker's grid of the route's candidacy. A GET uses what
// juryScope read a moment before (the candidacy's version, the asker's
// Access); after a write (a form sent back with an error), the grid is
// read anew.
func (s *Server) gridOf(c echo.Context) (*jury.Grid, error) {
	ctx, sid, cd, uid := c.Request().Context(), sessionOf(c).ID, candidacyOf(c), principal(c).UserID
	if a, ok := c.Get(ctxJuryAccess).(jury.Access); ok && c.Request().Method == http.MethodGet {
		return s.jury.GridWith(ctx, sid, cd.ID, cd.VersionID, uid, a)
	}
	return s.jury.Grid(ctx, sid, cd.ID, uid)
}

func sessionPath(id int64) string { return "/jury/sessions/" + itoa(id) }

func managePath(id int64) string { return "/certificateur/jurys/" + itoa(id) }

// juryVerdictScope is juryScope for the autosave, the hottest request:
// one query answers whether the session and assignment exist and what the
// asker is on them. The handler needs only the two ids.
func (s *Server) juryVerdictScope(c echo.Context) (account.Resource, error) {
	sid, err := paramID(c, "sid")
	if err != nil {
		return account.Resource{}, err
	}
	cid, err := paramID(c, "cid")
	if err != nil {
		return account.Resource{}, err
	}
	var uid int64
	if p := principal(c); p != nil {
		uid = p.UserID
	}
	var row struct {
		Status    jury.Status `db:"status"`
		Assigned  bool        `db:"assigned"`
		Member    bool        `db:"member"`
		Chair     bool        `db:"chair"`
		Evaluator bool        `db:"evaluator"`
	}
	err = s.verdictScopeQ.Get(c.Request().Context(), &row, sid, cid, uid)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !row.Assigned) {
		return account.Resource{}, missing("Cette candidature n'est pas inscrite à cette session.")
	}
	if err != nil {
		return account.Resource{}, err
	}
	c.Set(ctxJurySession, &jury.Session{ID: sid, Status: row.Status})
	c.Set(ctxCandidacy, &portfolio.Candidacy{ID: cid})
	return account.Resource{JuryMember: row.Member, JuryChair: row.Chair, JuryEvaluator: row.Evaluator}, nil
}

// verdictScopeQuery answers, for session $1, candidacy $2 and user $3,
// the session's status, whether the candidacy is on it and what the user
// is on it. Kept prepared: every autosave runs it.
const verdictScopeQuery = `SELECT s.status,
		EXISTS (SELECT 1 FROM jury_assignments a WHERE a.session_id = s.id AND a.candidacy_id = $2) AS assigned,
		EXISTS (SELECT 1 FROM jury_members m WHERE m.session_id = s.id AND m.user_id = $3) AS member,
		EXISTS (SELECT 1 FROM jury_members m WHERE m.session_id = s.id AND m.user_id = $3 AND m.is_chair) AS chair,
		EXISTS (SELECT 1 FROM jury_evaluators e WHERE e.session_id = s.id AND e.candidacy_id = $2 AND e.evaluator_id = $3) AS evaluator
		FROM jury_sessions s WHERE s.id = $1`
