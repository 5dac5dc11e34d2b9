package db_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
	"acquis/internal/pgembed"
)

// privateCluster starts a durable embedded cluster of the test's own
// (its WAL settings are changed below, which a shared server must not
// see) with two empty databases owned by the schema's owner.
func privateCluster(t *testing.T, names ...string) (*pgembed.Cluster, *sqlx.DB) {
	t.Helper()
	dir, err := os.MkdirTemp("", "acquis-migrate-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx := context.Background()
	c, err := pgembed.Start(ctx, pgembed.Options{DataDir: filepath.Join(dir, "data"), Database: "postgres", Fsync: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	admin, err := sqlx.Open("postgres", c.DSNFor("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	for _, n := range names {
		if _, err := admin.Exec(`CREATE DATABASE ` + n + ` OWNER ` + pgembed.OwnerRole); err != nil {
			t.Fatal(err)
		}
	}
	return c, admin
}

// TestMigrateURLDurableOnReturn: MigrateURL's migrations commit without
// waiting for the disk, so it must flush the WAL before it returns. The
// WAL writer is made to wait (10 s, 1 GB) so that only MigrateURL's own
// flush can have written the last migrations to disk.
func TestMigrateURLDurableOnReturn(t *testing.T) {
	t.Parallel()
	c, admin := privateCluster(t, "migrated")
	holdWALWriter(t, admin)
	migrateFlushed(t, c, admin)
}

// holdWALWriter makes the cluster's WAL writer wait (10 s, 1 GB), so that
// only an explicit flush can have written the last commits to disk.
func holdWALWriter(t *testing.T, admin *sqlx.DB) {
	t.Helper()
	for _, q := range []string{
		`ALTER SYSTEM SET wal_writer_delay = '10s'`,
		`ALTER SYSTEM SET wal_writer_flush_after = '1GB'`,
		`SELECT pg_reload_conf()`,
	} {
		if _, err := admin.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrateURLDurableWithoutLogicalMessages: a managed service may
// refuse pg_logical_emit_message; the flush then rewrites the last goose
// row as it is, and the result is as durable and as complete.
func TestMigrateURLDurableWithoutLogicalMessages(t *testing.T) {
	t.Parallel()
	c, admin := privateCluster(t, "migrated")
	// pg_proc is per database: revoke in the one migrated.
	super, err := sqlx.Open("postgres", c.DSNFor("migrated"))
	if err != nil {
		t.Fatal(err)
	}
	defer super.Close()
	if _, err := super.Exec(`REVOKE EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) FROM PUBLIC`); err != nil {
		t.Fatal(err)
	}
	holdWALWriter(t, admin)
	migrateFlushed(t, c, admin)
	owner, err := db.Open(context.Background(), c.DSNAs(pgembed.OwnerRole, "migrated"))
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	var rows, applied int
	if err := owner.QueryRow(`SELECT count(*), count(*) FILTER (WHERE is_applied) FROM goose_db_version`).Scan(&rows, &applied); err != nil || rows != applied {
		t.Fatalf("goose : %d lignes, %d appliquées (%v)", rows, applied, err)
	}
}

// migrateFlushed runs MigrateURL on the cluster's "migrated" database and
// checks that every WAL record written so far is on disk when it returns.
func migrateFlushed(t *testing.T, c *pgembed.Cluster, admin *sqlx.DB) {
	t.Helper()
	ctx := context.Background()
	n, err := db.MigrateURL(ctx, c.DSNAs(pgembed.OwnerRole, "migrated"), nil)
	if err != nil || n == 0 {
		t.Fatalf("MigrateURL : %d migrations, %v", n, err)
	}
	var flushed bool
	var insert, flush string
	if err := admin.QueryRow(`SELECT pg_current_wal_flush_lsn() >= pg_current_wal_insert_lsn(),
		pg_current_wal_insert_lsn()::text, pg_current_wal_flush_lsn()::text`).Scan(&flushed, &insert, &flush); err != nil {
		t.Fatal(err)
	}
	if !flushed {
		t.Fatalf("MigrateURL rend la main avant que ses migrations soient sur disque (WAL écrit jusqu'à %s, sur disque jusqu'à %s)", insert, flush)
	}
	if n, err := db.MigrateURL(ctx, c.DSNAs(pgembed.OwnerRole, "migrated"), nil); err != nil || n != 0 {
		t.Fatalf("second MigrateURL : %d migrations, %v", n, err)
	}
}

// TestMigrateURLSameSchema: the faster path builds the very schema that
// Migrate (one durable commit per file) builds.
func TestMigrateURLSameSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, _ := privateCluster(t, "one", "other")
	if _, err := db.MigrateURL(ctx, c.DSNAs(pgembed.OwnerRole, "one"), nil); err != nil {
		t.Fatal(err)
	}
	other, err := db.Open(ctx, c.DSNAs(pgembed.OwnerRole, "other"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := db.Migrate(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	one, err := db.Open(ctx, c.DSNAs(pgembed.OwnerRole, "one"))
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	a, b := schemaOf(t, one), schemaOf(t, other)
	if a != b || len(a) < 1000 {
		t.Fatalf("schémas différents (%d et %d caractères)", len(a), len(b))
	}
}

// schemaOf describes the public schema: columns, constraints, indexes,
// triggers, functions, views, grants and the migrations recorded.
func schemaOf(t *testing.T, d *sqlx.DB) string {
	t.Helper()
	var s string
	err := d.Get(&s, `SELECT concat_ws(E'\n',
  (SELECT string_agg(format('%s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
          pg_get_expr(d.adbin, d.adrelid)), E'\n' ORDER BY c.relname, a.attnum)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped),
  (SELECT string_agg(format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid)), E'\n' ORDER BY conrelid::regclass::text, conname)
     FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
  (SELECT string_agg(indexdef, E'\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public'),
  (SELECT string_agg(pg_get_triggerdef(oid), E'\n' ORDER BY tgrelid::regclass::text, tgname) FROM pg_trigger WHERE NOT tgisinternal),
  (SELECT string_agg(pg_get_functiondef(p.oid), E'\n' ORDER BY p.proname) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace),
  (SELECT string_agg(format('%s %s', viewname, definition), E'\n' ORDER BY viewname) FROM pg_views WHERE schemaname = 'public'),
  (SELECT string_agg(format('%s %s', c.relname, c.relacl), E'\n' ORDER BY c.relname) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace),
  (SELECT string_agg(version_id::text, ',' ORDER BY version_id) FROM goose_db_version WHERE is_applied))`)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
