package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/audit"
)

const (
	// ctxSessionToken holds the session cookie's value once loadPrincipal
	// has found it live: the CSRF token is derived from it.
	ctxSessionToken = "session_token"
	// ctxAPIKey marks a request authenticated by an API key.
	ctxAPIKey = "api_key"
)

// csrfToken derives the token forms carry from a secret the browser holds
// in an HttpOnly cookie: the session token once signed in, a random
// pre-session secret before. The token is therefore bound to the session,
// changes at login (a new session), and cannot be forged by planting a
// cookie, since an attacker knows neither secret. kind keeps the two uses
// apart.
func csrfToken(secret, kind string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("acquis csrf v2\x00" + kind))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrf protects every state-changing request: the token sent (header
// X-CSRF-Token, query _csrf for uploads, or form field _csrf) must be the
// one derived from this browser's session, or from its pre-session secret
// when nobody is signed in. Only a request authenticated by an API key and
// by no session cookie is exempt: a cross-site page cannot send that
// header. A refusal is said in French and audited.
func (s *Server) csrf() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			switch c.Request().Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			want := s.csrfWant(c)
			if c.Get(ctxAPIKey) == true && c.Get(ctxSession) == nil {
				return next(c)
			}
			sent := c.Request().Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = c.QueryParam("_csrf")
			}
			// A document upload's multipart body (up to the upload limit) is
			// never parsed to find a token: it would be read before anyone is
			// authorised. Other bodies are under the 1 MB body limit.
			multipart := strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm)
			if sent == "" && !(multipart && s.isUpload(c)) {
				sent = c.FormValue("_csrf")
			}
			if sent == "" || !hmac.Equal([]byte(sent), []byte(want)) {
				_ = audit.RecordNow(c.Request().Context(), s.db, actor(c).Entry("access.denied", "csrf", logPath(c), map[string]string{"method": c.Request().Method}))
				return fail(http.StatusForbidden, "Ce formulaire a expiré ou ne provient pas d'acquis : rechargez la page et recommencez.")
			}
			return next(c)
		}
	}
}

// csrfWant is the token this browser must send back: derived from its
// session, or from its pre-session secret (given one when it has none).
// It is computed when a form needs it (a page's layout, a state-changing
// request), once per request: a JSON, PDF or public answer, which shared
// caches may keep, never carries a pre-session cookie.
func (s *Server) csrfWant(c echo.Context) string {
	if want, ok := c.Get(ctxCSRF).(string); ok {
		return want
	}
	var want string
	if tok, ok := c.Get(ctxSessionToken).(string); ok && tok != "" {
		want = csrfToken(tok, "session")
	} else {
		want = csrfToken(s.preSessionSecret(c), "anonymous")
	}
	c.Set(ctxCSRF, want)
	return want
}

// preSessionSecret returns the random secret of a browser nobody is
// signed in on, giving it one when it has none (or an empty or malformed
// one, which never matches anything).
func (s *Server) preSessionSecret(c echo.Context) string {
	if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) == 43 {
		if _, err := base64.RawURLEncoding.DecodeString(ck.Value); err == nil {
			return ck.Value
		}
	}
	secret, _ := account.NewToken()
	s.setPreSessionCookie(c, secret, 0)
	return secret
}

func (s *Server) setPreSessionCookie(c echo.Context, value string, maxAge int) {
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure()})
}
