package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/config"
	"acquis/internal/staff"
	"acquis/internal/web"
)

// embeddedRestarts is how many times in a row serve tries to restart an
// embedded PostgreSQL that died.
const embeddedRestarts = 5

func runServe(ctx context.Context, args []string) error {
	cfg, log, err := loadConfig("serve", args)
	if err != nil {
		return err
	}
	start := time.Now()
	// Reserve the port first: a busy port should fail before the database
	// is started for nothing.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	e, err := openEnv(ctx, cfg, log, asServer)
	if err != nil {
		ln.Close()
		return err
	}
	defer e.close()
	blobs, err := blob.OpenURL(ctx, cfg.BlobURL, filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		ln.Close()
		return err
	}
	log.Info("stockage des fichiers", "où", blobs.Describe())
	if n := blobs.CleanedOrphans(); n > 0 {
		log.Warn("fichiers temporaires orphelins supprimés (envois interrompus)", "n", n)
	}
	deps := web.Deps{Config: cfg, DB: e.db, Log: log, Blobs: blobs}
	// The embedded PostgreSQL dying under the server is restarted a few
	// times; past that, serve exits non-zero for its supervisor to act.
	var dbFailed <-chan error
	if e.cluster != nil {
		dbFailed = e.cluster.Supervise(ctx, embeddedRestarts)
		deps.Embedded = e.cluster.Health
	}
	app, err := web.New(deps)
	if err != nil {
		ln.Close()
		return err
	}
	accounts := account.NewStore(e.db)
	if n, err := accounts.AdminCount(ctx); err == nil && n == 0 {
		fmt.Fprintln(os.Stderr, "acquis : aucun administrateur n'existe encore. Créez le premier avec :\n"+
			"  go run ./cmd/acquis user create --email vous@exemple.fr --name \"Prénom Nom\" --role admin\n"+
			"ou chargez la démonstration : go run ./cmd/acquis demo")
	}
	go housekeeping(ctx, accounts, staff.NewStore(e.db), cfg, log)
	go audit.RunSealer(ctx, e.db, time.Second, func(err error) { log.Error("scellement du journal d'audit", "err", err) })
	go app.RunMail(ctx)
	srv := app.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("acquis prêt", "url", "http://"+ln.Addr().String(), "startup", time.Since(start))
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		log.Info("arrêt demandé")
	case err := <-dbFailed:
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_ = app.Shutdown(shutdownCtx, srv)
		return fmt.Errorf("arrêt : %w", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return app.Shutdown(shutdownCtx, srv)
}

// housekeeping removes expired sessions every few minutes, and freezes
// the annual indicator of the year just ended on its first run after 31
// December (staff.FreezeDue); the app keeps no state in memory, so any
// instance may do it.
func housekeeping(ctx context.Context, accounts *account.Store, plan *staff.Store, cfg config.Config, log *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	lim := account.SessionLimits{Idle: cfg.SessionIdle, Lifetime: cfg.SessionLifetime}
	for {
		freezeDue(ctx, accounts, plan, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := accounts.DeleteExpiredSessions(ctx, lim); err != nil {
				log.Error("nettoyage des sessions", "err", err)
			} else if n > 0 {
				log.Info("sessions expirées supprimées", "n", n)
			}
		}
	}
}

// freezeDue freezes the year just ended if it is not yet.
func freezeDue(ctx context.Context, accounts *account.Store, plan *staff.Store, log *slog.Logger) {
	platforms, err := accounts.Organisations(ctx, account.OrgPlatform)
	if err == nil {
		var year int
		if year, err = plan.FreezeDue(ctx, platforms); year != 0 {
			log.Info("suivi annuel arrêté au 31 décembre", "année", year)
		}
	}
	if err != nil && ctx.Err() == nil {
		log.Error("arrêté annuel du plan", "err", err)
	}
}
