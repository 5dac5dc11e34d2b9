package pgembed

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lib/pq"

	acqdb "acquis/internal/db"
)

// The two roles the embedded cluster creates, so that the zero-config
// default runs like a well-set external database: migrations run as
// OwnerRole, which owns the schema; the server runs as AppRole, which is
// neither superuser nor owner and holds only the privileges the migrations
// grant it (migrations/00012_roles_guards.sql). The superuser "postgres"
// stays for the launcher's own housekeeping.
const (
	OwnerRole = "acquis_owner"
	AppRole   = acqdb.ServingRole
)

// OwnerDSN is the DSN of the app's database as the schema owner, for
// migrations.
func (c *Cluster) OwnerDSN() string { return c.DSNAs(OwnerRole, c.opts.Database) }

// AppDSN is the DSN of the app's database as the serving role.
func (c *Cluster) AppDSN() string { return c.DSNAs(AppRole, c.opts.Database) }

// DSNAs is the DSN of database db as role. Authentication is "trust" on a
// socket only the cluster's system user may open (unix_socket_permissions
// 0700), so no password is involved.
func (c *Cluster) DSNAs(role, db string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", c.socketDir, port, role, db)
}

// EnsureRoles creates the owner and serving roles when missing and makes
// sure neither can do more than it should (an older acquis never created
// them; a hand-made one might be superuser).
func (c *Cluster) EnsureRoles(ctx context.Context) error {
	db, err := sql.Open("postgres", c.DSNFor("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	for _, r := range []string{OwnerRole, AppRole} {
		var exists bool
		if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, r).Scan(&exists); err != nil {
			return fmt.Errorf("pgembed: rôles : %w", err)
		}
		if !exists {
			_, err := db.ExecContext(ctx, "CREATE ROLE "+pq.QuoteIdentifier(r)+" LOGIN")
			if err != nil && !acqdb.IsCode(err, "42710") { // a concurrent creator won
				return fmt.Errorf("pgembed: création du rôle %s : %w", r, err)
			}
		}
		if _, err := db.ExecContext(ctx, "ALTER ROLE "+pq.QuoteIdentifier(r)+" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"); err != nil {
			return fmt.Errorf("pgembed: rôle %s : %w", r, err)
		}
	}
	return nil
}

// adoptDatabase gives the app's database, and every object of its public
// schema, to OwnerRole. A cluster created by an older acquis had them all
// owned by the superuser; on a new one this finds nothing to move. Table
// owners carry their serial sequences along, so sequences linked to a
// table are left to the ALTER TABLE.
func (c *Cluster) adoptDatabase(ctx context.Context, name string) error {
	admin, err := sql.Open("postgres", c.DSNFor("postgres"))
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+pq.QuoteIdentifier(name)+" OWNER TO "+OwnerRole); err != nil {
		return fmt.Errorf("pgembed: propriétaire de la base : %w", err)
	}
	db, err := sql.Open("postgres", c.DSNFor(name))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS obj, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
             AND c.relowner <> '`+OwnerRole+`'::regrole
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
           ORDER BY c.relkind <> 'r' LOOP
    EXECUTE format('ALTER %s %s OWNER TO `+OwnerRole+`',
      CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.obj);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS obj FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.proowner <> '`+OwnerRole+`'::regrole LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO `+OwnerRole+`', r.obj);
  END LOOP;
END $$`)
	if err != nil {
		return fmt.Errorf("pgembed: reprise des objets par %s : %w", OwnerRole, err)
	}
	return nil
}
