package main

import (
	"context"
	"errors"
	"fmt"

	"acquis/internal/audit"
)

// runAudit verifies the audit log: the keyed chain, each row's MAC, the
// heads recorded in the data dir and, with --head, a head printed on
// signed minutes.
func runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage : acquis audit verify [--head N:EMPREINTE]")
	}
	rest := args[1:]
	var heads []audit.Head
	for len(rest) >= 2 && rest[0] == "--head" {
		h, err := audit.ParseHead(rest[1])
		if err != nil {
			return err
		}
		heads = append(heads, h)
		rest = rest[2:]
	}
	return withEnv(ctx, "audit verify", rest, asServer, func(e *env) error {
		res, err := audit.Verify(ctx, e.db)
		if err != nil {
			return err
		}
		if !res.OK {
			if res.FirstBadID == 0 {
				return fmt.Errorf("journal d'audit altéré : %s (%d lignes lues)", res.Reason, res.Rows)
			}
			return fmt.Errorf("journal d'audit altéré à la ligne %d : %s (%d lignes lues)", res.FirstBadID, res.Reason, res.Rows)
		}
		for _, h := range heads {
			if err := audit.CheckHead(ctx, e.db, h); err != nil {
				return fmt.Errorf("journal d'audit altéré : %w", err)
			}
		}
		fmt.Printf("Journal d'audit intègre : %d lignes vérifiées (chaîne, codes d'authentification, têtes enregistrées hors base", res.Rows)
		if len(heads) > 0 {
			fmt.Printf(", %d tête(s) imprimée(s)", len(heads))
		}
		fmt.Println(").")
		return nil
	})
}
