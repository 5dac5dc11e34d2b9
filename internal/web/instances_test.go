package web

import (
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// instances starts n-1 more servers beside a's, sharing only its database
// and blob store, as instances behind a load balancer do, and returns a
// function giving the next base URL in round-robin order.
func instances(t testing.TB, a *app, n int) func() string {
	bases := []string{a.srv.URL}
	for len(bases) < n {
		s2, err := New(Deps{Config: a.s.cfg, DB: a.db, Blobs: a.s.blobs, Log: a.s.log})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s2.Handler())
		t.Cleanup(srv.Close)
		bases = append(bases, srv.URL)
	}
	var rr atomic.Int64
	return func() string { return bases[rr.Add(1)%int64(len(bases))] }
}
