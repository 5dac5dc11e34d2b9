package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
)

type loginView struct {
	Layout
	Email  string
	Next   string
	Errors FormErrors
}

func (s *Server) loginForm(c echo.Context) error {
	if p := principal(c); p != nil {
		return c.Redirect(http.StatusSeeOther, nextOr(c.QueryParam("suite"), landingFor(p)))
	}
	return s.render.render(c, http.StatusOK, "login", loginView{Layout: s.layout(c, "Connexion"), Next: safeNext(c.QueryParam("suite"))})
}

// loginForm is the sign-in form; the password is never trimmed.
type loginForm struct {
	Email    string `form:"email" validate:"required" msg:"Indiquez votre adresse électronique."`
	Password string `form:"password" validate:"required" msg:"Indiquez votre mot de passe."`
	Next     string `form:"suite"`
}

func (s *Server) loginSubmit(c echo.Context) error {
	var f loginForm
	err := bindForm(c, &f)
	email, pw := f.Email, f.Password
	v := loginView{Layout: s.layout(c, "Connexion"), Email: email, Next: safeNext(f.Next), Errors: FormErrors{}}
	if err != nil {
		return formError(err, func(errs FormErrors) error {
			v.Errors = errs
			return s.render.render(c, http.StatusUnprocessableEntity, "login", v)
		})
	}
	ctx := c.Request().Context()
	var device string
	if ck, err := c.Cookie(deviceCookie); err == nil {
		device = ck.Value
	}
	r, err := s.accounts.Login(ctx, actor(c), account.LoginAttempt{Email: email, Password: pw, Device: device})
	u := r.User
	var te *account.ThrottledError
	switch {
	case errors.As(err, &te):
		v.Errors[""] = "Trop de tentatives de connexion ont échoué. Par sécurité, attendez " + account.FrenchDuration(te.Wait) + " avant de réessayer, ou utilisez « Mot de passe oublié »."
		c.Response().Header().Set("Retry-After", itoa(int64(te.Wait.Seconds())+1))
		return s.render.render(c, http.StatusTooManyRequests, "login", v)
	case errors.Is(err, account.ErrInvalidCredentials):
		v.Errors[""] = "Adresse électronique ou mot de passe incorrect."
		return s.render.render(c, http.StatusUnauthorized, "login", v)
	case err != nil:
		return err
	}
	// A fresh token at each login: a token planted before login is useless.
	if hash, ok := c.Get(ctxSession).(string); ok {
		_ = s.accounts.DeleteSession(ctx, hash)
	}
	token, err := s.accounts.CreateSession(ctx, u.ID, s.sessionLimits(), c.RealIP(), c.Request().UserAgent())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	// The pre-session CSRF secret is done with: forms now carry a token
	// derived from the new session.
	s.setPreSessionCookie(c, "", -1)
	if r.NewDevice != "" {
		s.setDeviceCookie(c, r.NewDevice)
	}
	return redirectWith(c, nextOr(f.Next, landingFor(&account.Principal{UserID: u.ID, Grants: u.Grants})), "Bienvenue, "+u.FullName+".")
}

// nextOr is the safe page asked for (the « suite » a protected page sent
// the person to the login form with), or else their own space: the home
// page is never where a signed-in person lands.
func nextOr(next, landing string) string {
	if !localPath(next) || next == "/" {
		return landing
	}
	return next
}

// deviceCookie marks a browser that has signed in before: it is not held
// back by failures others cause on the account (account.Login). It is only
// sent to the login form's target.
const deviceCookie = "acquis_device"

func (s *Server) setDeviceCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{
		Name: deviceCookie, Value: token, Path: "/login",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.cfg.Secure(),
		MaxAge: int(account.DeviceTTL.Seconds()),
	})
}

func (s *Server) logout(c echo.Context) error {
	if hash, ok := c.Get(ctxSession).(string); ok {
		if err := s.accounts.DeleteSession(c.Request().Context(), hash); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return redirectWith(c, "/", "Vous êtes déconnecté.")
}
