package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/geo"
	"acquis/internal/mail"
)

type accountView struct {
	Layout
	Account account.User
	Roles   []roleLine
	Errors  FormErrors
	// Mails are the messages written for this person, newest first.
	Mails []mailLine
}

// roleLine is a grant as a sentence.
type roleLine struct {
	GrantID int64
	Label   string
}

func (s *Server) describeGrant(c echo.Context, g account.Grant) string {
	label := g.Role.Label()
	switch {
	case g.PlatformID != 0:
		if o, err := s.accounts.Organisation(c.Request().Context(), g.PlatformID); err == nil {
			label += " — " + o.Name
		}
	case g.Role == account.RoleObserver && g.RegionCode == "":
		label += " — national"
	case g.RegionCode != "":
		r, _ := geo.RegionByCode(g.RegionCode)
		label += " — " + r.Name
	}
	return label
}

func (s *Server) roleLines(c echo.Context, gs []account.Grant) []roleLine {
	out := make([]roleLine, 0, len(gs))
	for _, g := range gs {
		out = append(out, roleLine{GrantID: g.ID, Label: s.describeGrant(c, g)})
	}
	return out
}

func (s *Server) accountPage(c echo.Context) error {
	return s.renderAccount(c, http.StatusOK, nil)
}

func (s *Server) renderAccount(c echo.Context, status int, errs FormErrors) error {
	u, err := s.accounts.User(c.Request().Context(), principal(c).UserID)
	if err != nil {
		return err
	}
	msgs, err := s.mail.ForUser(c.Request().Context(), u.ID, 50)
	if err != nil {
		return err
	}
	var mails []mailLine
	for _, m := range msgs {
		st := "en attente d'envoi"
		switch {
		case m.SentAt != nil:
			st = "envoyé"
		case m.Error != "":
			st = "envoi en échec, nouvel essai prévu"
		}
		// A one-time link stays in the mailbox only: shown here, it would
		// let whoever holds the session reset the password.
		mails = append(mails, mailLine{ID: m.ID, To: m.To, Subject: m.Subject, Body: mail.RedactTokens(m.Body), CreatedAt: m.CreatedAt, Status: st})
	}
	return s.render.render(c, status, "account", accountView{Layout: s.layout(c, "Mon compte"), Account: u, Roles: s.roleLines(c, u.Grants), Errors: errs, Mails: mails})
}

// passwordForm is a new password typed twice (and, on the account page,
// the current one). The strength rules are account's.
type passwordForm struct {
	Current  string `form:"current"`
	Password string `form:"password"`
	Confirm  string `form:"confirm" validate:"eqfield=Password" msg:"Les deux mots de passe ne sont pas identiques."`
}

func (s *Server) accountPassword(c echo.Context) error {
	var f passwordForm
	if err := bindForm(c, &f); err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAccount(c, http.StatusUnprocessableEntity, errs) })
	}
	hash, _ := c.Get(ctxSession).(string)
	err := s.accounts.ChangePassword(c.Request().Context(), actor(c), principal(c).UserID, f.Current, f.Password, hash)
	var te *account.ThrottledError
	if errors.As(err, &te) {
		c.Response().Header().Set("Retry-After", itoa(int64(te.Wait.Seconds())+1))
		return s.renderAccount(c, http.StatusTooManyRequests, FormErrors{"current": "Trop d'essais du mot de passe actuel ont échoué : attendez " +
			account.FrenchDuration(te.Wait) + " avant de réessayer."})
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderAccount(c, http.StatusUnprocessableEntity, errs) })
	}
	return redirectWith(c, "/compte", "Votre mot de passe a été changé. Vos autres sessions ont été fermées.")
}

// accountData downloads everything held about the signed-in user (RGPD).
func (s *Server) accountData(c echo.Context) error {
	data, err := s.accounts.Export(c.Request().Context(), actor(c), principal(c).UserID, s.exportSections)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("acquis-mes-donnees-%s.json", time.Now().Format("2006-01-02"))
	c.Response().Header().Set(echo.HeaderContentDisposition, attachment(name))
	return c.JSONPretty(http.StatusOK, data, "  ")
}

type forgotView struct {
	Layout
	Email  string
	Sent   bool
	Errors FormErrors
}

func (s *Server) forgotForm(c echo.Context) error {
	return s.render.render(c, http.StatusOK, "forgot", forgotView{Layout: s.layout(c, "Mot de passe oublié")})
}

func (s *Server) forgotSubmit(c echo.Context) error {
	var f struct {
		Email string `form:"email"`
	}
	if err := bindForm(c, &f); err != nil {
		return err // no rule in the tags: only a malformed body (400)
	}
	email := f.Email
	if _, err := account.NormaliseEmail(email); err != nil {
		return s.render.render(c, http.StatusUnprocessableEntity, "forgot", forgotView{Layout: s.layout(c, "Mot de passe oublié"), Email: email,
			Errors: FormErrors{"email": "Indiquez une adresse électronique valide, par exemple nom@exemple.fr."}})
	}
	err := s.accounts.RequestReset(c.Request().Context(), actor(c), email, s.cfg.BaseURL)
	var te *account.ThrottledError
	if errors.As(err, &te) {
		c.Response().Header().Set("Retry-After", itoa(int64(te.Wait.Seconds())+1))
		return s.render.render(c, http.StatusTooManyRequests, "forgot", forgotView{Layout: s.layout(c, "Mot de passe oublié"), Email: email,
			Errors: FormErrors{"": "Trop de demandes de réinitialisation depuis ce poste ou pour cette adresse. Par sécurité, attendez " +
				account.FrenchDuration(te.Wait) + " avant de réessayer ; si un courriel vous a déjà été envoyé, son lien reste valable 24 heures."}})
	}
	if err != nil {
		return err
	}
	s.deliverMail(c)
	// The same answer whether or not the address has an account.
	return s.render.render(c, http.StatusOK, "forgot", forgotView{Layout: s.layout(c, "Mot de passe oublié"), Sent: true})
}

type tokenView struct {
	Layout
	Purpose string
	Token   string
	Account account.User
	Invalid bool
	Errors  FormErrors
}

func (s *Server) tokenForm(purpose string) echo.HandlerFunc {
	return func(c echo.Context) error {
		title := tokenTitle(purpose)
		u, err := s.accounts.TokenUser(c.Request().Context(), c.Param("token"), purpose)
		if errors.Is(err, account.ErrTokenInvalid) {
			return s.render.render(c, http.StatusGone, "token", tokenView{Layout: s.layout(c, title), Purpose: purpose, Invalid: true})
		}
		if err != nil {
			return err
		}
		return s.render.render(c, http.StatusOK, "token", tokenView{Layout: s.layout(c, title), Purpose: purpose, Token: c.Param("token"), Account: u})
	}
}

func (s *Server) tokenSubmit(purpose string) echo.HandlerFunc {
	return func(c echo.Context) error {
		title := tokenTitle(purpose)
		token := c.Param("token")
		v := tokenView{Layout: s.layout(c, title), Purpose: purpose, Token: token}
		var f passwordForm
		err := bindForm(c, &f)
		var uid int64
		if err == nil {
			uid, err = s.accounts.UseToken(c.Request().Context(), actor(c), token, purpose, f.Password)
		}
		if errors.Is(err, account.ErrTokenInvalid) {
			v.Invalid = true
			return s.render.render(c, http.StatusGone, "token", v)
		}
		if err != nil {
			return formError(err, func(errs FormErrors) error {
				v.Account, _ = s.accounts.TokenUser(c.Request().Context(), token, purpose)
				v.Errors = errs
				return s.render.render(c, http.StatusUnprocessableEntity, "token", v)
			})
		}
		if purpose == account.PurposeInvite {
			// The person proved the address is theirs: their platform's
			// roster row with it now follows their candidacy.
			a := actor(c)
			a.UserID = uid
			if _, err := s.staff.LinkAccount(c.Request().Context(), a, uid); err != nil {
				return err
			}
		}
		// Following the e-mailed link proves the mailbox: this browser is
		// the owner's, and others' failures will not hold it back.
		dev, err := s.accounts.NewDevice(c.Request().Context(), uid)
		if err != nil {
			return err
		}
		s.setDeviceCookie(c, dev)
		return redirectWith(c, "/login", "Votre mot de passe est enregistré : vous pouvez vous connecter.")
	}
}

func tokenTitle(purpose string) string {
	if purpose == account.PurposeInvite {
		return "Activer mon compte"
	}
	return "Choisir un nouveau mot de passe"
}
