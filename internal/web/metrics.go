package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"acquis/internal/audit"
	"acquis/internal/mail"
)

// metrics are what /metrics exposes, in a registry of the server's own
// (several servers live in one test binary; the default registry is
// global).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	upload   prometheus.Counter
	pdf      *prometheus.HistogramVec
	handler  http.Handler
}

func newMetrics(d *sqlx.DB) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "acquis_http_requests_total",
		Help: "HTTP requests answered, by method, route pattern and status code.",
	}, []string{"method", "route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "acquis_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method and route pattern.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "route"})
	m.upload = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "acquis_upload_bytes_total",
		Help: "Bytes of the files stored by uploads (documents, staff evidence).",
	})
	m.pdf = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "acquis_pdf_render_seconds",
		Help:    "Time to render a PDF, by document.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"document"})
	m.reg.MustRegister(m.requests, m.latency, m.upload, m.pdf,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(d.DB, "acquis"),
		&queueCollector{db: d})
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// middleware counts and times every request by its route pattern, never
// its raw path: ids in paths would make one series per candidacy. It runs
// outside logRequests, which has already turned an error into a status.
func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "(aucune)"
		}
		method := c.Request().Method
		m.requests.WithLabelValues(method, route, strconv.Itoa(c.Response().Status)).Inc()
		m.latency.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

// timePDF starts timing one PDF's rendering; call the result when done.
func (m *metrics) timePDF(document string) func() {
	start := time.Now()
	return func() { m.pdf.WithLabelValues(document).Observe(time.Since(start).Seconds()) }
}

// queueCollector reads, at each scrape, the mail queue's depth and the
// audit sealer's lag from the database: every instance reports the same
// shared figures, whichever instance's worker does the work.
type queueCollector struct{ db *sqlx.DB }

var (
	mailQueueDesc = prometheus.NewDesc("acquis_mail_queue_depth",
		"E-mails waiting to be sent (neither sent nor given up).", nil, nil)
	auditUnsealedDesc = prometheus.NewDesc("acquis_audit_unsealed_rows",
		"Audit log rows not yet sealed into the hash chain.", nil, nil)
	auditLagDesc = prometheus.NewDesc("acquis_audit_sealer_lag_seconds",
		"Age of the oldest audit log row not yet sealed (0 when all are).", nil, nil)
	scrapeErrDesc = prometheus.NewDesc("acquis_metrics_db_error",
		"1 when the last scrape could not read the queue figures from the database.", nil, nil)
)

func (q *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- mailQueueDesc
	ch <- auditUnsealedDesc
	ch <- auditLagDesc
	ch <- scrapeErrDesc
}

func (q *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	depth, err := mail.QueueDepth(ctx, q.db)
	var backlog audit.Backlog
	if err == nil {
		backlog, err = audit.Unsealed(ctx, q.db)
	}
	failed := 0.0
	if err != nil {
		failed = 1
	} else {
		ch <- prometheus.MustNewConstMetric(mailQueueDesc, prometheus.GaugeValue, float64(depth))
		ch <- prometheus.MustNewConstMetric(auditUnsealedDesc, prometheus.GaugeValue, float64(backlog.Rows))
		ch <- prometheus.MustNewConstMetric(auditLagDesc, prometheus.GaugeValue, backlog.LagSeconds)
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.GaugeValue, failed)
}

// metricsPage serves /metrics to a direct loopback connection (a scraper
// on the same host), or to anyone presenting the configured token. A
// request relayed by a reverse proxy arrives from loopback too, so one
// carrying a forwarding header is not taken as local: the figures tell
// an outsider how busy the service is and which pages fail.
func (s *Server) metricsPage(c echo.Context) error {
	req := c.Request()
	if tok := s.cfg.MetricsToken; tok != "" {
		if subtle.ConstantTimeCompare([]byte(req.Header.Get("Authorization")), []byte("Bearer "+tok)) == 1 {
			s.metrics.handler.ServeHTTP(c.Response(), req)
			return nil
		}
	}
	host, _, _ := net.SplitHostPort(req.RemoteAddr)
	ip := net.ParseIP(host)
	proxied := req.Header.Get("X-Forwarded-For") != "" || req.Header.Get("Forwarded") != "" || req.Header.Get("X-Real-Ip") != ""
	if ip == nil || !ip.IsLoopback() || proxied {
		return fail(http.StatusForbidden, "Accès refusé : les métriques se lisent depuis la machine elle-même, ou avec le jeton ACQUIS_METRICS_TOKEN.")
	}
	s.metrics.handler.ServeHTTP(c.Response(), req)
	return nil
}

// readyz answers 200 when this instance can serve: the database and the
// blob store both answer. A load balancer sends traffic only to ready
// instances; /healthz says whether the process itself is alive.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	body := map[string]any{"status": "ok"}
	status := http.StatusOK
	var problems []string
	if err := s.db.PingContext(ctx); err != nil {
		problems = append(problems, "base de données injoignable")
	}
	if s.blobs == nil {
		problems = append(problems, "stockage des fichiers non configuré")
	} else if err := s.blobs.Ping(ctx); err != nil {
		problems = append(problems, "stockage des fichiers injoignable")
	}
	if len(problems) > 0 {
		body["status"], body["errors"] = "indisponible", problems
		status = http.StatusServiceUnavailable
	}
	return c.JSON(status, body)
}

// metricsPath is where Prometheus scrapes; it answers to loopback or to
// ACQUIS_METRICS_TOKEN, never to a session or an API key.
const metricsPath = "/metrics"
