package jury

import "context"

// HomeSession is one session on a member's home page, its candidacies
// split into those the member evaluates and the others.
type HomeSession struct {
	Session
	Mine   []Assignment
	Others []Assignment // candidates the member does not evaluate but deliberates on, after declaring
}

// Home lists the sessions the member sits on, each with its candidacies
// split by whether the member evaluates them.
func (s *Store) Home(ctx context.Context, userID int64) ([]HomeSession, error) {
	list, err := s.Sessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []HomeSession
	for _, sess := range list {
		line := HomeSession{Session: sess}
		all, err := s.Assignments(ctx, sess.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range all {
			mine := false
			for _, e := range a.Evaluators {
				mine = mine || e.EvaluatorID == userID
			}
			if mine {
				line.Mine = append(line.Mine, a)
			} else {
				line.Others = append(line.Others, a)
			}
		}
		out = append(out, line)
	}
	return out, nil
}
