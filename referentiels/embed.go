// Package referentiels holds the certifications' référentiels as YAML, one
// file per certification, embedded so the binary loads them at start-up.
package referentiels

import "embed"

// FS holds every référentiel file (*.yaml).
//
//go:embed *.yaml
var FS embed.FS
