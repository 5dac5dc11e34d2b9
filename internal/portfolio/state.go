// Package portfolio owns the candidate's journey: candidacies and their
// states, the pathway chosen per bloc, the professional documents (every
// version kept), deposits, self-assessment, and the blocs acquired for life
// with the certifications they award.
package portfolio

import (
	"errors"
	"fmt"

	"acquis/internal/account"
	"acquis/internal/fielderr"
)

// State is where a candidacy stands.
type State string

// The states of a candidacy.
const (
	Draft                  State = "draft"
	AdmissibilitySubmitted State = "admissibility_submitted"
	Admissible             State = "admissible"
	Incomplete             State = "incomplete"
	NotAdmissible          State = "not_admissible"
	DossierInProgress      State = "dossier_in_progress"
	DossierSubmitted       State = "dossier_submitted"
	Evaluated              State = "evaluated"
	Closed                 State = "closed"
	Withdrawn              State = "withdrawn"
)

// Label is the state's French name.
func (s State) Label() string {
	switch s {
	case Draft:
		return "Brouillon"
	case AdmissibilitySubmitted:
		return "Recevabilité demandée"
	case Admissible:
		return "Recevable"
	case Incomplete:
		return "Dossier de recevabilité incomplet"
	case NotAdmissible:
		return "Non recevable"
	case DossierInProgress:
		return "Dossier en cours"
	case DossierSubmitted:
		return "Dossier déposé"
	case Evaluated:
		return "Évalué par le jury"
	case Closed:
		return "Clôturée"
	case Withdrawn:
		return "Abandonnée"
	}
	return string(s)
}

// Terminal reports whether nothing more can happen to the candidacy.
func (s State) Terminal() bool { return s == Closed || s == Withdrawn || s == NotAdmissible }

// Editable reports whether the candidate may still add or delete documents.
func (s State) Editable() bool {
	return s == Draft || s == AdmissibilitySubmitted || s == Admissible || s == Incomplete || s == DossierInProgress
}

// step is one allowed move and the role that makes it.
type step struct {
	from, to State
	by       account.Role
}

// steps is the whole state machine: any move not listed is refused. The
// jury's move to evaluated happens when the session is signed (system).
var steps = []step{
	{Draft, AdmissibilitySubmitted, account.RoleCandidate},
	{Incomplete, AdmissibilitySubmitted, account.RoleCandidate},
	{AdmissibilitySubmitted, Admissible, account.RoleAdmin},
	{AdmissibilitySubmitted, Incomplete, account.RoleAdmin},
	{AdmissibilitySubmitted, NotAdmissible, account.RoleAdmin},
	{Admissible, DossierInProgress, account.RoleCandidate},
	{Admissible, DossierInProgress, account.RoleAdmin},
	{DossierInProgress, DossierSubmitted, account.RoleCandidate},
	{DossierSubmitted, DossierInProgress, account.RoleAdmin}, // reopening, audited
	{DossierSubmitted, Evaluated, RoleSystem},
	{Evaluated, DossierInProgress, account.RoleAdmin}, // partial result: a new attempt at the missing blocs
	{Evaluated, Closed, account.RoleAdmin},
}

// RoleSystem is the role of moves the application makes itself (a signed
// jury session evaluating its candidacies).
const RoleSystem account.Role = "system"

// ErrTransition means the move is not allowed from this state, or not to
// this role.
var ErrTransition = errors.New("portfolio: transition refusée")

// refusedMove says in French why a move is refused, about the form as a
// whole; errors.Is(err, ErrTransition) holds. allowed is true when the
// move exists but belongs to another role.
func refusedMove(from, to State, allowed bool) error {
	msg := fmt.Sprintf("Une candidature « %s » ne peut pas passer à « %s ».", from.Label(), to.Label())
	if allowed {
		msg = fmt.Sprintf("Passer de « %s » à « %s » ne vous revient pas.", from.Label(), to.Label())
	}
	return &fielderr.Error{Message: msg, Kind: ErrTransition}
}

// CheckTransition is the one function that decides whether role may move a
// candidacy from one state to another. The candidate may withdraw at any
// time before the candidacy ends.
func CheckTransition(from, to State, role account.Role) error {
	if to == Withdrawn {
		if role == account.RoleCandidate && !from.Terminal() && from != Evaluated {
			return nil
		}
		return refusedMove(from, to, !from.Terminal() && from != Evaluated)
	}
	exists := false
	for _, s := range steps {
		if s.from == from && s.to == to {
			exists = true
			if s.by == role {
				return nil
			}
		}
	}
	return refusedMove(from, to, exists)
}

// NextSteps lists the moves role may make from a state, for the page's
// buttons.
func NextSteps(from State, role account.Role) []State {
	var out []State
	for _, s := range steps {
		if s.from == from && s.by == role {
			out = append(out, s.to)
		}
	}
	if CheckTransition(from, Withdrawn, role) == nil {
		out = append(out, Withdrawn)
	}
	return out
}

// AllStates lists every state, for the transition table test.
var AllStates = []State{Draft, AdmissibilitySubmitted, Admissible, Incomplete, NotAdmissible,
	DossierInProgress, DossierSubmitted, Evaluated, Closed, Withdrawn}
