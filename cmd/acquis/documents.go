package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"acquis/internal/blob"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
	"acquis/internal/staff"
)

// runDocuments verifies the blob store against the database: every file
// a document, a staff evidence, a deliverable template or a deposit receipt points at is
// re-hashed, and each receipt is compared with its documents. Run it after a
// restore (README, « Backup and restore »).
func runDocuments(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage : acquis documents verify")
	}
	return withEnv(ctx, "documents verify", args[1:], asServer, func(e *env) error {
		store, err := blob.OpenURL(ctx, e.cfg.BlobURL, filepath.Join(e.cfg.DataDir, "blobs"))
		if err != nil {
			return err
		}
		r, err := blob.Verify(ctx, store, portfolio.NewStore(e.db).StoredFiles, staff.NewStore(e.db).StoredFiles, referentiel.NewStore(e.db).StoredFiles)
		if err != nil {
			return err
		}
		for _, p := range r.Problems {
			fmt.Println(p)
		}
		if len(r.Problems) > 0 {
			return fmt.Errorf("%d problème(s) : fichiers absents ou altérés, ou reçus de dépôt qui ne correspondent plus aux documents (%d fichiers re-hachés)", len(r.Problems), r.Checked)
		}
		fmt.Printf("Documents intègres : %d fichiers re-hachés, tous conformes à leur empreinte SHA-256 ; chaque reçu de dépôt correspond à ses documents.\n", r.Checked)
		return nil
	})
}
