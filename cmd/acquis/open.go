package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/config"
	"acquis/internal/db"
	"acquis/internal/pgembed"
	"acquis/internal/referentiel"
	"acquis/referentiels"
)

// env bundles what every command needs once the database is up.
type env struct {
	cfg     config.Config
	log     *slog.Logger
	db      *sqlx.DB
	cluster *pgembed.Cluster
}

// close releases the pool, then stops the embedded cluster if there is one.
func (e *env) close() {
	if e.db != nil {
		e.db.Close()
	}
	if e.cluster != nil {
		if err := e.cluster.Stop(); err != nil {
			e.log.Error("arrêt de PostgreSQL", "err", err)
		}
	}
}

func newLogger(format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// loadConfig parses the command's flags over the environment.
func loadConfig(name string, args []string) (config.Config, *slog.Logger, error) {
	fs := flag.NewFlagSet("acquis "+name, flag.ContinueOnError)
	cfg, err := config.Load(fs, args, nil)
	if err != nil {
		return cfg, nil, fmt.Errorf("configuration : %w", err)
	}
	log := newLogger(cfg.LogFormat)
	slog.SetDefault(log)
	return cfg, log, nil
}

// role says which database role a command works as.
type role int

const (
	// asServer is the serving role: neither superuser nor owner.
	asServer role = iota
	// asOwner is the schema's owner: migrations and bulk maintenance
	// (the demo's loader analyses the tables it filled).
	asOwner
)

// openEnv starts (or reaches) the database, migrates it as the schema's
// owner, then connects as the role the command needs and loads the
// référentiels: the linear start-up every command shares.
func openEnv(ctx context.Context, cfg config.Config, log *slog.Logger, as role) (*env, error) {
	e := &env{cfg: cfg, log: log}
	// The audit key first: any command may write audit rows, and each
	// carries a MAC under it.
	key, err := audit.LoadKey(cfg.DataDir, cfg.AuditKey)
	if err != nil {
		return nil, err
	}
	audit.Configure(key, filepath.Join(cfg.DataDir, audit.HeadsFile))
	appDSN, ownerDSN := cfg.DatabaseURL, cfg.MigrateDatabaseURL
	if cfg.Embedded() {
		abs, err := filepath.Abs(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		// SyncLater: a new cluster's files reach the disk while it is
		// migrated; Durable below waits for them before anything else runs.
		c, err := pgembed.Start(ctx, pgembed.Options{DataDir: abs, Database: "acquis", Logger: log, Fsync: true, SyncLater: true})
		if err != nil {
			return nil, err
		}
		e.cluster = c
		appDSN, ownerDSN = c.AppDSN(), c.OwnerDSN()
		log.Info("base embarquée prête", "data_dir", abs, "duration", time.Since(start))
	}
	if err := e.open(ctx, appDSN, ownerDSN, as); err != nil {
		e.close()
		return nil, err
	}
	if err := loadReferentiels(ctx, e.db, log); err != nil {
		e.close()
		return nil, err
	}
	if e.cluster != nil {
		if err := e.cluster.Durable(ctx); err != nil {
			e.close()
			return nil, err
		}
	}
	return e, nil
}

// open migrates with the owner's URL when there is one, then connects as
// the command's role. Without the owner's URL the schema must already be
// up to date: the serving role cannot migrate it.
func (e *env) open(ctx context.Context, appDSN, ownerDSN string, as role) error {
	if ownerDSN != "" {
		if _, err := db.MigrateURL(ctx, ownerDSN, e.log); err != nil {
			return err
		}
		if as == asOwner {
			owner, err := db.Open(ctx, ownerDSN)
			if err != nil {
				return err
			}
			e.db = owner
			return nil
		}
	} else if as == asOwner && appDSN == "" {
		return errors.New("aucune URL de base : ACQUIS_MIGRATE_DATABASE_URL (propriétaire du schéma) est requise pour cette commande")
	}
	if appDSN == "" {
		return errors.New("ACQUIS_DATABASE_URL manque : l'URL du rôle de service (README, « Rôles de la base »)")
	}
	d, err := db.Open(ctx, appDSN)
	if err != nil {
		return err
	}
	e.db = d
	if ownerDSN == "" {
		pending, err := db.Pending(ctx, d)
		if err != nil {
			return err
		}
		if pending {
			return errors.New("le schéma de la base est plus ancien que ce binaire : lancez d'abord acquis migrate avec ACQUIS_MIGRATE_DATABASE_URL (propriétaire du schéma)")
		}
	}
	return db.CheckServingRole(ctx, d)
}

// loadReferentiels parses the embedded référentiels and stores any new
// version; a malformed file stops start-up with its file, line and reason.
func loadReferentiels(ctx context.Context, d *sqlx.DB, log *slog.Logger) error {
	certs, err := referentiel.ParseFS(referentiels.FS)
	if err != nil {
		return fmt.Errorf("référentiel invalide : %w", err)
	}
	res, err := referentiel.NewStore(d).Load(ctx, certs)
	if err != nil {
		return err
	}
	for _, r := range res {
		log.Info("référentiel chargé", "code", r.Code, "version", r.VersionID, "nouvelle_version", r.Created)
	}
	return nil
}

// withEnv is the shape of the maintenance commands: read the
// configuration, open (or start) the database, run fn, close.
func withEnv(ctx context.Context, name string, args []string, as role, fn func(e *env) error) error {
	cfg, log, err := loadConfig(name, args)
	if err != nil {
		return err
	}
	e, err := openEnv(ctx, cfg, log, as)
	if err != nil {
		return err
	}
	defer e.close()
	return fn(e)
}
