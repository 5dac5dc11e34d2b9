package db

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"acquis/migrations"
)

// Migrate applies every pending migration. A PostgreSQL advisory lock held
// for the whole run makes two instances starting at once take turns instead
// of racing on the same DDL; goose wraps each file in a transaction.
func Migrate(ctx context.Context, d *sqlx.DB, log *slog.Logger) (applied int, err error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return 0, fmt.Errorf("db: migrate lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, d.DB, migrations.FS,
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return 0, fmt.Errorf("db: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("db: migrate: %w", err)
	}
	for _, r := range results {
		if log != nil {
			log.Info("migration appliquée", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
		}
	}
	return len(results), nil
}

// Pending reports whether migrations remain to apply. It only reads the
// migrations' bookkeeping, so the serving role may call it to refuse to
// run on a schema older than the binary.
func Pending(ctx context.Context, d *sqlx.DB) (bool, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, d.DB, migrations.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return false, fmt.Errorf("db: migrate: %w", err)
	}
	return p.HasPending(ctx)
}
