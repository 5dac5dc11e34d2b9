// Command acquis is the one binary of the application: it serves the web
// app and runs the maintenance commands (migrate, demo, import, export,
// user management).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `acquis — certification professionnelle et VAE

Usage :
  acquis serve      démarre l'application web (base embarquée si ACQUIS_DATABASE_URL est vide)
  acquis migrate    applique les migrations du schéma
  acquis version    affiche la version
  acquis user create --email … --role admin   crée un compte (le premier administrateur)
  acquis demo [--scale national]   charge des données de démonstration (à l'échelle nationale : dix ans d'historique)
  acquis export accrochage --from AAAA-MM-JJ --to AAAA-MM-JJ   flux d'accrochage Caisse des Dépôts sur la sortie standard
  acquis import-rncp EXPORT.xml RNCPxxxxx   fiche RNCP (export v4.1) en référentiel YAML à compléter
  acquis referentiel load FICHIER.yaml   installe un référentiel complété, sans reconstruire le binaire
  acquis audit verify   vérifie la chaîne du journal d'audit
  acquis keys rotate   nouvelles clés de signature (les anciennes restent publiées) ; acquis keys list
  acquis plan freeze --year AAAA [--correction "motif"]   arrête le suivi annuel au 31 décembre (plateformes, régions, nation)
  acquis documents verify   re-hache chaque fichier déposé et le compare à son empreinte (après une restauration)

Configuration : variables ACQUIS_DATABASE_URL, ACQUIS_ADDR, ACQUIS_DATA_DIR
(voir README.md) ; les options en ligne de commande les remplacent.
`

type command func(ctx context.Context, args []string) error

func commands() map[string]command {
	return map[string]command{
		"serve":       runServe,
		"migrate":     runMigrate,
		"version":     runVersion,
		"user":        runUser,
		"audit":       runAudit,
		"demo":        runDemo,
		"export":      runExport,
		"import-rncp": runImportRNCP,
		"referentiel": runReferentiel,
		"documents":   runDocuments,
		"keys":        runKeys,
		"plan":        runPlan,
	}
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		fmt.Fprint(os.Stderr, usage)
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	cmd, ok := commands()[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "acquis : commande inconnue %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd(ctx, os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "acquis : %v\n", err)
		os.Exit(1)
	}
}
