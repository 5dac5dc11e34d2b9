package main

import (
	"bufio"
	"context"
	"os"
	"path/filepath"

	"acquis/internal/rncp"
)

const importUsage = `Usage : acquis import-rncp EXPORT.xml RNCPxxxxx > referentiel.yaml

Lit l'export XML du RNCP de France Compétences (format v4.1), en flux, et
écrit la fiche demandée comme référentiel YAML : blocs, compétences et
modalités d'évaluation. Les critères d'évaluation, absents du RNCP, restent
à écrire par le certificateur avant de déposer le fichier dans referentiels/.`

func runImportRNCP(_ context.Context, args []string) error {
	if len(args) != 2 {
		return usageError{importUsage}
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	fiche, err := rncp.Find(bufio.NewReaderSize(f, 1<<20), args[1])
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	if err := rncp.YAML(out, fiche, filepath.Base(args[0])); err != nil {
		return err
	}
	return out.Flush()
}
