package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"acquis/internal/audit"
	"acquis/internal/config"
	"acquis/internal/db"
	"acquis/internal/pgembed"
)

// TestEmbeddedServesAsServingRole: with nothing configured, acquis
// migrates as the owner and serves as acquis_app, which cannot switch the
// triggers off; given the owner's URL to serve with, it refuses to start.
// The audit key is created in the data dir, readable by its owner only.
func TestEmbeddedServesAsServingRole(t *testing.T) {
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DataDir = dataDir(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := openEnv(ctx, cfg, log, asServer)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	var who struct {
		User  string `db:"usr"`
		Super bool   `db:"rolsuper"`
	}
	if err := e.db.Get(&who, `SELECT current_user AS usr, rolsuper FROM pg_roles WHERE rolname = current_user`); err != nil {
		t.Fatal(err)
	}
	if who.User != pgembed.AppRole || who.Super {
		t.Fatalf("acquis sert en %+v", who)
	}
	if _, err := e.db.Exec(`SET session_replication_role = replica`); err == nil {
		t.Fatal("le serveur peut désactiver les déclencheurs")
	}
	var owner string
	if err := e.db.Get(&owner, `SELECT tableowner FROM pg_tables WHERE tablename = 'jury_minutes'`); err != nil || owner != pgembed.OwnerRole {
		t.Fatalf("propriétaire des tables : %q %v", owner, err)
	}
	st, err := os.Stat(filepath.Join(cfg.DataDir, audit.KeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("clé d'audit : %v %v", st, err)
	}
	// An external database served with the serving role's URL alone: the
	// schema is up to date (read by the serving role), the role accepted.
	ext := &env{cfg: cfg, log: log}
	if err := ext.open(ctx, e.cluster.AppDSN(), "", asServer); err != nil {
		t.Fatalf("service avec le rôle de service seul : %v", err)
	}
	ext.db.Close()
	// Given the owner's (or a superuser's) URL to serve with, it refuses.
	for _, dsn := range []string{e.cluster.OwnerDSN(), e.cluster.DSN()} {
		other := &env{cfg: cfg, log: log}
		err := other.open(ctx, dsn, "", asServer)
		if other.db != nil {
			other.db.Close()
		}
		if !errors.Is(err, db.ErrPrivilegedRole) {
			t.Errorf("service avec %s : %v", dsn, err)
		}
	}
}
