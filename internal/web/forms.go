package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
)

// FormErrors maps a field name to its French message; "" is for the form
// as a whole. Templates tie each message to its field with aria-describedby.
type FormErrors map[string]string

// Has reports whether field has an error.
func (f FormErrors) Has(field string) bool { _, ok := f[field]; return ok }

// Any reports whether the form has any error.
func (f FormErrors) Any() bool { return len(f) > 0 }

// validationErrors turns a domain validation error into form errors; other
// errors are returned for the error handler.
func validationErrors(err error) (FormErrors, error) {
	var ve *account.ValidationError
	if errors.As(err, &ve) {
		return FormErrors{ve.Field: ve.Message}, nil
	}
	var fe FieldError
	if errors.As(err, &fe) {
		return FormErrors{fe.FieldName(): fe.Error()}, nil
	}
	return nil, err
}

// FieldError is implemented by the domain packages' validation errors so
// the web layer can place a message beside its field.
type FieldError interface {
	error
	FieldName() string
}

// formInt reads an optional integer field; ok is false when it is present
// but not a number.
func formInt(c echo.Context, name string) (int64, bool) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// paramID reads a numeric route parameter; a malformed one is a 404, as
// for an id that does not exist.
func paramID(c echo.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, echo.ErrNotFound
	}
	return n, nil
}
