package web

import (
	"context"
	"net/http"
)

// headAsGet answers HEAD wherever GET is answered (RFC 9110 §9.3.2): the
// route, its authorisation and its headers are those of GET. It wraps the
// whole application rather than being an Echo middleware because Echo
// routes on the request it was handed (a Pre middleware cannot change the
// method it routes on), and because net/http must keep seeing the HEAD it
// received: then it sends the headers GET would send, the length of the
// body included, and drops the body itself.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			g := r.Clone(context.WithValue(r.Context(), headKey{}, true))
			g.Method = http.MethodGet
			r = g
		}
		next.ServeHTTP(w, r)
	})
}

type headKey struct{}

// isHead reports whether the request reached the handler as a HEAD turned
// into GET: a handler whose GET has effects beyond its answer (an export
// built and audited) answers HEAD with its headers alone.
func isHead(r *http.Request) bool { v, _ := r.Context().Value(headKey{}).(bool); return v }
