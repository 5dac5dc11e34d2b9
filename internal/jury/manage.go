package jury

import (
	"context"

	"acquis/internal/portfolio"
)

// Management is what the certifier's page of one session shows: its
// members, whom the pool still offers, the composition's checks, the
// candidacies inscribed and those that may still be.
type Management struct {
	Members     []Member
	Pool        []Profile // the pool without the members already seated
	Composition Composition
	Assignments []Assignment
	// Submitted are the submitted candidacies of the session's
	// certification on no session still to be signed.
	Submitted []portfolio.Candidacy
	// Unfinished are the grids not handed in, listed when the
	// deliberation is opened (an open session only).
	Unfinished []UnfinishedGrid
}

// Manage reads the certifier's page of session sess.
func (s *Store) Manage(ctx context.Context, sess *Session) (*Management, error) {
	m := &Management{}
	var err error
	if m.Members, err = s.Members(ctx, sess.ID); err != nil {
		return nil, err
	}
	pool, err := s.Pool(ctx)
	if err != nil {
		return nil, err
	}
	seated := map[int64]bool{}
	for _, mb := range m.Members {
		seated[mb.UserID] = true
	}
	for _, p := range pool { // a member already seated is not offered again
		if !seated[p.UserID] {
			m.Pool = append(m.Pool, p)
		}
	}
	m.Composition = CheckComposition(sess.CertificationCode, m.Members)
	if m.Assignments, err = s.Assignments(ctx, sess.ID); err != nil {
		return nil, err
	}
	if sess.Status == Open {
		if m.Unfinished, err = s.UnfinishedGrids(ctx, sess.ID); err != nil {
			return nil, err
		}
	}
	subs, err := s.pf.Candidacies(ctx, portfolio.Filter{States: []portfolio.State{portfolio.DossierSubmitted}})
	if err != nil {
		return nil, err
	}
	// A candidacy inscribed on this session or on another one still to be
	// signed is not offered again.
	on, err := s.Booked(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range m.Assignments {
		on[a.CandidacyID] = true
	}
	for _, cd := range subs {
		if cd.CertificationCode == sess.CertificationCode && !on[cd.ID] {
			m.Submitted = append(m.Submitted, cd)
		}
	}
	return m, nil
}
