package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/fielderr"
	"acquis/internal/form"
	"acquis/internal/jury"
	"acquis/internal/paris"
	"acquis/internal/referentiel"
)

type jurySessionsView struct {
	Layout
	Sessions       []jury.Session
	Certifications []referentiel.Summary
	Form           sessionForm
	Errors         FormErrors
	Pager          pager
}

// jurySessionsPerPage is the certifier's page of sessions: at national
// scale the whole list weighed close to a megabyte.
const jurySessionsPerPage = 50

// sessionForm is the new-session form as posted. The day and the hour
// are checked together by parisTime (one message, on the date).
type sessionForm struct {
	Certification string `form:"certification"`
	Date          string `form:"date" validate:"isodate" msg:"Indiquez la date (AAAA-MM-JJ) et l'heure (HH:MM) de la session."`
	Time          string `form:"time"`
	Place         string `form:"place"`
	Deadline      string `form:"deadline" validate:"isodate" msg:"Indiquez la date limite de dépôt (AAAA-MM-JJ)."`
	RemoteBox     string `form:"remote"`
	PastReason    string `form:"past_reason"`
}

// Remote is the "à distance" box, ticked.
func (f sessionForm) Remote() bool { return f.RemoteBox == "oui" }

func (s *Server) jurySessions(c echo.Context) error {
	return s.renderJurySessions(c, http.StatusOK, sessionForm{Time: "09:00"}, nil)
}

func (s *Server) renderJurySessions(c echo.Context, status int, form sessionForm, errs FormErrors) error {
	ctx := c.Request().Context()
	p, err := readPager(c, jurySessionsPerPage, jurySessionsPerPage)
	if err != nil {
		return err
	}
	list, total, err := s.jury.SessionPage(ctx, p.Offset(), p.PerPage)
	if err != nil {
		return err
	}
	p.Total = total
	if p.Page > p.Last() {
		// A page past the end shows the last one rather than nothing.
		p.Page = p.Last()
		if list, _, err = s.jury.SessionPage(ctx, p.Offset(), p.PerPage); err != nil {
			return err
		}
	}
	idx, err := s.currentRefs(c)
	if err != nil {
		return err
	}
	certs := idx.List()
	return s.render.render(c, status, "jury_sessions", jurySessionsView{Layout: s.layout(c, "Sessions de jury"), Sessions: list, Certifications: certs, Form: form, Errors: errs, Pager: p})
}

func parisTime(day, clock string) (time.Time, bool) {
	loc := paris.Location
	if clock == "" {
		clock = "00:00"
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, loc)
	return t, err == nil
}

func (s *Server) jurySessionCreate(c echo.Context) error {
	var form sessionForm
	err := bindForm(c, &form)
	starts, ok := parisTime(form.Date, form.Time)
	if err == nil && !ok { // the day is good (validated), the hour is not
		err = fielderr.New("date", "Indiquez la date (AAAA-MM-JJ) et l'heure (HH:MM) de la session.")
	}
	deadline, _ := parisTime(form.Deadline, "")
	var id int64
	if err == nil {
		id, err = s.jury.CreateSession(c.Request().Context(), actor(c), jury.NewSession{CertificationCode: form.Certification, StartsAt: starts,
			Place: form.Place, Remote: form.Remote(), DossierDeadline: deadline, PastReason: form.PastReason})
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			return s.renderJurySessions(c, http.StatusUnprocessableEntity, form, errs)
		})
	}
	if form.PastReason != "" {
		return redirectWith(c, managePath(id), "Session passée enregistrée après coup : elle est marquée comme telle, avec son motif.")
	}
	return redirectWith(c, managePath(id), "Session créée : composez le jury et inscrivez les candidatures.")
}

type juryManageView struct {
	Layout
	S *jury.Session
	*jury.Management
	Errors FormErrors
}

func (s *Server) juryManage(c echo.Context, sess *jury.Session) error {
	return s.renderJuryManage(c, sess, http.StatusOK, nil)
}

func (s *Server) renderJuryManage(c echo.Context, sess *jury.Session, status int, errs FormErrors) error {
	m, err := s.jury.Manage(c.Request().Context(), sess)
	if err != nil {
		return err
	}
	return s.render.render(c, status, "jury_manage", juryManageView{Layout: s.layout(c, "Session de jury"), S: sess, Management: m, Errors: errs})
}

// juryAct runs one of the certifier's actions on a session and comes back
// to the management page, with the refusal shown there.
func (s *Server) juryAct(c echo.Context, sess *jury.Session, do func() error, done string) error {
	err := do()
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderJuryManage(c, sess, http.StatusUnprocessableEntity, errs) })
	}
	s.deliverMail(c) // the members or candidates the action concerns are told
	return redirectWith(c, managePath(sess.ID), done)
}

// memberAddForm adds a pool member to a session, as its chair when
// the box is ticked.
type memberAddForm struct {
	Member string `form:"member" validate:"id" msg:"Choisissez un membre du vivier."`
	Chair  string `form:"chair"`
}

func (s *Server) juryMemberAdd(c echo.Context, sess *jury.Session) error {
	return s.juryAct(c, sess, func() error {
		var f memberAddForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		uid, _ := form.ParseID(strings.TrimSpace(f.Member))
		return s.jury.AddMember(c.Request().Context(), actor(c), sess.ID, uid, f.Chair == "oui")
	}, "Membre ajouté.")
}

// chairForm gives the chair to a member. It posts "member", as the
// add-member form on the same page does; its refusal is shown under
// "chair" so that each form keeps its own message (jury.SetChair's own
// refusals are under "chair" too).
type chairForm struct {
	Member string `form:"member" validate:"id" msg:"Choisissez le membre qui assurera la présidence."`
}

func (s *Server) juryChairSet(c echo.Context, sess *jury.Session) error {
	var ch jury.ChairChange
	err := s.juryActErr(c, sess, func() (err error) {
		var f chairForm
		if err := bindForm(c, &f); err != nil {
			if l, ok := fielderr.From(err); ok {
				return fielderr.New("chair", l.Messages()["member"])
			}
			return err
		}
		uid, _ := form.ParseID(strings.TrimSpace(f.Member))
		ch, err = s.jury.SetChair(c.Request().Context(), actor(c), sess.ID, uid)
		return err
	})
	if err != nil || ch.To == "" {
		return err
	}
	done := "Présidence confiée à " + ch.To + "."
	if ch.From != "" {
		done = "La présidence passe de " + ch.From + " à " + ch.To + " : " + ch.From + " la perd et reste membre du jury."
	}
	return redirectWith(c, managePath(sess.ID), done)
}

func (s *Server) juryMemberRemove(c echo.Context, sess *jury.Session) error {
	uid, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	return s.juryAct(c, sess, func() error {
		return s.jury.RemoveMember(c.Request().Context(), actor(c), sess.ID, uid)
	}, "Membre retiré de la session (et de ses candidatures à évaluer).")
}

// juryActErr runs an action; a refusal re-renders the management page
// (its error is then nil and the caller must stop), another error is
// returned as is.
func (s *Server) juryActErr(c echo.Context, sess *jury.Session, do func() error) error {
	err := do()
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderJuryManage(c, sess, http.StatusUnprocessableEntity, errs) })
	}
	return nil
}

// assignForm enrols a candidacy in a session with its evaluators.
type assignForm struct {
	Candidacy  string   `form:"candidacy" validate:"id" msg:"Choisissez une candidature."`
	Evaluators []string `form:"evaluators" validate:"dive,id" msg:"Évaluateur invalide."`
}

func (s *Server) juryAssign(c echo.Context, sess *jury.Session) error {
	return s.juryAct(c, sess, func() error {
		var f assignForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		cid, _ := form.ParseID(strings.TrimSpace(f.Candidacy))
		evs := make([]int64, 0, len(f.Evaluators))
		for _, v := range f.Evaluators {
			id, _ := form.ParseID(strings.TrimSpace(v))
			evs = append(evs, id)
		}
		return s.jury.Assign(c.Request().Context(), actor(c), sess.ID, cid, evs)
	}, "Candidature inscrite.")
}

func (s *Server) juryOpen(c echo.Context, sess *jury.Session) error {
	return s.juryAct(c, sess, func() error {
		_, err := s.jury.Open(c.Request().Context(), actor(c), sess.ID)
		return err
	}, "Session ouverte : les évaluateurs peuvent remplir leurs grilles.")
}

// juryDeliberate opens the deliberation with the attendance the
// certifier records and the unfinished grids they confirm to leave out
// (checkboxes "left_out" valued candidacy:evaluator).
// deliberateForm opens the deliberation. A left_out value pairs two ids
// ("candidacy:evaluator"), which no tag can read: gridRefs reads it.
type deliberateForm struct {
	Reason  string   `form:"reason"`
	Present []string `form:"present" validate:"dive,id" msg:"Membre invalide."`
	LeftOut []string `form:"left_out"`
}

// gridRefs reads the left_out values; one that is not two ids is refused
// under left_out.
func (f deliberateForm) gridRefs() ([]jury.GridRef, error) {
	refs := make([]jury.GridRef, 0, len(f.LeftOut))
	for _, v := range f.LeftOut {
		cid, uid, found := strings.Cut(v, ":")
		ci, ok1 := form.ParseID(cid)
		ui, ok2 := form.ParseID(uid)
		if !found || !ok1 || !ok2 {
			return nil, fielderr.New("left_out", "Grille invalide.")
		}
		refs = append(refs, jury.GridRef{CandidacyID: ci, EvaluatorID: ui})
	}
	return refs, nil
}

func (s *Server) juryDeliberate(c echo.Context, sess *jury.Session) error {
	return s.juryAct(c, sess, func() error {
		var f deliberateForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		o := jury.Opening{Reason: f.Reason}
		for _, v := range f.Present {
			id, _ := form.ParseID(strings.TrimSpace(v))
			o.Present = append(o.Present, id)
		}
		var err error
		if o.LeftOut, err = f.gridRefs(); err != nil {
			return err
		}
		return s.jury.StartDeliberation(c.Request().Context(), actor(c), sess.ID, o)
	}, "Délibération ouverte.")
}

type juryPoolView struct {
	Layout
	Pool           []jury.Profile
	Colleges       []jury.College
	Certifications []referentiel.Summary
	Errors         FormErrors
}

func (s *Server) juryPool(c echo.Context) error { return s.renderJuryPool(c, http.StatusOK, nil) }

func (s *Server) renderJuryPool(c echo.Context, status int, errs FormErrors) error {
	ctx := c.Request().Context()
	pool, err := s.jury.Pool(ctx)
	if err != nil {
		return err
	}
	idx, err := s.currentRefs(c)
	if err != nil {
		return err
	}
	certs := idx.List()
	return s.render.render(c, status, "jury_pool", juryPoolView{Layout: s.layout(c, "Vivier du jury"), Pool: pool, Colleges: jury.Colleges, Certifications: certs, Errors: errs})
}

// profileForm is a pool member's profile; jury.SetProfile judges the
// gender, the college and the certifications.
type profileForm struct {
	Gender    string   `form:"gender"`
	College   string   `form:"college"`
	Qualified []string `form:"qualified"`
}

func (s *Server) juryProfileSave(c echo.Context) error {
	uid, err := paramID(c, "uid")
	if err != nil {
		return err
	}
	var f profileForm
	if err := bindForm(c, &f); err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderJuryPool(c, http.StatusUnprocessableEntity, errs) })
	}
	p := jury.Profile{UserID: uid, Gender: f.Gender, College: jury.College(f.College), QualifiedFor: f.Qualified}
	inPool, err := s.accounts.HasRole(c.Request().Context(), uid, account.RoleJuryMember)
	if err != nil {
		return err
	}
	if !inPool {
		return fail(http.StatusNotFound, "Cette personne n'est pas dans le vivier du jury.")
	}
	if err := s.jury.SetProfile(c.Request().Context(), actor(c), p); err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderJuryPool(c, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, "/certificateur/vivier", "Profil enregistré.")
}
