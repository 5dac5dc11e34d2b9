package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/jury"
	"acquis/internal/referentiel"
)

// errInternal is what a panic or an unexpected failure becomes: the user
// sees a French sentence and the request ID, never the internal text.
var errInternal = errors.New("internal error")

// userError is an error whose message is written for the user, in French.
// field names the request member at fault, when there is one (the API
// says it in its problem document).
type userError struct {
	status int
	msg    string
	field  string
	badKey bool
}

func (e *userError) Error() string { return e.msg }

// fail returns an error shown to the user as is, with that status.
func fail(status int, msg string) error { return &userError{status: status, msg: msg} }

// failField is fail about one member of the request.
func failField(status int, field, msg string) error {
	return &userError{status: status, msg: msg, field: field}
}

// statusAndMessage maps any error to an HTTP status and a French message.
// Domain packages return their own sentinel errors; this is the one place
// that knows how each is said to a user.
func statusAndMessage(err error) (int, string, bool) {
	var ue *userError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ue):
		return ue.status, ue.msg, false
	case errors.Is(err, referentiel.ErrNotFound):
		return http.StatusNotFound, "Cette certification n'existe pas.", false
	case errors.Is(err, account.ErrNotFound):
		return http.StatusNotFound, "Ce compte ou cette organisation n'existe pas.", false
	case errors.Is(err, jury.ErrSigned):
		return http.StatusConflict, "Le procès-verbal de cette session est signé : plus rien ne peut y être modifié (un avenant le corrige).", false
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return he.Code, "Cette page n'existe pas.", false
		case http.StatusMethodNotAllowed:
			return he.Code, "Cette action n'est pas possible sur cette page.", false
		case http.StatusRequestEntityTooLarge:
			return he.Code, "La requête est trop volumineuse.", false
		case http.StatusForbidden:
			return he.Code, "Vous n'avez pas accès à cette page.", false
		case http.StatusUnauthorized:
			return he.Code, "Veuillez vous connecter.", false
		case http.StatusBadRequest:
			return he.Code, "La requête est mal formée.", false
		case http.StatusTooManyRequests:
			return he.Code, "Trop de requêtes : réessayez dans quelques instants.", false
		case http.StatusServiceUnavailable:
			return he.Code, "Le service est momentanément indisponible.", false
		}
		if he.Code < 500 {
			return he.Code, http.StatusText(he.Code), false
		}
	}
	return http.StatusInternalServerError, "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez plus tard.", true
}

type errorView struct {
	Layout
	Status  int
	Message string
}

func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg, unexpected := statusAndMessage(err)
	if unexpected {
		s.log.Error("erreur", "request_id", c.Get(ctxRequestID), "path", logPath(c), "err", err)
	}
	if status == http.StatusUnauthorized {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, challenge(err))
	}
	if wantsJSON(c) {
		_ = writeProblem(c, status, msg, err)
		return
	}
	v := errorView{Layout: s.layout(c, "Erreur"), Status: status, Message: msg}
	if rerr := s.render.render(c, status, "error", v); rerr != nil {
		s.log.Error("rendu de la page d'erreur", "err", rerr)
		_ = c.String(status, msg)
	}
}

func wantsJSON(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/")
}
