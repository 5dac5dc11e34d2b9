package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAuditLogNamesAndExport: the log shows people's names and actions in
// French, filters by person (name, address or number) and by action, and
// exports the filtered lines as CSV.
func TestAuditLogNamesAndExport(t *testing.T) {
	a := newApp(t)
	mgr := a.client()
	mgr.login(whoEmails[mgrA])
	admin := a.client()
	admin.login("admin@demo.acquis.fr")
	page := html.UnescapeString(admin.get("/admin/audit").Body)
	for _, want := range []string{"Claire Dubois", "Gaëlle Le Bihan", "Connexion", `<option value="user.login" >Connexion</option>`, "Exporter ces lignes (CSV)"} {
		if !strings.Contains(page, want) {
			t.Fatalf("journal sans « %s »", want)
		}
	}
	res := admin.get("/admin/audit?" + url.Values{"acteur": {"Le Bihan"}, "action": {"user.login"}}.Encode())
	body := html.UnescapeString(res.Body)
	if res.Status != http.StatusOK || !strings.Contains(body, "Gaëlle Le Bihan") || strings.Contains(body, ">Claire Dubois</a>") ||
		!strings.Contains(body, `<option value="user.login" selected>`) {
		t.Fatalf("filtre par personne et action : %d", res.Status)
	}
	if res := admin.get("/admin/audit?acteur=" + url.QueryEscape("personne inconnue")); res.Status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(res.Body), "Aucune personne ne correspond") {
		t.Fatalf("personne inconnue : %d", res.Status)
	}
	csv := admin.get("/admin/audit.csv?" + url.Values{"acteur": {whoEmails[mgrA]}, "action": {"user."}}.Encode())
	if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(csv.Body, "\xef\xbb\xbfN°;Date et heure;") ||
		!strings.Contains(csv.Body, ";Gaëlle Le Bihan;") || !strings.Contains(csv.Body, ";Connexion;user.login;") || strings.Contains(csv.Body, "Claire Dubois") {
		t.Fatalf("export CSV : %d %q", csv.Status, csv.Body)
	}
	if !strings.Contains(csv.Header.Get("Content-Disposition"), "journal-audit-") {
		t.Fatal("export sans nom de fichier")
	}
	if a.id(`SELECT count(*) FROM audit_log WHERE action = 'audit.exported'`) != 1 {
		t.Fatal("l'export n'est pas au journal")
	}
}
