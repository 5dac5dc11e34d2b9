package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestSlowHandlerOutlivesBodyDeadline: the body deadline bounds the body,
// not the handler. It is the connection's read deadline, and net/http
// cancels a request's context when a read on its connection fails once the
// body is in; a deadline left running made every request slower than it
// (300 ms in TestHostileRequests, under load) answer 500 « context
// canceled ». A page and a form slower than the deadline must both finish
// with their context alive.
func TestSlowHandlerOutlivesBodyDeadline(t *testing.T) {
	a := newApp(t)
	a.s.bodyTimeout = 100 * time.Millisecond
	slow := func(c echo.Context) error {
		if err := c.Request().ParseForm(); err != nil {
			return err
		}
		time.Sleep(500 * time.Millisecond)
		if err := c.Request().Context().Err(); err != nil {
			return c.String(http.StatusInternalServerError, err.Error())
		}
		return c.String(http.StatusOK, "vivant : "+c.Request().PostForm.Get("note"))
	}
	// Behind every middleware, readDeadline included (Use applies to
	// routes added later too).
	a.s.echo.GET("/test/lent", slow)
	a.s.echo.POST("/test/lent", slow)

	c := a.client()
	c.login(whoEmails[admin])
	if res := c.get("/test/lent"); res.Status != http.StatusOK {
		t.Fatalf("page lente : %d %s", res.Status, res.Body)
	}
	if res := c.post("/test/lent", url.Values{"note": {"formulaire"}}); res.Status != http.StatusOK || res.Body != "vivant : formulaire" {
		t.Fatalf("formulaire lent : %d %s", res.Status, res.Body)
	}
}
