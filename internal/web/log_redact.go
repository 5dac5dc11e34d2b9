package web

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// secretRun is the length from which a run of base64url characters in a
// path is taken for a random token: reset and invitation links carry one
// (43 base64url characters), and a link in a log line is as good as the
// token to whoever reads the log.
const secretRun = 32

// logPath is the request path as logs and the audit log may keep it, with
// any token masked.
func logPath(c echo.Context) string { return maskSecrets(c.Request().URL.Path) }

// maskSecrets replaces each run of at least secretRun characters of
// [A-Za-z0-9_-] with « [masqué] ». Every request's log line goes through
// it, so it scans by hand and returns the path itself when there is
// nothing to mask (a regular expression cost 1 % of the autosave's CPU).
func maskSecrets(p string) string {
	var b strings.Builder
	last, start := 0, -1
	for i := 0; i <= len(p); i++ {
		if i < len(p) && tokenChar(p[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= secretRun {
			b.WriteString(p[last:start])
			b.WriteString("[masqué]")
			last = i
		}
		start = -1
	}
	if last == 0 {
		return p
	}
	b.WriteString(p[last:])
	return b.String()
}

func tokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
