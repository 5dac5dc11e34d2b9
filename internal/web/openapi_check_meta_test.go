package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures it is told.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestAPIResponseCheckCatchesDrift: the check hooked into client.do
// fails on a response the description does not allow, so a handler that
// drifts from the description fails the test that calls it.
func TestAPIResponseCheckCatchesDrift(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		header                          http.Header
		wantFail                        bool
	}{
		{"conforme", "GET", "/api/v1/certifications", "application/json", `{"certifications":[]}`, 200, nil, false},
		{"membre inconnu", "GET", "/api/v1/certifications", "application/json", `{"certifications":[],"extra":1}`, 200, nil, true},
		{"date en horodatage", "GET", "/api/v1/indicators/blocs", "application/json",
			`{"key":"blocs","title":"t","definition":[],"columns":[],"rows":[],"filter":{"from":"2027-01-01T00:00:00Z","to":"2027-12-31"}}`, 200, nil, true},
		{"erreur à l'ancienne", "GET", "/api/v1/certifications/X", "application/json", `{"error":"Cette certification n'existe pas."}`, 404, nil, true},
		{"401 sans WWW-Authenticate", "GET", "/api/v1/candidacies", problemContentType,
			`{"type":"about:blank","title":"Authentification requise","status":401,"detail":"Veuillez vous connecter.","instance":"/api/v1/candidacies"}`, 401, nil, true},
		{"401 conforme", "GET", "/api/v1/candidacies", problemContentType,
			`{"type":"about:blank","title":"Authentification requise","status":401,"detail":"Veuillez vous connecter.","instance":"/api/v1/candidacies"}`, 401,
			http.Header{"Www-Authenticate": {`Bearer realm="acquis"`}}, false},
		{"liste sans Link", "GET", "/api/v1/candidacies", "application/json", `{"candidacies":[],"pagination":{"page":1,"per_page":20,"total":0,"pages":1}}`, 200, nil, true},
		{"201 sans Location", "POST", "/api/v1/candidacies/1/deliverables/D/documents", "application/json",
			`{"id":1,"candidacy_id":1,"block_code":"B","deliverable_code":"D","version":1,"file_name":"a.pdf","sha256":"` + strings.Repeat("a", 64) +
				`","size":1,"kind":"pdf","mime":"application/pdf","uploaded_by":1,"uploaded_by_name":"X","uploaded_at":"2027-01-01T10:00:00Z"}`, 201, nil, true},
		{"route inconnue en HTML", "GET", "/api/v1/nulle-part", "text/html", `<p>non</p>`, 404, nil, true},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(tc.method, "http://acquis.test"+tc.path, nil)
		res := &http.Response{StatusCode: tc.status, Header: http.Header{"Content-Type": {tc.ctype}}}
		for k, v := range tc.header {
			res.Header[k] = v
		}
		r := &recorder{TB: t}
		checkAPIResponse(r, req, res, []byte(tc.body))
		if failed := len(r.errs) > 0; failed != tc.wantFail {
			t.Errorf("%s : échec %v, attendu %v %v", tc.name, failed, tc.wantFail, r.errs)
		}
	}
}
