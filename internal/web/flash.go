package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

const flashCookie = "acquis_flash"

// flash leaves a one-line confirmation for the next page (after a
// redirect). It is plain text, HTML-escaped when rendered, so a forged
// cookie can at worst show a sentence.
func flash(c echo.Context, msg string) {
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(msg)),
		Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60, Secure: c.Get(ctxSecure) == true})
}

func readFlash(c echo.Context, v string) string {
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Get(ctxSecure) == true})
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || !utf8.Valid(b) || len(b) > 300 {
		return ""
	}
	return string(b)
}

// redirectWith sends the browser on with a confirmation message.
func redirectWith(c echo.Context, to, msg string) error {
	if msg != "" {
		flash(c, msg)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

func urlPathEscape(s string) string { return url.PathEscape(s) }
