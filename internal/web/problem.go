package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
)

// problemContentType is the media type of RFC 9457 problem details.
const problemContentType = "application/problem+json"

// problem is an RFC 9457 problem document: the API's only error body.
// Type is "about:blank" (the status says it all), so Title is the status
// phrase, in French; Detail is the message a person reads; RequestID lets
// support find the request in the logs; Field names the request member at
// fault when there is one.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	RequestID string `json:"request_id,omitempty"`
	Field     string `json:"field,omitempty"`
}

// statusTitles are the French status phrases problem documents carry
// (RFC 9457 §3.1.4 lets them be localised).
var statusTitles = map[int]string{
	http.StatusBadRequest:            "Requête invalide",
	http.StatusUnauthorized:          "Authentification requise",
	http.StatusForbidden:             "Accès refusé",
	http.StatusNotFound:              "Ressource introuvable",
	http.StatusMethodNotAllowed:      "Méthode non permise",
	http.StatusConflict:              "Conflit",
	http.StatusRequestEntityTooLarge: "Requête trop volumineuse",
	http.StatusUnsupportedMediaType:  "Type de contenu non pris en charge",
	http.StatusUnprocessableEntity:   "Données invalides",
	http.StatusTooManyRequests:       "Trop de requêtes",
	http.StatusInternalServerError:   "Erreur interne",
	http.StatusServiceUnavailable:    "Service indisponible",
}

func statusTitle(status int) string {
	if t, ok := statusTitles[status]; ok {
		return t
	}
	return http.StatusText(status)
}

// writeProblem answers an API request with the problem document of an
// error whose status and French message statusAndMessage chose.
func writeProblem(c echo.Context, status int, msg string, err error) error {
	p := problem{Type: "about:blank", Title: statusTitle(status), Status: status, Detail: msg, Instance: c.Request().URL.Path}
	if id, ok := c.Get(ctxRequestID).(string); ok {
		p.RequestID = id
	}
	p.Field = fieldOf(err)
	body, merr := json.Marshal(p)
	if merr != nil {
		return merr
	}
	return c.Blob(status, problemContentType, body)
}

// badKey is the 401 of an unknown or revoked API key: its challenge says
// the token is at fault (RFC 6750 §3.1).
func badKey(msg string) error {
	return &userError{status: http.StatusUnauthorized, msg: msg, badKey: true}
}

// challenge is the WWW-Authenticate header of a 401 (RFC 9110 §11.6.1):
// the API is reached with a session or with a bearer key.
func challenge(err error) string {
	var ue *userError
	if errors.As(err, &ue) && ue.badKey {
		return `Bearer realm="acquis", error="invalid_token"`
	}
	return `Bearer realm="acquis"`
}
