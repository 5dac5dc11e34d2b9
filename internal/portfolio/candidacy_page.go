package portfolio

import (
	"context"
	"fmt"
)

// CandidacyPage is one page of the candidacies the filter selects, newest
// first, and how many it selects in all: a list that grows with the
// years is read a page at a time (the API's candidacies).
func (s *Store) CandidacyPage(ctx context.Context, f Filter, offset, limit int) ([]Candidacy, int, error) {
	states := make([]string, len(f.States))
	for i, st := range f.States {
		states[i] = string(st)
	}
	const where = `
		WHERE ($1 = 0 OR c.candidate_id = $1) AND (cardinality($2::text[]) = 0 OR c.state = ANY($2))
		  AND ($3 = 0 OR c.organisation_id = $3)`
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM candidacies c`+where, f.CandidateID, pqStrings(states), f.PlatformID); err != nil {
		return nil, 0, fmt.Errorf("portfolio: count: %w", err)
	}
	out := []Candidacy{}
	if err := s.db.SelectContext(ctx, &out, `SELECT `+candidacyColumns+candidacyFrom+where+`
		ORDER BY c.created_at DESC, c.id DESC OFFSET $4 LIMIT $5`, f.CandidateID, pqStrings(states), f.PlatformID, offset, limit); err != nil {
		return nil, 0, fmt.Errorf("portfolio: page: %w", err)
	}
	for i := range out {
		c := &out[i]
		c.Blocks, c.Equivalences = []Target{}, []EquivalenceTarget{}
		if err := s.db.SelectContext(ctx, &c.Blocks, `SELECT block_code, pathway FROM candidacy_blocks WHERE candidacy_id = $1 ORDER BY position`, c.ID); err != nil {
			return nil, 0, err
		}
		eq, err := s.Equivalences(ctx, c.ID)
		if err != nil {
			return nil, 0, err
		}
		if eq != nil {
			c.Equivalences = eq
		}
	}
	return out, total, nil
}
