// Package accrochage builds the flow through which a certifier declares
// to the Caisse des Dépôts the people it certified (« accrochage » to the
// CPF and the passeport de compétences), format cdc-accrochage 1.1.2,
// namespace urn:cdc:cpf:pc5:schema:1.0.0. It also keeps the civil status
// that flow asks for, collected on the candidate's own profile.
package accrochage

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/fielderr"
	"acquis/internal/geo"
)

// Purpose is said beside the form: why acquis asks for a civil status.
const Purpose = "Ces informations servent uniquement à déclarer votre certification à la Caisse des Dépôts, qui l'inscrit sur votre compte personnel de formation (CPF) et votre passeport de compétences. Elles doivent être celles de votre état civil. Elles ne sont transmises à personne d'autre et sont effacées avec votre compte."

// CivilStatus is what the flow's « titulaire » needs.
type CivilStatus struct {
	UserID       int64     `db:"user_id"`
	BirthName    string    `db:"birth_name"`
	UsageName    string    `db:"usage_name"`
	FirstName1   string    `db:"first_name1"`
	FirstName2   string    `db:"first_name2"`
	FirstName3   string    `db:"first_name3"`
	BirthDate    time.Time `db:"birth_date"`
	Sex          string    `db:"sex"`
	BirthINSEE   string    `db:"birth_insee"`
	BirthCommune string    `db:"birth_commune"`
}

// Abroad tells a birth abroad: the INSEE code of a foreign country, 99
// then three digits (the country list is not embedded, so any is taken).
func Abroad(code string) bool {
	return len(code) == 5 && strings.HasPrefix(code, "99") && geo.IsCommuneCode(code)
}

// Validate checks a civil status against what the flow accepts.
func (c *CivilStatus) Validate(today time.Time) error {
	trim := func(s *string) { *s = strings.Join(strings.Fields(*s), " ") }
	for _, p := range []*string{&c.BirthName, &c.UsageName, &c.FirstName1, &c.FirstName2, &c.FirstName3, &c.BirthCommune} {
		trim(p)
	}
	c.BirthINSEE = strings.ToUpper(strings.TrimSpace(c.BirthINSEE))
	long := func(field, v string) error {
		if utf8.RuneCountInString(v) > 60 {
			return fielderr.New(field, "60 caractères au plus.")
		}
		return nil
	}
	switch {
	case c.BirthName == "":
		return fielderr.New("birth_name", "Le nom de naissance est obligatoire.")
	case c.FirstName1 == "":
		return fielderr.New("first_name1", "Le premier prénom est obligatoire.")
	case c.FirstName1 != "" && c.FirstName2 == "" && c.FirstName3 != "":
		return fielderr.New("first_name2", "Renseignez le deuxième prénom avant le troisième.")
	case c.BirthDate.IsZero() || c.BirthDate.Year() < 1900 || c.BirthDate.After(today.AddDate(-14, 0, 0)):
		return fielderr.New("birth_date", "Date de naissance invalide.")
	case c.Sex != "M" && c.Sex != "F":
		return fielderr.New("sex", "Indiquez le sexe tel qu'il figure à l'état civil (M ou F), comme le demande la Caisse des Dépôts.")
	case !geo.IsCommuneCode(c.BirthINSEE):
		return fielderr.New("birth_insee", "Code INSEE de la commune de naissance : 5 caractères, par exemple 35238 pour Rennes ou 2A004 pour Ajaccio (99xxx pour une naissance à l'étranger).")
	case !Abroad(c.BirthINSEE) && !geo.CommuneKnown(c.BirthINSEE):
		return fielderr.New("birth_insee", "Le code "+c.BirthINSEE+" n'est celui d'aucune commune de la liste officielle (INSEE) : choisissez votre commune de naissance par son nom ou son code postal.")
	}
	for f, v := range map[string]string{"birth_name": c.BirthName, "usage_name": c.UsageName, "first_name1": c.FirstName1, "first_name2": c.FirstName2, "first_name3": c.FirstName3, "birth_commune": c.BirthCommune} {
		if err := long(f, v); err != nil {
			return err
		}
	}
	return nil
}

// Store reads and writes civil statuses and builds flows.
type Store struct{ db *sqlx.DB }

// NewStore returns a Store on d.
func NewStore(d *sqlx.DB) *Store { return &Store{db: d} }

const civilColumns = `user_id, birth_name, usage_name, first_name1, first_name2, first_name3, birth_date, sex, birth_insee, birth_commune`

// CivilStatus returns the user's civil status, or nil when not given.
func (s *Store) CivilStatus(ctx context.Context, userID int64) (*CivilStatus, error) {
	var c CivilStatus
	err := s.db.GetContext(ctx, &c, `SELECT `+civilColumns+` FROM civil_status WHERE user_id = $1`, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &c, err
}

// SaveCivilStatus validates and stores (or replaces) a civil status,
// audited without its content: the log must not become a copy of it.
func (s *Store) SaveCivilStatus(ctx context.Context, actor audit.Actor, c CivilStatus, today time.Time) error {
	if err := c.Validate(today); err != nil {
		return err
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO civil_status (`+civilColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (user_id) DO UPDATE SET birth_name = EXCLUDED.birth_name, usage_name = EXCLUDED.usage_name, first_name1 = EXCLUDED.first_name1,
			first_name2 = EXCLUDED.first_name2, first_name3 = EXCLUDED.first_name3, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex,
			birth_insee = EXCLUDED.birth_insee, birth_commune = EXCLUDED.birth_commune, updated_at = now()`,
			c.UserID, c.BirthName, c.UsageName, c.FirstName1, c.FirstName2, c.FirstName3, c.BirthDate, c.Sex, c.BirthINSEE, c.BirthCommune); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("civil_status.saved", "user", strconv.FormatInt(c.UserID, 10), nil))
	})
}
