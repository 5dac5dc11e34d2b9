package main

import (
	"context"
	"errors"
	"fmt"

	"acquis/internal/audit"
)

func runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage : acquis audit verify")
	}
	return withEnv(ctx, "audit verify", args[1:], asServer, func(e *env) error {
		res, err := audit.Verify(ctx, e.db)
		if err != nil {
			return err
		}
		if !res.OK {
			return fmt.Errorf("journal d'audit altéré à la ligne %d : %s (%d lignes lues)", res.FirstBadID, res.Reason, res.Rows)
		}
		fmt.Printf("Journal d'audit intègre : %d lignes vérifiées.\n", res.Rows)
		return nil
	})
}
