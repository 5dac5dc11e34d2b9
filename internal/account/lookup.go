package account

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/mail"
)

// UsersMatching returns the ids of at most limit users whose address is
// q (any case) or whose name contains q: the audit log's filter names an
// actor by either. Ordered by id, so the same words find the same person.
func (s *Store) UsersMatching(ctx context.Context, q string, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `SELECT id FROM users WHERE lower(email) = lower($1)
		OR full_name ILIKE '%' || replace(replace(replace($1, '\', '\\'), '%', '\%'), '_', '\_') || '%' ORDER BY id LIMIT $2`, q, limit)
	if err != nil {
		return nil, fmt.Errorf("account: users matching: %w", err)
	}
	return ids, nil
}

// Names returns the full name of each of ids that exists, in one query.
func (s *Store) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	names := map[int64]string{}
	if len(ids) == 0 {
		return names, nil
	}
	var us []struct {
		ID   int64  `db:"id"`
		Name string `db:"full_name"`
	}
	if err := s.db.SelectContext(ctx, &us, `SELECT id, full_name FROM users WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("account: names: %w", err)
	}
	for _, u := range us {
		names[u.ID] = u.Name
	}
	return names, nil
}

// HasRole reports whether the user holds role, whatever its scope: the
// jury's pool is every holder of RoleJuryMember.
func (s *Store) HasRole(ctx context.Context, userID int64, role Role) (bool, error) {
	var ok bool
	if err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2)`, userID, string(role)); err != nil {
		return false, fmt.Errorf("account: has role: %w", err)
	}
	return ok, nil
}

// NoticeExistingAccount tells the owner of an existing account that
// platform o (through inviter) tried to invite them, without changing
// their account: saying « an account exists » to the manager would tell
// them that an address is known (issue 13 #6). Audited.
func (s *Store) NoticeExistingAccount(ctx context.Context, actor audit.Actor, o Organisation, inviter, email, baseURL string) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		body := fmt.Sprintf("Bonjour,\n\n%s (%s) a voulu vous inviter à rejoindre acquis, l'outil de suivi de la certification professionnelle et de la VAE. Vous avez déjà un compte avec cette adresse : connectez-vous sur %s/login (mot de passe oublié : %s/mot-de-passe-oublie).\n\nSi vous n'attendiez pas ce message, ignorez-le.\n",
			inviter, o.Name, baseURL, baseURL)
		if _, err := mail.Enqueue(ctx, tx, mail.Message{To: email, Subject: "Invitation à acquis : vous avez déjà un compte", Body: body}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("user.invite_existing", "platform", strconv.FormatInt(o.ID, 10), map[string]string{"email": email}))
	})
}
