package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// ServingRole is the role the migrations grant the server's privileges to
// (migrations/00012_roles_guards.sql). The server logs in as it, or as a
// login role member of it.
const ServingRole = "acquis_app"

// ErrPrivilegedRole means the server was given a connection that could
// bypass the database's guards.
var ErrPrivilegedRole = errors.New("rôle de base de données trop puissant pour servir")

// CheckServingRole refuses a connection whose role is a superuser (it
// could set session_replication_role = replica and skip every trigger) or
// the owner of the schema (it could drop or disable them), so the server
// only ever runs with the privileges the migrations granted. Migrations
// run apart, as the owner (`acquis migrate`).
func CheckServingRole(ctx context.Context, d *sqlx.DB) error {
	var r struct {
		User  string `db:"usr"`
		Super bool   `db:"super"`
		Owner bool   `db:"owner"`
	}
	err := d.GetContext(ctx, &r, `SELECT current_user AS usr,
		(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS super,
		EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		        WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owner`)
	if err != nil {
		return fmt.Errorf("db: rôle : %w", err)
	}
	switch {
	case r.Super:
		return fmt.Errorf("%w : %s est superutilisateur ; servez avec le rôle %s (README, « Rôles de la base »)", ErrPrivilegedRole, r.User, ServingRole)
	case r.Owner:
		return fmt.Errorf("%w : %s possède des tables du schéma ; servez avec le rôle %s et gardez le propriétaire pour acquis migrate (README, « Rôles de la base »)", ErrPrivilegedRole, r.User, ServingRole)
	}
	return nil
}
