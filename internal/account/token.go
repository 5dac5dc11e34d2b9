package account

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/mail"
)

// TokenTTL is how long an invitation or reset link works.
const TokenTTL = 24 * time.Hour

// Token purposes.
const (
	PurposeInvite = "invite"
	PurposeReset  = "reset"
)

// issueToken creates a one-time token in tx; earlier unused tokens of the
// same purpose for that user stop working, so only the newest link does.
func (s *Store) issueToken(ctx context.Context, tx *sqlx.Tx, userID int64, purpose string) (string, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, userID, purpose); err != nil {
		return "", err
	}
	token, hash := NewToken()
	_, err := tx.ExecContext(ctx, `INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
		hash, userID, purpose, s.now().Add(TokenTTL))
	return token, err
}

// Invite creates a user without password and mails them a one-time link to
// choose one. baseURL is the app's public URL.
func (s *Store) Invite(ctx context.Context, actor audit.Actor, n NewUser, baseURL, inviterName string) (int64, error) {
	n.Password = ""
	id, err := s.CreateUser(ctx, actor, n)
	if err != nil {
		return 0, err
	}
	if err := s.SendInvitation(ctx, actor, id, baseURL, inviterName); err != nil {
		return id, err
	}
	return id, nil
}

// SendInvitation (re)sends the invitation link to a user who has not yet
// chosen a password.
func (s *Store) SendInvitation(ctx context.Context, actor audit.Actor, userID int64, baseURL, inviterName string) error {
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		token, err := s.issueToken(ctx, tx, userID, PurposeInvite)
		if err != nil {
			return err
		}
		n := mail.Notice{
			Subject: "Invitation à acquis",
			Paragraphs: []string{
				inviterName + " vous invite à rejoindre acquis, l'outil de suivi de la certification professionnelle et de la VAE.",
				"Le lien ci-dessous est valable 24 heures et ne sert qu'une fois. Si vous n'attendiez pas cette invitation, ignorez ce message.",
			},
			Action: "Activer votre compte et choisir votre mot de passe",
			URL:    baseURL + "/invitation/" + token,
		}
		if _, err := mail.Enqueue(ctx, tx, mail.Message{To: u.Email, Subject: n.Subject, Body: n.Text(u.FullName), HTML: n.HTML(u.FullName), UserID: userID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("user.invite", "user", strconv.FormatInt(userID, 10), map[string]string{"email": u.Email}))
	})
}

// RequestReset mails a reset link when the e-mail belongs to an active
// account, and does nothing otherwise: the caller answers the same either
// way, so the form does not reveal which addresses have an account.
//
// Requests are limited per address and per client (ResetAddressPolicy,
// ResetClientPolicy), counted alike whether or not the address has an
// account; beyond them a *ThrottledError is returned and nothing is sent.
func (s *Store) RequestReset(ctx context.Context, actor audit.Actor, email, baseURL string) error {
	key := LoginKey(email)
	wait, err := s.claim(ctx, []bucket{
		{bucketKey("reset-address", key), ResetAddressPolicy},
		{bucketKey("reset-client", ClientKey(actor.IP)), ResetClientPolicy},
	})
	if err != nil {
		return err
	}
	if wait > 0 {
		_ = audit.RecordNow(ctx, s.db, actor.Entry("user.reset_throttled", "user", "", nil))
		return &ThrottledError{Wait: wait}
	}
	u, err := s.UserByEmail(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return audit.RecordNow(ctx, s.db, actor.Entry("user.reset_request_unknown", "user", "", nil))
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		return audit.RecordNow(ctx, s.db, actor.Entry("user.reset_request_disabled", "user", strconv.FormatInt(u.ID, 10), nil))
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		token, err := s.issueToken(ctx, tx, u.ID, PurposeReset)
		if err != nil {
			return err
		}
		n := mail.Notice{
			Subject: "Réinitialisation de votre mot de passe acquis",
			Paragraphs: []string{
				"Une réinitialisation du mot de passe de votre compte acquis a été demandée.",
				"Le lien ci-dessous est valable 24 heures et ne sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.",
			},
			Action: "Choisir un nouveau mot de passe",
			URL:    baseURL + "/reinitialiser/" + token,
		}
		if _, err := mail.Enqueue(ctx, tx, mail.Message{To: u.Email, Subject: n.Subject, Body: n.Text(u.FullName), HTML: n.HTML(u.FullName), UserID: u.ID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("user.reset_request", "user", strconv.FormatInt(u.ID, 10), nil))
	})
}

// TokenUser returns the user a still-valid token belongs to, to greet them
// on the form; it does not use the token.
func (s *Store) TokenUser(ctx context.Context, token, purpose string) (User, error) {
	var userID int64
	err := s.db.GetContext(ctx, &userID, `SELECT user_id FROM user_tokens
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`, HashToken(token), purpose, s.now())
	if err != nil {
		return User{}, db.NotFound(err, ErrTokenInvalid, "account")
	}
	return s.User(ctx, userID)
}

// UseToken spends a token once and sets the user's password with it. The
// row lock makes a second, concurrent use of the same link fail.
func (s *Store) UseToken(ctx context.Context, actor audit.Actor, token, purpose, password string) (int64, error) {
	if err := CheckPasswordStrength(password); err != nil {
		return 0, err
	}
	h, err := HashPassword(password)
	if err != nil {
		return 0, err
	}
	var userID int64
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &userID, `SELECT t.user_id FROM user_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > $3 AND NOT u.disabled
			FOR UPDATE OF t`, HashToken(token), purpose, s.now())
		if err != nil {
			return db.NotFound(err, ErrTokenInvalid, "account")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE user_tokens SET used_at = now() WHERE token_hash = $1`, HashToken(token)); err != nil {
			return err
		}
		a := actor
		a.UserID = userID
		return setPasswordTx(ctx, tx, a, userID, h, "", "user."+purpose+"_accepted")
	})
	return userID, err
}
