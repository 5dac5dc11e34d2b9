// Package seed holds what test databases start with: the référentiels
// shipped with acquis, loaded as `acquis migrate` loads them. It sits
// apart from dbtest so dbtest stays usable by the référentiel package's
// own tests.
package seed

import (
	"context"

	"github.com/jmoiron/sqlx"

	"acquis/internal/referentiel"
	"acquis/referentiels"
)

// Referentiels loads the embedded référentiels into d; use it as (or in)
// the seed of dbtest.Main.
func Referentiels(ctx context.Context, d *sqlx.DB) error {
	certs, err := referentiel.ParseFS(referentiels.FS)
	if err != nil {
		return err
	}
	_, err = referentiel.NewStore(d).Load(ctx, certs)
	return err
}
