package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/config"
	"acquis/internal/fielderr"
	"acquis/internal/staff"
)

const planUsage = `Usage : acquis plan freeze --year AAAA [--correction "motif"]

Arrête au 31 décembre les chiffres du suivi annuel (nombre de professionnels
titulaires du titre, plan de professionnalisation) de chaque plateforme,
région et de la nation pour une année terminée. Une année n'est arrêtée
qu'une fois ; --correction enregistre une correction, motivée, qui
s'affiche comme telle (les premiers chiffres restent conservés). Le serveur
arrête de lui-même l'année écoulée au premier passage après le 31 décembre.`

// runPlan is `acquis plan freeze`: the annual indicator frozen by hand
// (a year the server did not freeze, or a correction with its reason).
func runPlan(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "freeze" {
		return usageError{planUsage}
	}
	fs := flag.NewFlagSet("acquis plan freeze", flag.ContinueOnError)
	year := fs.Int("year", 0, "année terminée à arrêter, AAAA")
	correction := fs.String("correction", "", "motif d'une correction d'une année déjà arrêtée")
	cfg, err := config.Load(fs, args[1:], nil)
	if err != nil {
		return err
	}
	if *year == 0 {
		return usageError{"--year est obligatoire\n\n" + planUsage}
	}
	e, err := openEnv(ctx, cfg, newLogger(cfg.LogFormat), asServer)
	if err != nil {
		return err
	}
	defer e.close()
	platforms, err := account.NewStore(e.db).Organisations(ctx, account.OrgPlatform)
	if err != nil {
		return err
	}
	if _, err := staff.NewStore(e.db).Freeze(ctx, audit.Actor{Role: "cli"}, platforms, *year, *correction); err != nil {
		var ve *fielderr.Error
		if errors.As(err, &ve) {
			return usageError{ve.Message}
		}
		return err
	}
	what := "arrêtée"
	if *correction != "" {
		what = "corrigée"
	}
	fmt.Printf("Année %d %s au 31 décembre pour %d plateforme(s), leurs régions et la nation.\n", *year, what, len(platforms))
	return nil
}
