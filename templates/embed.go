// Package templates holds the HTML pages and the static files (stylesheet,
// scripts), embedded so the binary serves them without any file on disk.
package templates

import "embed"

// FS holds the page templates (*.html) and static/ files.
//
//go:embed *.html static
var FS embed.FS
