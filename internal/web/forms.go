package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/fielderr"
	"acquis/internal/form"
)

// FormErrors is how a template sees field refusals (fielderr, the one
// field-error type): the French message of each field by its form name,
// "" for the form as a whole. Templates tie each message to its field with
// aria-describedby; the API says the same refusal in a problem document's
// field and detail.
type FormErrors map[string]string

// Has reports whether field has an error.
func (f FormErrors) Has(field string) bool { _, ok := f[field]; return ok }

// Any reports whether the form has any error.
func (f FormErrors) Any() bool { return len(f) > 0 }

// Whole puts every message on the form as a whole (""), for pages that
// hold many small forms whose fields have no id of their own.
func (f FormErrors) Whole() FormErrors {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msgs := make([]string, len(keys))
	for i, k := range keys {
		msgs[i] = f[k]
	}
	return FormErrors{"": strings.Join(msgs, " ")}
}

// bindForm reads the posted form into dst, a typed form struct, with
// Echo's binder (its `form` tags), then validates it (package form: struct
// tags, French messages). A refusal is a fielderr.List for formError.
func bindForm(c echo.Context, dst any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, dst); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
	}
	return form.Validate(dst)
}

// formError is the one way a write handler answers a refusal: refused
// fields (from the form or from a domain rule) render the page again
// through again(), with every message beside its field; any other error goes
// to the error handler, which maps it (errors.go).
func formError(err error, again func(FormErrors) error) error {
	if l, ok := fielderr.From(err); ok {
		return again(FormErrors(l.Messages()))
	}
	return err
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
