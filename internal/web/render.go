package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/civil"
	"acquis/internal/frsize"
	"acquis/internal/jury"
	"acquis/internal/paris"
	"acquis/internal/staff"
	"acquis/templates"
)

// Layout is what every page's view model embeds: the frame around the page.
type Layout struct {
	Title     string
	User      *CurrentUser
	CSRF      string
	Flash     string
	RequestID string
	Static    func(name string) string
	// NoIndex asks search engines not to index the page.
	NoIndex bool
	// Posted is the form a page comes back with after an error (empty on
	// a GET), so every form keeps the values chosen.
	Posted Posted
}

// renderer parses each page once, paired with the layout, and renders into
// a buffer so a template error never leaves a half-written response. Its
// map is written only by newRenderer, so readers need no lock.
type renderer struct {
	pages  map[string]*template.Template
	assets *assets
}

func newRenderer(a *assets) (*renderer, error) {
	r := &renderer{pages: map[string]*template.Template{}, assets: a}
	names, err := fs.Glob(templates.FS, "*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(templates.FS, "_*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if n == "layout.html" || strings.HasPrefix(n, "_") {
			continue
		}
		// A template set per page: pages may then define the same block
		// names without overwriting one another.
		t := template.New("layout.html").Funcs(funcs(a))
		files := append([]string{"layout.html"}, partials...)
		files = append(files, n)
		if _, err := t.ParseFS(templates.FS, files...); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		r.pages[strings.TrimSuffix(n, ".html")] = t
	}
	return r, nil
}

func funcs(a *assets) template.FuncMap {
	paris := paris.Location
	return template.FuncMap{
		"static": a.url,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(paris).Format("02/01/2006")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(paris).Format("02/01/2006 à 15:04")
		},
		"inc":       func(i int) int { return i + 1 },
		"humansize": frsize.Format,
		"splitpair": func(s string) []string { return append(strings.SplitN(s, "|", 2), "")[:2] },
		"deref":     deref,
		"decision":  jury.DecisionLabel,
		"outcome":   func(o string) string { return jury.Outcome(o).Label() },
		"college":   func(c string) string { return jury.College(c).Label() },
		"has":       slices.Contains[[]string],
		"lower":     strings.ToLower,
		// Calendar dates (hire, status, training): stored as dates, printed
		// without a time-zone shift.
		"dmy": func(v any) string { return calendarDate(v, "02/01/2006") },
		"iso": func(v any) string { return calendarDate(v, "2006-01-02") },
		"fte": func(f float64) string {
			return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
		},
		"supervisor": staff.SupervisorLabel,
		"list":       func(v ...string) []string { return v },
		// Counts of 1 to 4 people are not shown below the national level
		// (issue 14 #13): they would point at a person.
		"small": staff.SmallCount,
		// The deliberation table's cells, written in Go (verdict_cell.go).
		"verdictCell": verdictCell,
	}
}

// calendarDate formats a time.Time or *time.Time as a date; nil and zero
// print nothing.
func calendarDate(v any, layout string) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	case civil.Date:
		t = x.Time
	case *civil.Date:
		if x == nil {
			return ""
		}
		t = x.Time
	default:
		return ""
	}
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(layout)
}

// deref follows a pointer for display; nil shows as the zero value.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		return v
	}
	if rv.IsNil() {
		return reflect.Zero(rv.Type().Elem()).Interface()
	}
	return rv.Elem().Interface()
}

// render writes page with data and status, or fails before writing anything.
func (r *renderer) render(c echo.Context, status int, page string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("web: unknown page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// content renders only the page's "content" block: the part of a page
// that does not depend on who is asking, for pages whose content is kept
// once rendered (prerendered).
func (r *renderer) content(page string, data any) (template.HTML, error) {
	t, ok := r.pages[page]
	if !ok {
		return "", fmt.Errorf("web: unknown page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", data); err != nil {
		return "", fmt.Errorf("web: render %s: %w", page, err)
	}
	return template.HTML(buf.String()), nil
}

// prerenderedView is a page whose content was rendered before: the
// layout (who is signed in, the CSRF token, the flash) is rendered on
// each request around it.
type prerenderedView struct {
	Layout
	Body template.HTML
}

// assets serves the static files under content-hash URLs so browsers may
// cache them forever and still see a new version at once.
type assets struct {
	byName map[string]string // name → hashed URL
	byURL  map[string]asset
}

type asset struct {
	body        []byte
	contentType string
}

func newAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byURL: map[string]asset{}}
	err := fs.WalkDir(templates.FS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(templates.FS, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(path, "static/")
		dot := strings.LastIndex(name, ".")
		url := "/static/" + name[:dot] + "." + hex.EncodeToString(sum[:6]) + name[dot:]
		ct := "application/octet-stream"
		switch name[dot:] {
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		case ".png":
			ct = "image/png"
		}
		a.byName[name] = url
		a.byURL[url] = asset{body: body, contentType: ct}
		return nil
	})
	return a, err
}

func (a *assets) url(name string) string {
	if u, ok := a.byName[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

func (a *assets) handler(c echo.Context) error {
	f, ok := a.byURL[c.Request().URL.Path]
	if !ok {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, f.contentType, f.body)
}
