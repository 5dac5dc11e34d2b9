package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"acquis/internal/accrochage"
	"acquis/internal/audit"
	"acquis/internal/config"
)

const exportUsage = `Usage : acquis export accrochage --from AAAA-MM-JJ --to AAAA-MM-JJ > flux.xml

Écrit sur la sortie standard le flux d'accrochage (Caisse des Dépôts,
format 1.1.2) des certifications obtenues entre ces dates incluses. Les
identifiants viennent de ACQUIS_ACCROCHAGE_ID_CLIENT et
ACQUIS_ACCROCHAGE_ID_CONTRAT. Les certifiés dont l'état civil manque sont
listés sur la sortie d'erreur et laissés hors du flux.`

func runExport(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "accrochage" {
		return usageError{exportUsage}
	}
	fs := flag.NewFlagSet("acquis export accrochage", flag.ContinueOnError)
	from := fs.String("from", "", "premier jour, AAAA-MM-JJ")
	to := fs.String("to", "", "dernier jour, AAAA-MM-JJ")
	cfg, err := config.Load(fs, args[1:], nil)
	if err != nil {
		return err
	}
	start, err1 := time.Parse("2006-01-02", *from)
	end, err2 := time.Parse("2006-01-02", *to)
	if err1 != nil || err2 != nil || end.Before(start) {
		return usageError{"--from et --to sont obligatoires, au format AAAA-MM-JJ, la fin après le début\n\n" + exportUsage}
	}
	ids := accrochage.IDs{Client: cfg.AccrochageClientID, Contract: cfg.AccrochageContractID}
	if err := ids.Check(); err != nil {
		return err
	}
	e, err := openEnv(ctx, cfg, newLogger(cfg.LogFormat), asServer)
	if err != nil {
		return err
	}
	defer e.close()
	out := bufio.NewWriter(os.Stdout)
	skipped, n, err := accrochage.NewStore(e.db).Export(ctx, audit.Actor{Role: "cli"}, out, ids, start, end, time.Now())
	for _, s := range skipped {
		fmt.Fprintf(os.Stderr, "non déclaré : %s (%s) — %s\n", s.Number, s.Name, s.Reason)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d certification(s) déclarée(s), %d laissée(s) de côté\n", n, len(skipped))
	return out.Flush()
}
