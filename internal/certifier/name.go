package certifier

import (
	"context"
	"errors"
	"strings"
)

// Name is the certifier's name wherever acquis states who issues: the
// identity's name once set (documents' letterhead, the Open Badges
// issuer profile, the subject of a generated signing certificate); until
// then the certifiers the référentiels name, joined; « acquis » when
// neither says anything (or the database cannot be read, so that a page
// or a start-up never fails for a name).
func (s *Store) Name(ctx context.Context) string {
	if id, err := s.Get(ctx); err == nil && id.Name != "" {
		return id.Name
	} else if err != nil && !errors.Is(err, ErrNotSet) {
		return "acquis"
	}
	names, err := s.refs.Certifiers(ctx)
	if err != nil || len(names) == 0 {
		return "acquis"
	}
	return strings.Join(names, ", ")
}
