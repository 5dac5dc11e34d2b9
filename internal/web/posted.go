package web

import (
	"net/url"

	"github.com/labstack/echo/v4"
)

// Posted is the form a page comes back with after an error: the path it
// was sent to (a page holds several forms sharing field names) and every
// value chosen, so radios, selects, checkboxes and text keep what the
// person chose instead of falling back to their defaults.
type Posted struct {
	Path   string
	Values url.Values
}

// postedOf captures the request's form, for a page rendered after an error.
func postedOf(c echo.Context) Posted {
	r := c.Request()
	if r.Method != "POST" {
		return Posted{}
	}
	_ = r.ParseForm()
	v := url.Values{}
	for k, vs := range r.PostForm {
		// Secrets are never sent back into a page.
		if k == "_csrf" || k == "password" || k == "current" || k == "confirm" {
			continue
		}
		v[k] = vs
	}
	return Posted{Path: r.URL.Path, Values: v}
}

// From reports whether the page comes back from the form sent to path.
func (p Posted) From(path string) bool { return p.Path != "" && p.Path == path }

// Is reports whether the form sent to path chose value for name (one of
// its values, for a multiple select or checkboxes).
func (p Posted) Is(path, name, value string) bool {
	if !p.From(path) {
		return false
	}
	for _, v := range p.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Get is what the form sent to path held for name, "" otherwise.
func (p Posted) Get(path, name string) string {
	if !p.From(path) {
		return ""
	}
	return p.Values.Get(name)
}
