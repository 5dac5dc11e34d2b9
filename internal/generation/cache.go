package generation

import (
	"errors"
	"sync"
)

// Cache keeps one result per key, each under the generation it was
// computed at. It holds few keys (a région and a sort order, say): when a
// newer generation is seen, the results of older ones are dropped.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]*entry[V]
	newest  int64
}

// entry is a result being computed (done still open) or computed.
type entry[V any] struct {
	gen  int64
	done chan struct{}
	v    V
	err  error
}

// maxEntries bounds the keys kept: keys carry the day, so without a write
// to drop them, yesterday's would stay.
const maxEntries = 512

// Get returns the result for key kept at generation gen or a later one;
// otherwise it computes it (once: requests asking meanwhile wait for the
// same computation) and keeps it under gen. gen must have been read
// before compute reads anything, so that a kept result is never older
// than its generation says. A failed computation is not kept.
func (c *Cache[K, V]) Get(gen int64, key K, compute func() (V, error)) (V, error) {
	c.mu.Lock()
	if gen > c.newest {
		c.newest = gen
		for k, e := range c.entries {
			if e.gen < gen {
				delete(c.entries, k)
			}
		}
	}
	if e, ok := c.entries[key]; ok && e.gen >= gen {
		c.mu.Unlock()
		<-e.done
		if e.err == nil {
			return e.v, nil
		}
		// The computation waited for failed (its request may have been
		// cancelled): compute for this request, without keeping it.
		return compute()
	}
	if c.entries == nil || len(c.entries) >= maxEntries {
		c.entries = map[K]*entry[V]{}
	}
	e := &entry[V]{gen: gen, done: make(chan struct{})}
	c.entries[key] = e
	c.mu.Unlock()

	c.fill(key, e, compute)
	return e.v, e.err
}

// fill computes e; whatever happens (an error, a panic), the requests
// waiting for it are released and a failed entry is forgotten.
func (c *Cache[K, V]) fill(key K, e *entry[V], compute func() (V, error)) {
	ok := false
	defer func() {
		if !ok && e.err == nil {
			e.err = errPanicked
		}
		close(e.done)
		if e.err != nil {
			c.mu.Lock()
			if c.entries[key] == e {
				delete(c.entries, key)
			}
			c.mu.Unlock()
		}
	}()
	e.v, e.err = compute()
	ok = true
}

// errPanicked marks an entry whose computation panicked: its waiters
// compute for themselves.
var errPanicked = errors.New("generation: computation panicked")

// Drop forgets every result, for a test that compares kept and fresh
// results.
func (c *Cache[K, V]) Drop() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
}

// Len says how many results are kept or being computed.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
