package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// clientLimiter bounds the requests of each client (by IP address) to a
// public endpoint that must not be walked by a robot, such as the
// verification page. It lives in memory: each instance limits its own
// share, which is enough to make guessing a 96-bit code hopeless anyway.
type clientLimiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	clients map[string]*clientEntry
}

type clientEntry struct {
	l    *rate.Limiter
	seen time.Time
}

// newClientLimiter allows burst requests at once, then perSecond.
func newClientLimiter(perSecond float64, burst int) *clientLimiter {
	return &clientLimiter{every: rate.Limit(perSecond), burst: burst, clients: map[string]*clientEntry{}}
}

// allow reports whether the client may make one more request now.
func (cl *clientLimiter) allow(client string) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	now := time.Now()
	if len(cl.clients) > 10000 {
		// Forget the clients whose bucket has long refilled.
		for k, e := range cl.clients {
			if now.Sub(e.seen) > 10*time.Minute {
				delete(cl.clients, k)
			}
		}
	}
	e := cl.clients[client]
	if e == nil {
		e = &clientEntry{l: rate.NewLimiter(cl.every, cl.burst)}
		cl.clients[client] = e
	}
	e.seen = now
	return e.l.AllowN(now, 1)
}
