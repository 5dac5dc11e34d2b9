package main

import (
	"context"
	"fmt"

	"acquis/internal/audit"
	"acquis/internal/verify"
)

// runKeys manages the signing keys kept in the data directory:
// `keys rotate` makes new ones (the old ones stay published, so that
// everything signed before still verifies), `keys list` shows them.
func runKeys(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "rotate" && args[0] != "list") {
		return usageError{"usage : acquis keys rotate | acquis keys list"}
	}
	sub := args[0]
	return withEnv(ctx, "keys "+sub, args[1:], asServer, func(e *env) error {
		k, err := verify.OpenKeyring(verify.KeyOptions{Dir: e.cfg.KeysDir(), SigningCert: e.cfg.SigningCert, SigningCertPassword: e.cfg.SigningCertPassword})
		if err != nil {
			return err
		}
		if sub == "rotate" {
			ids, err := k.Rotate()
			if err != nil {
				return err
			}
			if err := audit.RecordNow(ctx, e.db, audit.System.Entry("keys.rotated", "keys", ids[0], map[string]any{"new": ids})); err != nil {
				return err
			}
			fmt.Printf("Nouvelles clés de signature : %v.\nLes anciennes restent publiées (/.well-known/jwks.json) pour vérifier ce qu'elles ont signé.\nRedémarrez acquis pour signer avec les nouvelles, et sauvegardez %s.\n", ids, e.cfg.KeysDir())
		}
		for _, i := range k.Keys() {
			cur := ""
			if i.Current {
				cur = " (signe les nouveaux documents)"
			}
			fmt.Printf("%-10s %s%s %s\n", i.Use, i.ID, cur, i.Subject)
		}
		return nil
	})
}
