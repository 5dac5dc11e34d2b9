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

// MigrateURL applies every pending migration through a pool of its own
// whose commits do not wait for the disk (synchronous_commit off), then
// waits once for all of them: on a new database each of the twenty-odd
// migrations otherwise waited for its own WAL flush, about half of the
// migrations' time on the first start. The result is as durable when it
// returns: the closing commit is synchronous, and a synchronous commit
// flushes the whole WAL before it. A crash before that loses at most the
// last migrations, whose goose rows go with them, so the next start
// applies them again. Each file still runs in its own transaction.
func MigrateURL(ctx context.Context, dsn string, log *slog.Logger) (applied int, err error) {
	d, err := Open(ctx, withSetting(dsn, "synchronous_commit", "off"))
	if err != nil {
		return 0, err
	}
	defer d.Close()
	if applied, err = Migrate(ctx, d, log); err != nil || applied == 0 {
		return applied, err
	}
	return applied, flushWAL(ctx, d)
}

// flushWAL commits, synchronously, a transaction that writes WAL, which
// flushes every WAL record written before it. It must write some: a
// transaction that only took an id commits without waiting, whatever
// synchronous_commit says. A transactional logical-decoding message is a
// WAL record and nothing else; where a managed service refuses it, the
// last goose row is rewritten as it is, which the schema's owner may
// always do.
func flushWAL(ctx context.Context, d *sqlx.DB) error {
	err := syncCommit(ctx, d, `SELECT pg_logical_emit_message(true, 'acquis', 'migrations')`)
	if err != nil {
		err = syncCommit(ctx, d, `UPDATE goose_db_version SET is_applied = is_applied WHERE id = (SELECT max(id) FROM goose_db_version)`)
	}
	if err != nil {
		return fmt.Errorf("db: migrate: écriture sur disque : %w", err)
	}
	return nil
}

// syncCommit runs one statement in a transaction committed synchronously.
func syncCommit(ctx context.Context, d *sqlx.DB, q string) error {
	return InTx(ctx, d, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, q)
		return err
	})
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
