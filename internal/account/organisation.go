package account

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/geo"
)

// OrgKind is the kind of an organisation.
type OrgKind string

// The kinds of organisation.
const (
	OrgCertifier    OrgKind = "certifier"
	OrgPlatform     OrgKind = "platform"
	OrgTrainingBody OrgKind = "training_body"
	OrgEmployer     OrgKind = "employer"
)

// OrgKinds lists the kinds in the order forms show them.
var OrgKinds = []OrgKind{OrgCertifier, OrgPlatform, OrgTrainingBody, OrgEmployer}

// Label is the kind's French name.
func (k OrgKind) Label() string {
	switch k {
	case OrgCertifier:
		return "Certificateur"
	case OrgPlatform:
		return "Plateforme départementale d'emploi accompagné"
	case OrgTrainingBody:
		return "Organisme de formation"
	case OrgEmployer:
		return "Employeur"
	}
	return string(k)
}

// Organisation is a certifier, a platform, a training body or an employer.
type Organisation struct {
	ID              int64     `db:"id" json:"id"`
	Kind            OrgKind   `db:"kind" json:"kind"`
	Name            string    `db:"name" json:"name"`
	DepartementCode string    `db:"departement_code" json:"departement_code,omitempty"`
	RegionCode      string    `db:"region_code" json:"region_code,omitempty"`
	SIRET           string    `db:"siret" json:"siret,omitempty"`
	CreatedAt       time.Time `db:"created_at" json:"created_at"`
	// LeadName is the platform's chef de file, when it has one.
	LeadName string `db:"lead_name" json:"lead_name,omitempty"`
}

// DepartementName is the département's name, for display.
func (o Organisation) DepartementName() string {
	d, _ := geo.DepartementByCode(o.DepartementCode)
	return d.Name
}

// RegionName is the région's name, for display.
func (o Organisation) RegionName() string {
	r, _ := geo.RegionByCode(o.RegionCode)
	return r.Name
}

// NewOrganisation is what a form or the demo gives to create one.
type NewOrganisation struct {
	Kind            OrgKind
	Name            string
	DepartementCode string
	SIRET           string
	// LeadID, for a platform, is the organisation that carries it (chef de
	// file); CoPorteurIDs are the others.
	LeadID       int64
	CoPorteurIDs []int64
}

// Validate checks the fields and fills the région from the département.
func (n *NewOrganisation) Validate() (regionCode string, err error) {
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		return "", invalid("name", "le nom est obligatoire")
	}
	if len([]rune(n.Name)) > 200 {
		return "", invalid("name", "le nom ne peut dépasser 200 caractères")
	}
	valid := false
	for _, k := range OrgKinds {
		valid = valid || k == n.Kind
	}
	if !valid {
		return "", invalid("kind", "type d'organisation inconnu")
	}
	n.SIRET = strings.ReplaceAll(strings.TrimSpace(n.SIRET), " ", "")
	if n.SIRET != "" {
		if _, err := strconv.ParseUint(n.SIRET, 10, 64); err != nil || len(n.SIRET) != 14 {
			return "", invalid("siret", "le SIRET compte 14 chiffres")
		}
	}
	if n.DepartementCode == "" {
		if n.Kind == OrgPlatform {
			return "", invalid("departement", "une plateforme est rattachée à un département")
		}
		return "", nil
	}
	d, ok := geo.DepartementByCode(n.DepartementCode)
	if !ok {
		return "", invalid("departement", "département inconnu")
	}
	return d.RegionCode, nil
}

// CreateOrganisation stores an organisation (and a platform's partners).
func (s *Store) CreateOrganisation(ctx context.Context, actor audit.Actor, n NewOrganisation) (int64, error) {
	region, err := n.Validate()
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &id, `
			INSERT INTO organisations (kind, name, departement_code, region_code, siret)
			VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, ''), $5) RETURNING id`,
			n.Kind, n.Name, n.DepartementCode, region, n.SIRET)
		if db.IsUniqueViolation(err, "organisations_kind_name_key") {
			return invalid("name", "une organisation de ce type porte déjà ce nom")
		}
		if err != nil {
			return err
		}
		if n.Kind == OrgPlatform {
			if n.LeadID != 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO platform_partners (platform_id, organisation_id, is_lead) VALUES ($1, $2, true)`, id, n.LeadID); err != nil {
					return err
				}
			}
			for _, co := range n.CoPorteurIDs {
				if co == n.LeadID {
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO platform_partners (platform_id, organisation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, co); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, actor.Entry("organisation.create", "organisation", strconv.FormatInt(id, 10), map[string]any{
			"kind": n.Kind, "name": n.Name, "departement": n.DepartementCode, "lead_id": n.LeadID, "co_porteurs": n.CoPorteurIDs,
		}))
	})
	if err != nil {
		return 0, fmt.Errorf("account: create organisation: %w", err)
	}
	return id, nil
}

const orgColumns = `o.id, o.kind, o.name, coalesce(o.departement_code, '') AS departement_code,
	coalesce(o.region_code, '') AS region_code, o.siret, o.created_at,
	coalesce((SELECT l.name FROM platform_partners pp JOIN organisations l ON l.id = pp.organisation_id
	          WHERE pp.platform_id = o.id AND pp.is_lead), '') AS lead_name`

// Organisation returns one organisation.
func (s *Store) Organisation(ctx context.Context, id int64) (Organisation, error) {
	var o Organisation
	err := s.db.GetContext(ctx, &o, `SELECT `+orgColumns+` FROM organisations o WHERE o.id = $1`, id)
	if err != nil {
		return o, db.NotFound(err, ErrNotFound, "account")
	}
	return o, nil
}

// Organisations lists organisations, of one kind when kind is not empty.
func (s *Store) Organisations(ctx context.Context, kind OrgKind) ([]Organisation, error) {
	var out []Organisation
	err := s.db.SelectContext(ctx, &out, `SELECT `+orgColumns+` FROM organisations o
		WHERE ($1 = '' OR o.kind = $1) ORDER BY o.kind, coalesce(o.departement_code, ''), o.name`, string(kind))
	if err != nil {
		return nil, fmt.Errorf("account: organisations: %w", err)
	}
	return out, nil
}

// PlatformPartners lists the organisations that carry a platform, lead first.
func (s *Store) PlatformPartners(ctx context.Context, platformID int64) ([]Organisation, error) {
	var out []Organisation
	err := s.db.SelectContext(ctx, &out, `SELECT `+orgColumns+` FROM organisations o
		JOIN platform_partners pp ON pp.organisation_id = o.id
		WHERE pp.platform_id = $1 ORDER BY pp.is_lead DESC, o.name`, platformID)
	if err != nil {
		return nil, fmt.Errorf("account: partners: %w", err)
	}
	return out, nil
}
