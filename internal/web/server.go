// Package web is the HTTP layer: routes, middleware, handlers, rendering and
// the JSON API. Handlers parse, authorise, call a domain package and render;
// the rules live in the domain packages.
package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"acquis/internal/account"
	"acquis/internal/accrochage"
	"acquis/internal/blob"
	"acquis/internal/certifier"
	"acquis/internal/config"
	"acquis/internal/generation"
	"acquis/internal/indicators"
	"acquis/internal/jury"
	"acquis/internal/mail"
	"acquis/internal/pdf"
	"acquis/internal/pgembed"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
	"acquis/internal/staff"
	"acquis/internal/verify"
)

// Deps are what the HTTP layer needs; cmd/acquis builds them.
type Deps struct {
	Config config.Config
	DB     *sqlx.DB
	Log    *slog.Logger
	Blobs  *blob.Store
	// Embedded reports the embedded PostgreSQL's health for /healthz; nil
	// for an external database.
	Embedded func() pgembed.Health
	// Keys sign the credentials and PDFs; nil opens (or makes) them in
	// Config.KeysDir().
	Keys *verify.Keyring
}

// Server holds the handlers' dependencies.
type Server struct {
	cfg        config.Config
	db         *sqlx.DB
	log        *slog.Logger
	refs       *referentiel.Store
	accounts   *account.Store
	portfolio  *portfolio.Store
	jury       *jury.Store
	staff      *staff.Store
	indicators *indicators.Store
	accrochage *accrochage.Store
	verify     *verify.Store
	certifier  *certifier.Store // the identity printed on documents
	keys       *verify.Keyring
	// verifyLimit bounds the anonymous verification requests per client.
	verifyLimit *clientLimiter
	blobs       *blob.Store
	embedded    func() pgembed.Health
	metrics     *metrics
	mail        *mail.Sender
	render      *renderer
	// refPages keeps the rendered content of référentiel versions.
	refPages refPageCache
	// gens reads the generations of what is kept below (package
	// generation); pilotagePages keeps the national view's content.
	gens          *generation.Reader
	pilotagePages generation.Cache[pilotageKey, keptPage]
	// refIndexes keeps which version of each certification is current.
	refIndexes generation.Cache[struct{}, refIndex]
	assets     *assets
	echo       *echo.Echo
	table      []route
	// uploads are the route patterns whose body is a file (handleUploadIn).
	uploads map[string]bool
	// bodyTimeout and uploadTimeout bound how long a request body may take
	// to arrive (a client dripping bytes holds a connection otherwise);
	// uploads get longer, for slow lines and 50 MB files.
	bodyTimeout, uploadTimeout time.Duration
	// exportSections are the parts of a person's RGPD export that domain
	// packages other than account hold.
	exportSections map[string]account.ExportSection
}

// New builds the Echo application with every route.
func New(d Deps) (*Server, error) {
	a, err := newAssets()
	if err != nil {
		return nil, err
	}
	r, err := newRenderer(a)
	if err != nil {
		return nil, err
	}
	refs, pf := referentiel.NewStore(d.DB), portfolio.NewStore(d.DB)
	cert := certifier.NewStore(d.DB, refs)
	keys := d.Keys
	if keys == nil {
		keys, err = verify.OpenKeyring(verify.KeyOptions{Dir: d.Config.KeysDir(), SigningCert: d.Config.SigningCert,
			SigningCertPassword: d.Config.SigningCertPassword, Certifier: cert.Name(context.Background())})
		if err != nil {
			return nil, err
		}
	}
	s := &Server{
		cfg:        d.Config,
		db:         d.DB,
		log:        d.Log,
		refs:       refs,
		accounts:   account.NewStore(d.DB),
		portfolio:  pf,
		jury:       jury.NewStore(d.DB, refs, pf, signedMinutes(keys, pdf.MinutesWithIdentity(cert))),
		staff:      staff.NewStore(d.DB),
		indicators: indicators.NewStore(d.DB),
		accrochage: accrochage.NewStore(d.DB),
		verify:     verify.NewStore(d.DB),
		certifier:  cert,
		keys:       keys,
		// 30 pages in a row, then one every two seconds: enough for an
		// employer, too slow to walk the code space.
		verifyLimit: newClientLimiter(0.5, 30),
		blobs:       d.Blobs,
		embedded:    d.Embedded,
		metrics:     newMetrics(d.DB),
		mail:        mail.NewSender(d.DB, d.Config.SMTPURL, "", d.Log).WithBaseURL(d.Config.BaseURL),
		render:      r,
		assets:      a,
		gens:        generation.NewReader(d.DB),
	}
	s.bodyTimeout, s.uploadTimeout = 30*time.Second, 30*time.Minute
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(d.Config.TrustedProxies)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		RequestIDHandler: func(c echo.Context, id string) { c.Set(ctxRequestID, id) },
	}))
	e.Use(s.metrics.middleware)
	e.Use(s.logRequests)
	e.Use(s.recoverPanics)
	e.Use(s.securityHeaders)
	e.Use(s.readDeadline)
	// Uploads stream their body and bound it themselves; every other
	// request is small.
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: s.isUpload}))
	e.Use(cleanInput)
	e.Use(s.loadPrincipal)
	e.Use(s.csrf())
	s.echo = e
	s.routes()
	return s, nil
}

// Handler returns the application as an http.Handler, for tests and servers.
func (s *Server) Handler() http.Handler { return headAsGet(s.echo) }

// HTTPServer returns a server with timeouts that bound slow clients: the
// headers must arrive within 10 s (slow-loris), a request may not sit idle.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context, srv *http.Server) error {
	return srv.Shutdown(ctx)
}

const ctxRequestID = "request_id"

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req := c.Request()
		s.log.Info("requête",
			"request_id", c.Get(ctxRequestID),
			"method", req.Method,
			"path", logPath(c),
			"status", c.Response().Status,
			"bytes", c.Response().Size,
			"duration", time.Since(start),
			"ip", c.RealIP(),
		)
		return nil
	}
}

func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panique", "request_id", c.Get(ctxRequestID), "panic", r)
				err = errInternal
			}
		}()
		return next(c)
	}
}

// securityHeaders forbids inline scripts and framing and keeps the browser
// from guessing content types: documents served by acquis are never HTML.
// No answer may be stored by a browser or a shared cache (pages, documents,
// exports and JSON carry personal data; forms carry a CSRF token); only
// the static assets, which set their own Cache-Control, are cached. Under
// https, browsers are told to come back over https only (HSTS), and
// cookies are Secure.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if s.cfg.Secure() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
			c.Set(ctxSecure, true)
		}
		return next(c)
	}
}

// ctxSecure marks a request of an https deployment: cookies set while
// answering it are Secure.
const ctxSecure = "secure"

// readDeadline bounds the time a request's body may take, per request:
// the server-wide ReadHeaderTimeout only covers the headers. The deadline
// is the connection's, so it must end with the body: net/http watches the
// connection for the client going away once the body is read, and a read
// deadline still running then cancels the request's context in the middle
// of the handler (a slow page answered 500 « context canceled »). A request
// without a body gets none; a body clears it when it reaches its end.
func (s *Server) readDeadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
			return next(c)
		}
		d := s.bodyTimeout
		switch {
		case s.isUpload(c):
			d = s.uploadTimeout
		case isStream(c):
			d = streamTimeout
		}
		rc := http.NewResponseController(c.Response().Writer)
		// Unsupported on some test recorders: the deadline is then simply absent.
		if rc.SetReadDeadline(time.Now().Add(d)) == nil {
			r.Body = &deadlineBody{ReadCloser: r.Body, clear: func() { _ = rc.SetReadDeadline(time.Time{}) }}
		}
		return next(c)
	}
}

// deadlineBody clears the connection's read deadline when the body has
// been read to its end.
type deadlineBody struct {
	io.ReadCloser
	clear func()
	done  bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		b.clear()
	}
	return n, err
}

// isUpload reports whether a request is a file upload (a route
// registered with handleUploadIn), whose body may be as large as the
// configured upload limit. Echo has routed the request by the time the
// middleware runs, so c.Path() is the route's pattern.
func (s *Server) isUpload(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && s.uploads[c.Path()]
}

// RunMail runs the mail worker on the sender the handlers wake, until ctx
// ends; `acquis serve` starts it. Other processes on the same database
// poll the queue every few seconds, so a message queued by one instance is
// sent by whichever claims it first.
func (s *Server) RunMail(ctx context.Context) { s.mail.Run(ctx, 5*time.Second) }

// deliverMail wakes the mail worker for what the request queued: the
// request does not wait for a mail server, and a failure is retried by the
// worker (internal/mail) rather than lost.
func (s *Server) deliverMail(echo.Context) { s.mail.Wake() }
