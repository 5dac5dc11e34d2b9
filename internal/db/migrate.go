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
