// Package fielderr is the one shape of a refusal a person can act on: the
// field at fault and a French message. Form validation in the web layer
// and the domain rules that need the database both return it, so a
// template or the API places every message the same way whichever layer
// refused. It knows nothing of HTTP.
package fielderr

import (
	"errors"
	"fmt"
	"strings"
)

// Error is one refused field. Message is the French sentence shown to the
// person; Error() is the lower-case text for logs. Line is set only when
// the field comes from a line of an imported file.
type Error struct {
	Line    int
	Field   string
	Message string
	// Kind is a sentinel the refusal also is (errors.Is sees it), for the
	// callers that only ask which operation refused.
	Kind error
}

// New refuses field with a French message.
func New(field, msg string) *Error { return &Error{Field: field, Message: msg} }

// Newf refuses field with a French message built by fmt.Sprintf.
func Newf(field, format string, args ...any) *Error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Error is for logs: the message stays in Message, for people.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d, field %s: %s", e.Line, e.Field, e.Message)
	}
	return "field " + e.Field + ": " + e.Message
}

// Unwrap exposes Kind to errors.Is.
func (e *Error) Unwrap() error { return e.Kind }

// List is every refused field of one form, in the form's order.
type List []*Error

// Error is for logs.
func (l List) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap lets errors.As find the first refusal in a list.
func (l List) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// From returns the field refusals err carries (a List, or one Error,
// possibly wrapped); ok is false when err is not a refusal of fields.
func From(err error) (List, bool) {
	var l List
	if errors.As(err, &l) && len(l) > 0 {
		return l, true
	}
	var e *Error
	if errors.As(err, &e) {
		return List{e}, true
	}
	return nil, false
}

// Messages maps each field to its first message, the shape forms show.
func (l List) Messages() map[string]string {
	m := make(map[string]string, len(l))
	for _, e := range l {
		if _, ok := m[e.Field]; !ok {
			m[e.Field] = e.Message
		}
	}
	return m
}
