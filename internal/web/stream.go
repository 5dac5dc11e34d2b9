package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// A streamed download may last as long as its client keeps reading: its
// read deadline is streamTimeout instead of the body deadline (readDeadline:
// 30 s, whose expiry cancels the request's context through the
// connection's background read, so the handler must not be left to
// extend it: by then it may have expired), and each write must get
// through within streamWriteIdle, so that a client that stops reading
// does not hold a database cursor.
const (
	streamTimeout   = 30 * time.Minute
	streamWriteIdle = time.Minute
)

// streamWriter writes to the response, sending the headers (first) on
// the first write and renewing the write deadline on each.
type streamWriter struct {
	c       echo.Context
	rc      *http.ResponseController
	headers func()
	started bool
}

func (w *streamWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		w.headers()
	}
	// Unsupported on some test recorders: the deadline is then absent.
	_ = w.rc.SetWriteDeadline(time.Now().Add(streamWriteIdle))
	return w.c.Response().Write(p)
}

// streamedPaths are the GET routes whose response is streamed.
var streamedPaths = map[string]bool{"/admin/accrochage/flux.xml": true}

// isStream reports whether a request is for a streamed response.
func isStream(c echo.Context) bool {
	return c.Request().Method == http.MethodGet && streamedPaths[c.Request().URL.Path]
}

// streamDeadlines returns the writer to stream a response through;
// headers sets the response's headers and status, called before the
// first byte.
func (s *Server) streamDeadlines(c echo.Context, headers func()) *streamWriter {
	return &streamWriter{c: c, rc: http.NewResponseController(c.Response().Writer), headers: headers}
}
