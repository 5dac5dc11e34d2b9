package web

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"acquis/internal/blob"
)

// scrape reads /metrics with extra request headers.
func scrape(t *testing.T, a *app, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/metrics", nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// metricValue finds one sample's value; "" when absent.
func metricValue(body, series string) string {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestMetricsCountsByRoute: requests are counted and timed by route
// pattern (never the raw path, which holds ids), and the upload bytes,
// PDF render time, database pool, mail queue depth and sealer lag are
// exposed in the Prometheus text format.
func TestMetricsCountsByRoute(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd := a.submittedCandidacy(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	for i := 0; i < 3; i++ {
		if res := c.get("/referentiels/RNCP37779"); res.Status != http.StatusOK {
			t.Fatal(res.Status)
		}
	}
	c.get("/referentiels/INCONNU")
	if res := c.get(fmt.Sprintf("/candidatures/%d/depots/1/recepisse.pdf", cd)); res.Status != http.StatusOK {
		t.Fatalf("récépissé : %d", res.Status)
	}
	a.db.MustExec(`INSERT INTO outbox (to_addr, subject, body) VALUES ('x@exemple.fr', 's', 'b'), ('y@exemple.fr', 's', 'b')`)

	status, body := scrape(t, a, nil)
	if status != http.StatusOK {
		t.Fatalf("/metrics : %d %s", status, body)
	}
	for series, want := range map[string]string{
		`acquis_http_requests_total{code="200",method="GET",route="/referentiels/:code"}`:                            "3",
		`acquis_http_requests_total{code="404",method="GET",route="/referentiels/:code"}`:                            "1",
		`acquis_pdf_render_seconds_count{document="recepisse"}`:                                                      "1",
		`acquis_http_request_duration_seconds_count{method="GET",route="/candidatures/:id/depots/:n/recepisse.pdf"}`: "1",
	} {
		if got := metricValue(body, series); got != want {
			t.Errorf("%s = %q, attendu %s", series, got, want)
		}
	}
	var queued int64
	a.db.Get(&queued, `SELECT count(*) FROM outbox WHERE sent_at IS NULL AND gave_up_at IS NULL`)
	if got := metricValue(body, "acquis_mail_queue_depth"); got != fmt.Sprint(queued) || queued < 2 {
		t.Errorf("file des courriels : %q, attendu %d", got, queued)
	}
	for _, name := range []string{"acquis_audit_sealer_lag_seconds", "acquis_audit_unsealed_rows", `go_sql_open_connections{db_name="acquis"}`, `acquis_metrics_db_error`} {
		if metricValue(body, name) == "" {
			t.Errorf("%s absent", name)
		}
	}
	if got := metricValue(body, "acquis_metrics_db_error"); got != "0" {
		t.Errorf("lecture de la base par /metrics : %s", got)
	}
	if strings.Contains(body, "RNCP37779\"") || strings.Contains(body, fmt.Sprintf("/candidatures/%d", cd)) {
		t.Error("un chemin brut (avec identifiant) sert d'étiquette")
	}
}

// TestMetricsAccess: /metrics is read from the machine itself, or with
// the configured token; a request relayed by a reverse proxy (it arrives
// from loopback, with a forwarding header) or with a wrong token is
// refused, whoever is logged in.
func TestMetricsAccess(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	if status, _ := scrape(t, a, nil); status != http.StatusOK {
		t.Fatalf("boucle locale directe : %d", status)
	}
	for _, h := range []map[string]string{
		{"X-Forwarded-For": "203.0.113.9"},
		{"Forwarded": "for=203.0.113.9"},
		{"X-Real-Ip": "203.0.113.9"},
		{"X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer faux"},
	} {
		if status, body := scrape(t, a, h); status != http.StatusForbidden || !strings.Contains(body, "ACQUIS_METRICS_TOKEN") {
			t.Errorf("%v : %d", h, status)
		}
	}
	tok := strings.Repeat("s3cr3t", 6)
	a.s.cfg.MetricsToken = tok
	if status, body := scrape(t, a, map[string]string{"X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer " + tok}); status != http.StatusOK || !strings.Contains(body, "acquis_http_requests_total") {
		t.Errorf("jeton : %d", status)
	}
	// A signed-in admin relayed by the proxy is still refused: the page
	// is for a scraper, not for a role.
	c := a.client()
	c.login(whoEmails[admin])
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/metrics", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	if res := c.do(req); res.Status != http.StatusForbidden {
		t.Errorf("admin via le proxy : %d", res.Status)
	}
}

// TestReadyzChecksDatabaseAndBlobStore: /readyz is 200 when the database
// and the blob store answer, 503 naming the blob store when it does not.
func TestReadyzChecksDatabaseAndBlobStore(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	if res := c.get("/readyz"); res.Status != http.StatusOK || !strings.Contains(res.Body, `"status":"ok"`) {
		t.Fatalf("prêt : %d %s", res.Status, res.Body)
	}
	dir := t.TempDir()
	gone, err := blob.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	a.s.blobs = gone
	if res := c.get("/readyz"); res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, "stockage des fichiers injoignable") {
		t.Fatalf("stockage perdu : %d %s", res.Status, res.Body)
	}
	if res := c.get("/healthz"); res.Status != http.StatusOK {
		t.Fatalf("/healthz dit si le processus vit, pas s'il est prêt : %d", res.Status)
	}
}

// TestMetricsUploadBytes: the bytes of a stored upload are counted; a
// refused one is not.
func TestMetricsUploadBytes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	c.get(candidacyPath(cd))
	path := fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC02-D01/documents", cd)
	if up := c.upload(path, "preuve.pdf", []byte(testPDF)); up.Status >= 400 {
		t.Fatalf("envoi : %d %s", up.Status, up.Body)
	}
	c.get(candidacyPath(cd))
	if up := c.upload(path, "faux.pdf", []byte("pas un PDF")); up.Status < 400 {
		t.Fatalf("envoi refusé accepté : %d", up.Status)
	}
	_, body := scrape(t, a, nil)
	if got := metricValue(body, "acquis_upload_bytes_total"); got != fmt.Sprint(len(testPDF)) {
		t.Errorf("octets envoyés : %q, attendu %d", got, len(testPDF))
	}
}
