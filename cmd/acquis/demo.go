package main

import (
	"context"
	"os"
	"path/filepath"

	"acquis/internal/blob"

	"acquis/internal/demo"
)

func runDemo(ctx context.Context, args []string) error {
	cfg, log, err := loadConfig("demo", args)
	if err != nil {
		return err
	}
	e, err := openEnv(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer e.close()
	blobs, err := blob.Open(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		return err
	}
	res, err := demo.Load(ctx, e.db, blobs)
	if err != nil {
		return err
	}
	demo.Print(os.Stdout, res)
	return nil
}
