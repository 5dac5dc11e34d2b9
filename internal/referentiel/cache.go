package referentiel

import "sync"

// versionCache keeps the versions already read. A version never changes
// once stored (it is keyed by its content hash and guarded by triggers),
// so a page that shows a candidacy's référentiel need not run the five
// queries of Version on every request. The few versions a certifier ever
// has stay in memory for the life of the process.
type versionCache struct {
	mu sync.RWMutex
	m  map[int64]*Certification
}

func (c *versionCache) get(id int64) (*Certification, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[id]
	if !ok {
		return nil, false
	}
	return v.clone(), true
}

func (c *versionCache) put(v *Certification) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]*Certification{}
	}
	c.m[v.VersionID] = v.clone()
}

// clone copies every slice, so that a caller changing what it was given
// never changes what the next caller gets; strings are immutable already.
// A nil slice stays nil and an empty one empty, so JSON reads the same.
func (c *Certification) clone() *Certification {
	out := *c
	out.Prerequisites = cloneSlice(c.Prerequisites)
	out.Equivalences = cloneSlice(c.Equivalences)
	out.Blocks = cloneSlice(c.Blocks)
	for i := range out.Blocks {
		b := &out.Blocks[i]
		b.Activities = cloneSlice(b.Activities)
		for j := range b.Activities {
			b.Activities[j].Items = cloneSlice(b.Activities[j].Items)
		}
		b.Competences = cloneSlice(b.Competences)
		for j := range b.Competences {
			b.Competences[j].Items = cloneSlice(b.Competences[j].Items)
		}
		b.Deliverables = cloneSlice(b.Deliverables)
		for j := range b.Deliverables {
			d := &b.Deliverables[j]
			d.Contents = cloneSlice(d.Contents)
			d.AcceptedTypes = cloneSlice(d.AcceptedTypes)
		}
		b.Criteria = cloneSlice(b.Criteria)
	}
	return &out
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	copy(out, s)
	return out
}
