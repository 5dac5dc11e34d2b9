package main

import (
	"context"
	"errors"
)

// runMigrate applies the migrations as the schema's owner: the embedded
// cluster's acquis_owner, or ACQUIS_MIGRATE_DATABASE_URL for an external
// database (the serving role cannot change the schema).
func runMigrate(ctx context.Context, args []string) error {
	cfg, _, err := loadConfig("migrate", args)
	if err != nil {
		return err
	}
	if !cfg.Embedded() && cfg.MigrateDatabaseURL == "" {
		return errors.New("acquis migrate a besoin de l'URL du propriétaire du schéma : ACQUIS_MIGRATE_DATABASE_URL (README, « Rôles de la base »)")
	}
	return withEnv(ctx, "migrate", args, asOwner, func(e *env) error {
		e.log.Info("schéma à jour")
		return nil
	})
}
