package main

import "context"

func runMigrate(ctx context.Context, args []string) error {
	return withEnv(ctx, "migrate", args, func(e *env) error {
		e.log.Info("schéma à jour")
		return nil
	})
}
