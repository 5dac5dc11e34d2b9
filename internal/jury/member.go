package jury

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// College is the part of the jury a member represents.
type College string

// The colleges.
const (
	Professional College = "professional"
	EmployerRep  College = "employer_rep"
	EmployeeRep  College = "employee_rep"
	Certifier    College = "certifier"
)

// Colleges lists them in the order forms show them.
var Colleges = []College{Professional, EmployerRep, EmployeeRep, Certifier}

// Label is the college in French.
func (c College) Label() string {
	switch c {
	case Professional:
		return "Professionnel du métier"
	case EmployerRep:
		return "Représentant des employeurs"
	case EmployeeRep:
		return "Représentant des salariés"
	case Certifier:
		return "Certificateur"
	}
	return string(c)
}

// Profile is what the jury pool knows of a member.
type Profile struct {
	UserID         int64          `db:"user_id" json:"user_id"`
	Name           string         `db:"full_name" json:"name"`
	OrganisationID int64          `db:"organisation_id" json:"organisation_id"`
	Organisation   string         `db:"organisation" json:"organisation"`
	Gender         string         `db:"gender" json:"gender"`
	College        College        `db:"college" json:"college"`
	QualifiedFor   pq.StringArray `db:"qualified_for" json:"qualified_for"`
}

// SetProfile records a pool member's gender, college and the
// certifications they are qualified for (they hold it, or practise the
// trade).
func (s *Store) SetProfile(ctx context.Context, actor audit.Actor, p Profile) error {
	if p.Gender != "" && p.Gender != "F" && p.Gender != "M" {
		return invalid("gender", "Genre invalide.")
	}
	valid := false
	for _, c := range Colleges {
		valid = valid || c == p.College
	}
	if !valid {
		return invalid("college", "Collège inconnu.")
	}
	if p.QualifiedFor == nil {
		p.QualifiedFor = []string{}
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_profiles (user_id, gender, college, qualified_for) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id) DO UPDATE SET gender = EXCLUDED.gender, college = EXCLUDED.college, qualified_for = EXCLUDED.qualified_for`,
			p.UserID, p.Gender, p.College, pq.Array([]string(p.QualifiedFor))); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.profile", "user", strconv.FormatInt(p.UserID, 10), p))
	})
}

const profileSelect = `SELECT u.id AS user_id, u.full_name, coalesce(u.organisation_id, 0) AS organisation_id, coalesce(o.name, '') AS organisation,
	coalesce(p.gender, '') AS gender, coalesce(p.college, 'professional') AS college, coalesce(p.qualified_for, '{}') AS qualified_for
	FROM users u LEFT JOIN jury_profiles p ON p.user_id = u.id LEFT JOIN organisations o ON o.id = u.organisation_id`

// Pool lists the active users with the jury member role.
func (s *Store) Pool(ctx context.Context) ([]Profile, error) {
	var out []Profile
	err := s.db.SelectContext(ctx, &out, profileSelect+`
		WHERE NOT u.disabled AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'jury_member') ORDER BY u.full_name`)
	return out, err
}

// Member is a member of one session.
type Member struct {
	Profile
	SessionCollege College `db:"session_college" json:"session_college"`
	IsChair        bool    `db:"is_chair" json:"is_chair"`
}

// Members lists a session's members, chair first.
func (s *Store) Members(ctx context.Context, sessionID int64) ([]Member, error) {
	var out []Member
	err := s.db.SelectContext(ctx, &out, `SELECT u.id AS user_id, u.full_name, coalesce(u.organisation_id, 0) AS organisation_id,
		coalesce(o.name, '') AS organisation, coalesce(p.gender, '') AS gender, coalesce(p.college, 'professional') AS college,
		coalesce(p.qualified_for, '{}') AS qualified_for, m.college AS session_college, m.is_chair
		FROM jury_members m JOIN users u ON u.id = m.user_id LEFT JOIN jury_profiles p ON p.user_id = u.id
		LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE m.session_id = $1 ORDER BY m.is_chair DESC, u.full_name`, sessionID)
	return out, err
}

// AddMember puts a pool member on a session, optionally as its chair
// (présidence, with the casting vote). A member already on the session is
// refused, and so is a second chair: handing the présidence over is its own
// action (SetChair), which says who loses it.
func (s *Store) AddMember(ctx context.Context, actor audit.Actor, sessionID, userID int64, chair bool) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		st, err := lockUnsigned(ctx, tx, sessionID, "UPDATE")
		if err != nil {
			return err
		}
		if st != Planned && st != Open {
			return invalid("member", "La composition ne change plus une fois la délibération commencée.")
		}
		var p Profile
		if err := tx.GetContext(ctx, &p, profileSelect+` WHERE u.id = $1 AND NOT u.disabled
			AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'jury_member')`, userID); err != nil {
			return invalid("member", "Cette personne n'est pas dans le vivier du jury.")
		}
		var already bool
		if err := tx.GetContext(ctx, &already, `SELECT EXISTS (SELECT 1 FROM jury_members WHERE session_id = $1 AND user_id = $2)`, sessionID, userID); err != nil {
			return err
		}
		if already {
			return invalid("member", "%s est déjà membre de cette session.", p.Name)
		}
		if chair {
			if current, err := chairOf(ctx, tx, sessionID); err != nil {
				return err
			} else if current != "" {
				return invalid("member", "La présidence est déjà confiée à %s. Ajoutez %s comme membre, puis confiez-lui la présidence : %s la perdra.", current, p.Name, current)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jury_members (session_id, user_id, college, is_chair) VALUES ($1, $2, $3, $4)`,
			sessionID, userID, p.College, chair); err != nil {
			return err
		}
		if err := notifyMember(ctx, tx, sessionID, userID, chair); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.member_add", "jury_session", strconv.FormatInt(sessionID, 10),
			map[string]any{"user_id": userID, "chair": chair, "college": p.College}))
	})
}

// chairOf names the session's chair, or "" when it has none.
func chairOf(ctx context.Context, tx *sqlx.Tx, sessionID int64) (string, error) {
	var names []string
	err := tx.SelectContext(ctx, &names, `SELECT u.full_name FROM jury_members m JOIN users u ON u.id = m.user_id WHERE m.session_id = $1 AND m.is_chair`, sessionID)
	if err != nil || len(names) == 0 {
		return "", err
	}
	return names[0], nil
}

// ChairChange says who had the présidence and who has it now.
type ChairChange struct {
	From string // "" when the session had no chair
	To   string
}

// SetChair hands the présidence to a member of the session, before the
// deliberation; the member who held it stays on the jury as a member. The
// change, with both names, is audited.
func (s *Store) SetChair(ctx context.Context, actor audit.Actor, sessionID, userID int64) (ChairChange, error) {
	var out ChairChange
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		st, err := lockUnsigned(ctx, tx, sessionID, "UPDATE")
		if err != nil {
			return err
		}
		if st != Planned && st != Open {
			return invalid("chair", "La présidence ne change plus une fois la délibération commencée.")
		}
		var m struct {
			Name    string `db:"full_name"`
			IsChair bool   `db:"is_chair"`
		}
		if err := tx.GetContext(ctx, &m, `SELECT u.full_name, m.is_chair FROM jury_members m JOIN users u ON u.id = m.user_id
			WHERE m.session_id = $1 AND m.user_id = $2`, sessionID, userID); err != nil {
			return invalid("chair", "Cette personne n'est pas membre de la session : ajoutez-la d'abord.")
		}
		if m.IsChair {
			return invalid("chair", "%s assure déjà la présidence.", m.Name)
		}
		if out.From, err = chairOf(ctx, tx, sessionID); err != nil {
			return err
		}
		out.To = m.Name
		if _, err := tx.ExecContext(ctx, `UPDATE jury_members SET is_chair = false WHERE session_id = $1 AND is_chair`, sessionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jury_members SET is_chair = true WHERE session_id = $1 AND user_id = $2`, sessionID, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.chair_change", "jury_session", strconv.FormatInt(sessionID, 10),
			map[string]any{"user_id": userID, "from": out.From, "to": out.To}))
	})
	return out, err
}

// RemoveMember takes a member off a session while it is still planned
// (scoring not open): their evaluator assignments go with them, which the
// opening's check of two evaluators per candidacy then catches. Audited
// with the assignments removed.
func (s *Store) RemoveMember(ctx context.Context, actor audit.Actor, sessionID, userID int64) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		st, err := lockUnsigned(ctx, tx, sessionID, "UPDATE")
		if err != nil {
			return err
		}
		if st != Planned {
			return invalid("member", "Un membre ne peut plus être retiré une fois l'évaluation ouverte.")
		}
		var m struct {
			Name    string `db:"full_name"`
			IsChair bool   `db:"is_chair"`
		}
		if err := tx.GetContext(ctx, &m, `SELECT u.full_name, m.is_chair FROM jury_members m JOIN users u ON u.id = m.user_id
			WHERE m.session_id = $1 AND m.user_id = $2`, sessionID, userID); err != nil {
			return invalid("member", "Cette personne n'est pas membre de la session.")
		}
		var candidacies []int64
		if err := tx.SelectContext(ctx, &candidacies, `DELETE FROM jury_evaluators WHERE session_id = $1 AND evaluator_id = $2 RETURNING candidacy_id`,
			sessionID, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM jury_members WHERE session_id = $1 AND user_id = $2`, sessionID, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("jury.member_remove", "jury_session", strconv.FormatInt(sessionID, 10),
			map[string]any{"user_id": userID, "name": m.Name, "was_chair": m.IsChair, "evaluator_of": candidacies}))
	})
}

// Composition is the result of checking a session's composition.
type Composition struct {
	Problems []string // each refuses the opening
	Warnings []string // shown, not blocking
	Women    int
	Men      int
}

// OK reports whether the session may open.
func (c Composition) OK() bool { return len(c.Problems) == 0 }

// CheckComposition applies the rules of décret 2024-332 (art. D6412-6 du
// code du travail) and the certifier's: at least two members, at least one
// qualified for the certification, one chair; gender balance is shown,
// with a warning when unbalanced.
func CheckComposition(certCode string, members []Member) Composition {
	var c Composition
	if len(members) < 2 {
		c.Problems = append(c.Problems, fmt.Sprintf("Le jury doit compter au moins deux membres (il en a %d).", len(members)))
	}
	qualified, chairs := 0, 0
	for _, m := range members {
		for _, q := range m.QualifiedFor {
			if q == certCode {
				qualified++
				break
			}
		}
		if m.IsChair {
			chairs++
		}
		switch m.Gender {
		case "F":
			c.Women++
		case "M":
			c.Men++
		}
	}
	if qualified == 0 {
		c.Problems = append(c.Problems, "Au moins un membre doit être qualifié pour la certification (titulaire ou professionnel du métier).")
	}
	if chairs != 1 {
		c.Problems = append(c.Problems, "Le jury doit avoir un président, qui a voix prépondérante.")
	}
	if len(members) >= 2 && (c.Women == 0 || c.Men == 0 || abs(c.Women-c.Men) > 1) {
		c.Warnings = append(c.Warnings, fmt.Sprintf("Composition déséquilibrée : %d femme(s), %d homme(s).", c.Women, c.Men))
	}
	return c
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Open checks the composition and every assignment, then opens the
// session to scoring.
func (s *Store) Open(ctx context.Context, actor audit.Actor, sessionID int64) (Composition, error) {
	sess, err := s.Session(ctx, sessionID)
	if err != nil {
		return Composition{}, err
	}
	members, err := s.Members(ctx, sessionID)
	if err != nil {
		return Composition{}, err
	}
	comp := CheckComposition(sess.CertificationCode, members)
	if !comp.OK() {
		return comp, invalid("composition", "%s", comp.Problems[0])
	}
	var thin int
	if err := s.db.GetContext(ctx, &thin, `SELECT count(*) FROM jury_assignments a WHERE a.session_id = $1
		AND (SELECT count(*) FROM jury_evaluators e WHERE e.session_id = a.session_id AND e.candidacy_id = a.candidacy_id) < 2`, sessionID); err != nil {
		return comp, err
	}
	if thin > 0 {
		return comp, invalid("assignments", "Chaque candidature doit être évaluée par au moins deux membres (%d ne l'est pas).", thin)
	}
	return comp, db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		return setStatus(ctx, tx, actor, sessionID, Planned, Open)
	})
}
