// Package account owns organisations, users, roles with their scope,
// passwords, login sessions, one-time tokens and the authorisation policy.
package account

import (
	"errors"
	"fmt"
	"time"

	"acquis/internal/fielderr"
)

var (
	// ErrNotFound means no user, organisation or token has that key.
	ErrNotFound = errors.New("account: introuvable")
	// ErrForbidden means the policy refuses the action to this principal.
	ErrForbidden = errors.New("account: action non autorisée")
	// ErrInvalidCredentials covers an unknown e-mail, a wrong password and a
	// disabled account alike, so the answer does not tell them apart.
	ErrInvalidCredentials = errors.New("account: identifiants incorrects")
	// ErrTokenInvalid covers an unknown, expired or already used token.
	ErrTokenInvalid = errors.New("account: lien invalide ou expiré")
	// ErrEmailTaken means another user already has that e-mail.
	ErrEmailTaken = errors.New("account: adresse déjà utilisée")
)

// ThrottledError says how long to wait before trying to log in again.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("trop de tentatives de connexion : réessayez dans %s", FrenchDuration(e.Wait))
}

// FrenchDuration says a wait the way a person would, rounded up.
func FrenchDuration(d time.Duration) string {
	if d < time.Minute {
		s := int((d + time.Second - 1) / time.Second)
		if s <= 1 {
			return "1 seconde"
		}
		return fmt.Sprintf("%d secondes", s)
	}
	m := int((d + time.Minute - 1) / time.Minute)
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}

// invalid refuses a field: the one field-error shape of every package.
func invalid(field, msg string) error { return fielderr.New(field, msg) }
