package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jmoiron/sqlx"

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

// openEnv starts (or reaches) the database, migrates it and loads the
// référentiels: the linear start-up every command shares.
func openEnv(ctx context.Context, cfg config.Config, log *slog.Logger) (*env, error) {
	e := &env{cfg: cfg, log: log}
	dsn := cfg.DatabaseURL
	if dsn == "" {
		abs, err := filepath.Abs(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		c, err := pgembed.Start(ctx, pgembed.Options{DataDir: abs, Database: "acquis", Logger: log, Fsync: true})
		if err != nil {
			return nil, err
		}
		e.cluster = c
		dsn = c.DSN()
		log.Info("base embarquée prête", "data_dir", abs, "duration", time.Since(start))
	}
	d, err := db.Open(ctx, dsn)
	if err != nil {
		e.close()
		return nil, err
	}
	e.db = d
	if _, err := db.Migrate(ctx, d, log); err != nil {
		e.close()
		return nil, err
	}
	if err := loadReferentiels(ctx, d, log); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
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
func withEnv(ctx context.Context, name string, args []string, fn func(e *env) error) error {
	cfg, log, err := loadConfig(name, args)
	if err != nil {
		return err
	}
	e, err := openEnv(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer e.close()
	return fn(e)
}
