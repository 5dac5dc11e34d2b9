package mail

import "regexp"

// tokenLike matches what looks like a random token: invitation and reset
// links carry one (43 base64url characters).
var tokenLike = regexp.MustCompile(`[A-Za-z0-9_-]{32,}`)

// RedactTokens masks the tokens in a message before it is logged: a link
// in a log line is as good as the token to whoever reads the log. The
// outbox (/admin/outbox, administrators only) keeps the message whole.
func RedactTokens(body string) string {
	return tokenLike.ReplaceAllString(body, "[jeton masqué]")
}
