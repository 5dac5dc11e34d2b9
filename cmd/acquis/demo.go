package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"acquis/internal/blob"
	"acquis/internal/config"
	"acquis/internal/demo"
)

func runDemo(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("acquis demo", flag.ContinueOnError)
	scale := fs.String("scale", "", "« national » : ajoute dix ans d'historique de jurys à l'échelle nationale")
	cfg, err := config.Load(fs, args, nil)
	if err != nil {
		return fmt.Errorf("configuration : %w", err)
	}
	if *scale != "" && *scale != "national" {
		return errors.New("--scale n'accepte que « national »")
	}
	e, err := openEnv(ctx, cfg, newLogger(cfg.LogFormat), asOwner)
	if err != nil {
		return err
	}
	defer e.close()
	blobs, err := blob.OpenURL(ctx, cfg.BlobURL, filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		return err
	}
	res, err := demo.Load(ctx, e.db, blobs)
	if err != nil {
		return err
	}
	demo.Print(os.Stdout, res)
	if *scale == "national" {
		st, err := demo.LoadNationalHistory(ctx, e.db, os.Stderr)
		if err != nil {
			return err
		}
		fmt.Printf("\nHistorique national : %d sessions, %d candidatures, %d décisions de bloc, %d verdicts, %d certificats, en %s.\n",
			st.Sessions, st.Candidacies, st.BlockDecisions, st.Verdicts, st.Certificates, st.Took.Round(1e9))
	}
	return nil
}
