package pgembed

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestOlderClusterAdopted: a cluster an older acquis made has its schema
// owned by the superuser; on start the launcher creates the two roles and
// hands the database and its objects to the owner role, so migrations can
// run as it and the server as the serving role.
func TestOlderClusterAdopted(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(baseDir(t), "data")
	ctx := context.Background()
	c, err := Start(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	su, err := sql.Open("postgres", c.DSN())
	if err != nil {
		t.Fatal(err)
	}
	// As an older acquis left it: everything owned by postgres.
	for _, q := range []string{
		`ALTER DATABASE acquis OWNER TO postgres`,
		`CREATE TABLE old_table (id bigserial PRIMARY KEY)`,
		`CREATE VIEW old_view AS SELECT id FROM old_table`,
		`CREATE FUNCTION old_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
	} {
		if _, err := su.Exec(q); err != nil {
			t.Fatalf("%s : %v", q, err)
		}
	}
	su.Close()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c, err = Start(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	su, _ = sql.Open("postgres", c.DSN())
	defer su.Close()
	var owners string
	err = su.QueryRow(`SELECT string_agg(o, ',' ORDER BY o) FROM (
		SELECT c.relname || '=' || pg_get_userbyid(c.relowner) AS o FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'S')
		UNION ALL SELECT 'old_fn=' || pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'old_fn'
		UNION ALL SELECT 'db=' || pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'acquis') x`).Scan(&owners)
	want := "db=acquis_owner,old_fn=acquis_owner,old_table=acquis_owner,old_table_id_seq=acquis_owner,old_view=acquis_owner"
	if err != nil || owners != want {
		t.Fatalf("propriétaires : %q %v, attendu %q", owners, err, want)
	}
	var super bool
	if err := su.QueryRow(`SELECT bool_or(rolsuper) FROM pg_roles WHERE rolname IN ($1, $2)`, OwnerRole, AppRole).Scan(&super); err != nil || super {
		t.Fatalf("rôles superutilisateurs : %v %v", super, err)
	}
}
