package web

import (
	"regexp"

	"github.com/labstack/echo/v4"
)

// secretSegment matches what looks like a random token in a path: reset
// and invitation links carry one (43 base64url characters), and a link in
// a log line is as good as the token to whoever reads the log.
var secretSegment = regexp.MustCompile(`[A-Za-z0-9_-]{32,}`)

// logPath is the request path as logs and the audit log may keep it, with
// any token masked.
func logPath(c echo.Context) string {
	return secretSegment.ReplaceAllString(c.Request().URL.Path, "[masqué]")
}
