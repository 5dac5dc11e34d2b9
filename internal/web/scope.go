package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"acquis/internal/account"
)

// scope finds what a route is about: the Resource the policy decides on,
// and the record of type T its handler receives as an argument. A handler
// thus names the record it needs in its signature, and a route registered
// with a scope of another type does not compile; params are the route
// parameters load reads, and a route whose path lacks one of them stops
// start-up (registerScoped), not a request.
type scope[T any] struct {
	params []string
	load   func(c echo.Context) (T, account.Resource, error)
	// writes, when set, is the one action whose write load may run
	// itself, before the policy sees the resource, because that write's
	// statement checks what the policy asks (juryAutosaveScope): a
	// route of any other action with this scope stops start-up.
	writes account.Action
}

// handleIn registers a route behind the policy whose handler receives the
// record sc loaded (Go methods cannot take type parameters, hence a
// function). The record goes from the scope to the handler as a value of
// type T, never through the Echo context.
func handleIn[T any](s *Server, method, path string, action account.Action, sc scope[T], h func(echo.Context, T) error) {
	if sc.writes != "" && sc.writes != action {
		panic(fmt.Sprintf("web: route %s %s: its scope writes for %s, not %s", method, path, sc.writes, action))
	}
	for _, p := range sc.params {
		if !hasParam(path, p) {
			panic(fmt.Sprintf("web: route %s %s: its scope reads :%s, which the path does not have", method, path, p))
		}
	}
	s.addRoute(method, path, action, func(c echo.Context) (account.Resource, func() error, error) {
		rec, res, err := sc.load(c)
		return res, func() error { return h(c, rec) }, err
	})
}

// handleUploadIn is handleIn for a route whose body is a file (see
// markUpload).
func handleUploadIn[T any](s *Server, path string, action account.Action, sc scope[T], h func(echo.Context, T) error) {
	s.markUpload(path)
	handleIn(s, http.MethodPost, path, action, sc, h)
}

// hasParam reports whether path has the parameter :name.
func hasParam(path, name string) bool {
	for _, seg := range strings.Split(path, "/") {
		if seg == ":"+name {
			return true
		}
	}
	return false
}
