// Package migrations holds the SQL schema, applied in order by goose at
// start-up and by `acquis migrate`. Each file runs in its own transaction.
package migrations

import "embed"

// FS holds every migration file, embedded so the binary carries its schema.
//
//go:embed *.sql
var FS embed.FS
