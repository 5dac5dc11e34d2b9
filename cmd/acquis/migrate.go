package main

import "context"

func runMigrate(ctx context.Context, args []string) error {
	cfg, log, err := loadConfig("migrate", args)
	if err != nil {
		return err
	}
	e, err := openEnv(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer e.close()
	log.Info("schéma à jour")
	return nil
}
