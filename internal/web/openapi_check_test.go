package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"acquis/internal/web/apidoc"
)

// apiSpec is the OpenAPI description every API response of the suite is
// checked against (issue 15, finding 5), loaded once per test binary.
var apiSpec struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func loadAPISpec() (*openapi3.T, routers.Router, error) {
	apiSpec.once.Do(func() {
		b, err := apidoc.JSON()
		if err != nil {
			apiSpec.err = err
			return
		}
		doc, err := openapi3.NewLoader().LoadFromData(b)
		if err != nil {
			apiSpec.err = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			apiSpec.err = err
			return
		}
		apiSpec.doc = doc
		apiSpec.router, apiSpec.err = legacy.NewRouter(doc)
	})
	return apiSpec.doc, apiSpec.router, apiSpec.err
}

// checkAPIResponse fails the test when an answer under /api/v1 does not
// match the description: an undocumented status, body, Content-Type or
// required header. A path the description does not know may only be
// answered with a problem document (404, 405, 400 for a malformed path).
func checkAPIResponse(t testing.TB, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") {
		return
	}
	doc, router, err := loadAPISpec()
	if err != nil {
		t.Errorf("description OpenAPI : %v", err)
		return
	}
	// The router matches on the path alone: the test server's host is
	// not the description's.
	r := req.Clone(context.Background())
	r.Host, r.URL.Host, r.URL.Scheme = "", "", ""
	route, params, err := router.FindRoute(r)
	if err != nil {
		if res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("API %s %s : %d sur une route que la description ne connaît pas (%v)", req.Method, req.URL.Path, res.StatusCode, err)
			return
		}
		problem := doc.Components.Schemas["Problem"].Value
		var v any
		if err := json.Unmarshal(body, &v); err != nil || !strings.HasPrefix(res.Header.Get("Content-Type"), problemContentType) {
			t.Errorf("API %s %s : %d sans document application/problem+json (%q)", req.Method, req.URL.Path, res.StatusCode, res.Header.Get("Content-Type"))
			return
		}
		if err := problem.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("API %s %s : problème non conforme : %v", req.Method, req.URL.Path, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("API %s %s : réponse %d non conforme à la description OpenAPI : %v\n%s", req.Method, req.URL.Path, res.StatusCode, err, truncate(body, 2000))
	}
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return append(bytes.Clone(b[:n]), "…"...)
	}
	return b
}
