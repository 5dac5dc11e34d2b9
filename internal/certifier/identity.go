// Package certifier holds the certifier's identity as its documents
// print it: name, postal address, logo, the signatory's name and function,
// and its registration reference. There is one identity per instance, set
// by the certifier's administrators and audited.
package certifier

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // or PNG
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/fielderr"
	"acquis/internal/frsize"
	"acquis/internal/referentiel"
)

// Limits of the logo: small enough to sit in every PDF without weighing
// on it, large enough for a sharp print at 30 mm.
const (
	MaxLogoBytes  = 512 << 10
	MaxLogoPixels = 2000
)

// Identity is what the documents say about who issues them.
type Identity struct {
	Name              string    `db:"name" json:"name"`
	Address           string    `db:"address" json:"address"`
	SignatoryName     string    `db:"signatory_name" json:"signatory_name"`
	SignatoryFunction string    `db:"signatory_function" json:"signatory_function"`
	RNCPReference     string    `db:"rncp_reference" json:"rncp_reference"`
	Logo              []byte    `db:"logo" json:"-"`
	LogoType          *string   `db:"logo_type" json:"logo_type"`
	UpdatedAt         time.Time `db:"updated_at" json:"-"`
}

// ErrNotSet is returned when no identity was ever saved.
var ErrNotSet = errors.New("certifier: identité non renseignée")

// Store reads and writes the identity.
type Store struct {
	db *sqlx.DB
	// refs names the certifier until the identity is set (Name).
	refs *referentiel.Store
}

// NewStore returns a store over d; refs are the référentiels, whose
// certifiers name it until its identity is set.
func NewStore(d *sqlx.DB, refs *referentiel.Store) *Store { return &Store{db: d, refs: refs} }

// Get returns the identity, or ErrNotSet.
func (s *Store) Get(ctx context.Context) (Identity, error) {
	var id Identity
	err := s.db.GetContext(ctx, &id, `SELECT name, address, signatory_name, signatory_function, rncp_reference, logo, logo_type, updated_at FROM certifier_identity WHERE id = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return id, ErrNotSet
	}
	if err != nil {
		return id, fmt.Errorf("certifier: lecture : %w", err)
	}
	return id, nil
}

// Save validates and stores the identity. A nil logo keeps the stored
// one unless removeLogo is set. The change is audited in the same
// transaction (the logo by its size and type, not its bytes).
func (s *Store) Save(ctx context.Context, by audit.Actor, id Identity, removeLogo bool) error {
	if err := id.normalise(); err != nil {
		return err
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var updatedBy *int64
	if by.UserID != 0 {
		updatedBy = &by.UserID
	}
	logoSet := id.Logo != nil
	_, err = tx.ExecContext(ctx, `INSERT INTO certifier_identity (id, name, address, signatory_name, signatory_function, rncp_reference, logo, logo_type, updated_at, updated_by)
		VALUES (1, $1, $2, $3, $4, $5, $6, $7, now(), $8)
		ON CONFLICT (id) DO UPDATE SET name = $1, address = $2, signatory_name = $3, signatory_function = $4, rncp_reference = $5,
		  logo = CASE WHEN $9 THEN $6 WHEN $10 THEN NULL ELSE certifier_identity.logo END,
		  logo_type = CASE WHEN $9 THEN $7 WHEN $10 THEN NULL ELSE certifier_identity.logo_type END,
		  updated_at = now(), updated_by = $8`,
		id.Name, id.Address, id.SignatoryName, id.SignatoryFunction, id.RNCPReference, id.Logo, id.LogoType, updatedBy, logoSet, removeLogo)
	if err != nil {
		return fmt.Errorf("certifier: enregistrement : %w", err)
	}
	change := map[string]any{"name": id.Name, "address": id.Address, "signatory_name": id.SignatoryName,
		"signatory_function": id.SignatoryFunction, "rncp_reference": id.RNCPReference}
	if logoSet {
		change["logo"] = fmt.Sprintf("%s, %d octets", *id.LogoType, len(id.Logo))
	} else if removeLogo {
		change["logo"] = "retiré"
	}
	if err := audit.Record(ctx, tx, by.Entry("certifier.identity.update", "certifier_identity", "1", change)); err != nil {
		return err
	}
	return tx.Commit()
}

// normalise trims the fields and checks them and the logo.
func (id *Identity) normalise() error {
	for _, f := range []struct {
		v        *string
		field    string
		label    string
		required bool
		max      int
	}{
		{&id.Name, "name", "Le nom du certificateur", true, 200},
		{&id.Address, "address", "L'adresse", false, 500},
		{&id.SignatoryName, "signatory_name", "Le nom du signataire", true, 120},
		{&id.SignatoryFunction, "signatory_function", "La fonction du signataire", true, 120},
		{&id.RNCPReference, "rncp_reference", "La référence d'enregistrement", false, 120},
	} {
		*f.v = strings.TrimSpace(strings.ReplaceAll(*f.v, "\r\n", "\n"))
		if f.required && *f.v == "" {
			return fielderr.New(f.field, f.label+" est obligatoire.")
		}
		if n := utf8.RuneCountInString(*f.v); n > f.max {
			return fielderr.New(f.field, fmt.Sprintf("%s dépasse %d caractères (%d).", f.label, f.max, n))
		}
		if !utf8.ValidString(*f.v) || strings.ContainsFunc(*f.v, func(r rune) bool { return r < 0x20 && r != '\n' }) {
			return fielderr.New(f.field, f.label+" contient des caractères de contrôle.")
		}
	}
	if id.Logo == nil {
		id.LogoType = nil
		return nil
	}
	t, err := CheckLogo(id.Logo)
	if err != nil {
		return err
	}
	id.LogoType = &t
	return nil
}

// CheckLogo accepts a PNG or JPEG image, recognised by its bytes and
// decodable, of at most MaxLogoBytes and MaxLogoPixels a side; it returns
// its media type.
func CheckLogo(b []byte) (string, error) {
	if len(b) == 0 {
		return "", fielderr.New("logo", "Le fichier du logo est vide.")
	}
	if len(b) > MaxLogoBytes {
		return "", fielderr.New("logo", fmt.Sprintf("Le logo pèse %s : 512 Ko au plus.", frsize.Format(int64(len(b)))))
	}
	mt := mimetype.Detect(b).String()
	if mt != "image/png" && mt != "image/jpeg" {
		return "", fielderr.New("logo", "Le logo doit être une image PNG ou JPEG (fichier reçu : "+mt+").")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return "", fielderr.New("logo", "Le logo est une image illisible ou abîmée.")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels {
		return "", fielderr.New("logo", fmt.Sprintf("Le logo mesure %d × %d pixels : %d au plus de côté.", cfg.Width, cfg.Height, MaxLogoPixels))
	}
	if _, _, err := image.Decode(bytes.NewReader(b)); err != nil {
		return "", fielderr.New("logo", "Le logo est une image illisible ou abîmée.")
	}
	return mt, nil
}

// Name is the certifier's name as it set its identity, read through q
// (a transaction, when a document being signed must name it), or "" when
// no identity is set yet. This package owns the table; others read it
// through here.
func Name(ctx context.Context, q sqlx.QueryerContext) (string, error) {
	var name string
	err := sqlx.GetContext(ctx, q, &name, `SELECT name FROM certifier_identity WHERE id = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("certifier: nom : %w", err)
	}
	return name, nil
}
