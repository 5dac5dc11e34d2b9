package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"acquis/internal/audit"
	"acquis/internal/referentiel"
)

const referentielUsage = `Usage : acquis referentiel load FICHIER.yaml [FICHIER.yaml …]

Installe un référentiel (par exemple produit par acquis import-rncp puis
complété de ses critères d'évaluation) sans reconstruire le binaire : le
fichier est vérifié aussi strictement que les référentiels intégrés, stocké
comme une version (repérée par l'empreinte de son contenu) et devient la
version en vigueur de sa certification. Les candidatures déjà ouvertes
gardent la version sur laquelle elles ont été ouvertes. L'installation est
inscrite au journal d'audit. Rien n'est écrit si un fichier est invalide.`

// runReferentiel installs référentiel files. Every file is parsed before
// anything is stored, so one bad file leaves the database as it was.
func runReferentiel(ctx context.Context, args []string) error {
	if len(args) < 2 || args[0] != "load" {
		return usageError{referentielUsage}
	}
	files := args[1:]
	certs := make([]*referentiel.Certification, len(files))
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("lecture de %s : %w", f, err)
		}
		if certs[i], err = referentiel.Parse(filepath.Base(f), data); err != nil {
			return fmt.Errorf("référentiel invalide, rien n'est installé : %w", err)
		}
	}
	return withEnv(ctx, "referentiel load", nil, asServer, func(e *env) error {
		store := referentiel.NewStore(e.db)
		for i, c := range certs {
			res, err := store.Install(ctx, c, audit.Actor{Role: "cli"}, filepath.Base(files[i]))
			if err != nil {
				return err
			}
			state := "déjà connue, remise en vigueur"
			if res.Created {
				state = "nouvelle"
			}
			fmt.Printf("%s : version %d en vigueur (%s), empreinte %s\n", c.Code, res.VersionID, state, c.ContentHash)
		}
		return nil
	})
}
