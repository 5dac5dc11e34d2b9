package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/audit"
)

const (
	sessionCookie = "acquis_session"
	csrfCookie    = "acquis_csrf"
	ctxPrincipal  = "principal"
	ctxSession    = "session_hash"
	ctxCSRF       = "csrf"
)

// loadPrincipal reads the session cookie and remembers who is asking. An
// unknown or expired cookie is cleared and the visitor is anonymous.
func (s *Server) loadPrincipal(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err == nil && ck.Value != "" {
			ss, err := s.accounts.Session(c.Request().Context(), ck.Value, s.sessionLimits())
			switch {
			case err == nil:
				c.Set(ctxPrincipal, ss.Principal)
				c.Set(ctxSession, ss.Hash)
				c.Set(ctxGenerations, ss.Generations)
				c.Set(ctxSessionToken, ck.Value)
			case errors.Is(err, account.ErrNoSession):
				s.clearSessionCookie(c)
			default:
				return err
			}
		}
		// /metrics reads its own bearer token (ACQUIS_METRICS_TOKEN), which
		// is no API key.
		if principal(c) == nil && c.Request().URL.Path != metricsPath {
			if tok, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer "); ok {
				p, err := s.accounts.APIKeyPrincipal(c.Request().Context(), strings.TrimSpace(tok))
				if errors.Is(err, account.ErrAPIKeyUnknown) {
					return badKey("Clé d'API inconnue.")
				}
				if errors.Is(err, account.ErrAPIKeyRevoked) {
					return badKey("Clé d'API révoquée.")
				}
				if err != nil {
					return err
				}
				if !keyOpens(c.Request().URL.Path) {
					// A valid key on a route keys do not open: authorize
					// answers 403 rather than "please sign in".
					c.Set(ctxKeyElsewhere, true)
					return next(c)
				}
				c.Set(ctxPrincipal, p)
				c.Set(ctxAPIKey, true)
			}
		}
		return next(c)
	}
}

// apiKeyPaths is the only part of the site an API key opens: the key's
// principal never reaches any other route.
const apiKeyPaths = "/api/v1/indicators"

// keyOpens reports whether an API key opens the path: the indicators, and
// the plan (apiPlanPath, issue 14 #14) with the same scope rules.
func keyOpens(path string) bool { return strings.HasPrefix(path, apiKeyPaths) || path == apiPlanPath }

// ctxKeyElsewhere marks a request that carries a valid API key to a route
// a key does not open.
const ctxKeyElsewhere = "api_key_elsewhere"

func (s *Server) sessionLimits() account.SessionLimits {
	return account.SessionLimits{Idle: s.cfg.SessionIdle, Lifetime: s.cfg.SessionLifetime}
}

func (s *Server) setSessionCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure(),
		MaxAge: int(s.cfg.SessionLifetime.Seconds()),
	})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure()})
}

// principal returns who is asking, or nil for an anonymous visitor.
func principal(c echo.Context) *account.Principal {
	p, _ := c.Get(ctxPrincipal).(*account.Principal)
	return p
}

// actor is the audit log's view of the request's author.
func actor(c echo.Context) audit.Actor {
	a := audit.Actor{IP: c.RealIP()}
	if id, ok := c.Get(ctxRequestID).(string); ok {
		a.RequestID = id
	}
	if p := principal(c); p != nil {
		a.UserID = p.UserID
		if len(p.Grants) > 0 {
			roles := make([]string, 0, len(p.Grants))
			for _, g := range p.Grants {
				roles = append(roles, string(g.Role))
			}
			a.Role = strings.Join(roles, ",")
		}
	} else {
		a.Role = "anonymous"
	}
	return a
}

// scopeFunc tells the policy what a route is about (which région) when
// the handler needs no record from it; a route about a record uses a typed
// scope instead (scope.go, handleIn), which hands the record to the handler.
type scopeFunc func(c echo.Context) (account.Resource, error)

func noScope(echo.Context) (account.Resource, error) { return account.Resource{}, nil }

// route is one entry of the routing table: every route names the action it
// performs and how its scope is found, so that no handler checks access
// itself and the authorisation matrix test can enumerate them all.
type route struct {
	Method string
	Path   string
	Action account.Action
}

// finder is what authorize runs first for one request: it finds what the
// request is about and returns the handler's call bound to what it found.
type finder func(c echo.Context) (res account.Resource, run func() error, err error)

// handle registers a route behind the policy; its handler receives no
// record (see handleIn for those that do).
func (s *Server) handle(method, path string, action account.Action, scope scopeFunc, h echo.HandlerFunc) {
	if scope == nil {
		scope = noScope
	}
	s.addRoute(method, path, action, func(c echo.Context) (account.Resource, func() error, error) {
		res, err := scope(c)
		return res, func() error { return h(c) }, err
	})
}

// addRoute puts a route in the table and behind the policy.
func (s *Server) addRoute(method, path string, action account.Action, find finder) {
	s.table = append(s.table, route{Method: method, Path: path, Action: action})
	s.echo.Add(method, path, s.authorize(action, find))
}

// markUpload records that path's body is a file: it gets the upload limit
// and the upload's time instead of a form's (isUpload), because it is
// registered as one (handleUploadIn), not because of how its path ends.
func (s *Server) markUpload(path string) {
	if s.uploads == nil {
		s.uploads = map[string]bool{}
	}
	s.uploads[path] = true
}

// Routes returns the routing table, for the authorisation matrix test.
func (s *Server) Routes() []route { return s.table }

func (s *Server) authorize(action account.Action, find finder) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := principal(c)
		if action != account.ActPublic && p == nil {
			if c.Get(ctxKeyElsewhere) != nil {
				return s.denyKey(c, action)
			}
			return s.needLogin(c)
		}
		res, run, err := find(c)
		var m *missingRecord
		if errors.As(err, &m) {
			// A record that does not exist is refused like one outside the
			// asker's scope; only who may see every such record is told
			// it does not exist. Probing ids thus reveals nothing.
			if account.Can(p, action, account.Resource{}) {
				return fail(http.StatusNotFound, m.msg)
			}
			return s.deny(c, action, account.Resource{})
		}
		if err != nil {
			return err
		}
		if !account.Can(p, action, res) {
			return s.deny(c, action, res)
		}
		return run()
	}
}

// deny refuses an action, audited, with the same words whatever the
// reason.
func (s *Server) deny(c echo.Context, action account.Action, res account.Resource) error {
	_ = audit.RecordNow(c.Request().Context(), s.db, actor(c).Entry("access.denied", string(action), logPath(c),
		map[string]any{"method": c.Request().Method, "platform_id": res.PlatformID, "owner_id": res.OwnerUserID}))
	return fail(http.StatusForbidden, "Vous n'avez pas accès à cette page ou à cette action.")
}

// denyKey refuses, audited, an API key sent to a route that keys do not
// open: the key is known, so the answer is 403, not "please sign in".
func (s *Server) denyKey(c echo.Context, action account.Action) error {
	_ = audit.RecordNow(c.Request().Context(), s.db, actor(c).Entry("access.denied", string(action), logPath(c),
		map[string]any{"method": c.Request().Method, "reason": "api_key"}))
	return fail(http.StatusForbidden, "Une clé d'API n'ouvre que les indicateurs (/api/v1/indicators) : cette ressource demande une session.")
}

// missingRecord is what a scope function returns when the record the URL
// names does not exist; authorize decides what the asker is told.
type missingRecord struct{ msg string }

func (e *missingRecord) Error() string { return e.msg }

// missing reports a record that does not exist, in French.
func missing(msg string) error { return &missingRecord{msg: msg} }

// needLogin sends a browser to the login page and answers 401 to the API.
func (s *Server) needLogin(c echo.Context) error {
	if wantsJSON(c) || c.Request().Method != http.MethodGet {
		return fail(http.StatusUnauthorized, "Veuillez vous connecter.")
	}
	return c.Redirect(http.StatusSeeOther, "/login?suite="+url.QueryEscape(c.Request().URL.RequestURI()))
}

// safeNext keeps a post-login redirect on this site: anything but a
// local path is replaced by the home page.
func safeNext(next string) string {
	if !localPath(next) {
		return "/"
	}
	return next
}

// localPath reports whether p can only lead to a page of this site: it
// starts with one slash followed by something other than a separator, and
// holds no control character (browsers drop tabs and newlines, so
// « /\t/evil.example » would become « //evil.example »), no backslash (read
// as a slash), and no percent-encoded form of these.
func localPath(p string) bool {
	if p == "" || p[0] != '/' || len(p) > 2048 || !utf8.ValidString(p) {
		return false
	}
	dec, err := url.PathUnescape(p)
	if err != nil {
		return false
	}
	for _, s := range []string{p, dec} {
		if strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
			return false
		}
		for _, r := range s {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				return false
			}
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == "" && strings.HasPrefix(u.Path, "/")
}
