package web

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"acquis/internal/accrochage"
	"acquis/internal/audit"
)

// perRun matches the only parts of a flow that differ from one run to
// the next: its identifier (made of the period and the second) and its
// timestamp.
var perRun = regexp.MustCompile(`<cpf:idFlux>[^<]*</cpf:idFlux>|<cpf:horodatage>[^<]*</cpf:horodatage>`)

// TestAccrochageDownloadOutlivesBodyDeadline: the flow of a ten-year
// period is not cut by the per-request body deadline (issue 15 #11: a 500
// after 30 s at national scale, the deadline cancelling the request's
// context while the flow was built). The deadline is made to expire at
// once, as 30 s do at national scale; the download still completes, with
// the bytes the command line writes for the same period (its export,
// Store.Export, here), per-run fields aside.
func TestAccrochageDownloadOutlivesBodyDeadline(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.history(3) // past sessions on the demo, with certified people
	a.db.MustExec(`INSERT INTO civil_status (user_id, birth_name, first_name1, birth_date, sex, birth_insee, birth_commune)
		SELECT DISTINCT user_id, 'Nom', 'Prénom', date '1980-01-01' + (user_id % 5000)::int, 'M', '35238', 'Rennes' FROM certificates ON CONFLICT DO NOTHING`)
	a.s.cfg.AccrochageClientID, a.s.cfg.AccrochageContractID = "ABCD1234", "MCFCER0001"
	adm := a.client()
	adm.login(whoEmails[admin])
	a.s.bodyTimeout = time.Nanosecond
	res := adm.get("/admin/accrochage/flux.xml?du=2016-01-01&au=2026-12-31")
	a.s.bodyTimeout = 30 * time.Second
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Fatalf("flux sur dix ans : %d\n%.2000s", res.Status, res.Body)
	}
	var cli bytes.Buffer
	from, to := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	if _, _, err := accrochage.NewStore(a.db).Export(context.Background(), audit.Actor{Role: "cli"}, &cli, a.s.accrochageIDs(), from, to, time.Now()); err != nil {
		t.Fatal(err)
	}
	page, want := perRun.ReplaceAll([]byte(res.Body), nil), perRun.ReplaceAll(cli.Bytes(), nil)
	if !bytes.Contains([]byte(res.Body), []byte("<cpf:idFlux>ACQUIS-20160101-20261231-")) || !bytes.Equal(page, want) {
		t.Fatalf("la page et la ligne de commande donnent des flux différents (%d / %d octets)", len(page), len(want))
	}
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'accrochage.exported'`); n != 2 {
		t.Fatalf("%d exports audités, attendu 2", n)
	}
	// A HEAD says what the download is without building or auditing it.
	req, _ := http.NewRequest(http.MethodHead, a.srv.URL+"/admin/accrochage/flux.xml?du=2016-01-01&au=2026-12-31", nil)
	head := adm.do(req)
	if head.Status != http.StatusOK || head.Header.Get("Content-Type") != "application/xml; charset=utf-8" || head.Body != "" {
		t.Fatalf("HEAD du flux : %d %q", head.Status, head.Header.Get("Content-Type"))
	}
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'accrochage.exported'`); n != 2 {
		t.Fatalf("un HEAD a construit et audité un export (%d exports audités)", n)
	}
}
