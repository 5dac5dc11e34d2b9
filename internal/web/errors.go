package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
	"acquis/internal/fielderr"
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

// Error is for logs; the person reads msg, through statusAndMessage.
func (e *userError) Error() string { return fmt.Sprintf("refused with status %d: %s", e.status, e.msg) }

// fail returns an error shown to the user as is, with that status.
func fail(status int, msg string) error { return &userError{status: status, msg: msg} }

// failField is fail about one member of the request.
func failField(status int, field, msg string) error {
	return &userError{status: status, msg: msg, field: field}
}

// sentinelMessage is how one domain sentinel is said to a person.
type sentinelMessage struct {
	is     error
	status int
	msg    string
}

// refusals is the one table from domain sentinels to an HTTP status and a
// French message, for pages and the API alike (the API puts the message
// in its problem document). A new sentinel a person can meet gets a row
// here, not a branch in a handler.
var refusals = []sentinelMessage{
	{referentiel.ErrNotFound, http.StatusNotFound, "Cette certification n'existe pas."},
	{account.ErrNotFound, http.StatusNotFound, "Ce compte ou cette organisation n'existe pas."},
	{jury.ErrSigned, http.StatusConflict, "Le procès-verbal de cette session est signé : plus rien ne peut y être modifié (un avenant le corrige)."},
	// The jury package says "not found" for a member who does not sit
	// or does not evaluate: that is a refusal of access, not a missing page.
	{jury.ErrNotFound, http.StatusForbidden, "Vous n'évaluez pas cette candidature ou ne siégez pas à cette session."},
}

// httpMessages are the French messages of Echo's own errors.
var httpMessages = map[int]string{
	http.StatusNotFound:              "Cette page n'existe pas.",
	http.StatusMethodNotAllowed:      "Cette action n'est pas possible sur cette page.",
	http.StatusRequestEntityTooLarge: "La requête est trop volumineuse.",
	http.StatusForbidden:             "Vous n'avez pas accès à cette page.",
	http.StatusUnauthorized:          "Veuillez vous connecter.",
	http.StatusBadRequest:            "La requête est mal formée.",
	http.StatusTooManyRequests:       "Trop de requêtes : réessayez dans quelques instants.",
	http.StatusServiceUnavailable:    "Le service est momentanément indisponible.",
}

// statusAndMessage maps any error to an HTTP status and a French message;
// unexpected is true for what must be logged. It is the one place that
// knows how each error is said to a user: handlers return domain errors
// as they come.
func statusAndMessage(err error) (status int, msg string, unexpected bool) {
	var ue *userError
	if errors.As(err, &ue) {
		return ue.status, ue.msg, false
	}
	// A domain refusal of one field that no form caught is said as is.
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return http.StatusUnprocessableEntity, fe.Message, false
	}
	for _, r := range refusals {
		if errors.Is(err, r.is) {
			return r.status, r.msg, false
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if m, ok := httpMessages[he.Code]; ok {
			return he.Code, m, false
		}
		if he.Code < 500 {
			return he.Code, http.StatusText(he.Code), false
		}
	}
	return http.StatusInternalServerError, "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez plus tard.", true
}

// fieldOf names the request member an error is about, if any, for the
// API's problem document.
func fieldOf(err error) string {
	var ue *userError
	if errors.As(err, &ue) {
		return ue.field
	}
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
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
