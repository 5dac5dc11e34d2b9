package web

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCivilStatusAndAccrochage: a certified person gives their civil
// status (a bad one is refused in French and stores nothing); the
// certifier previews the period and downloads a flow the official schema
// accepts.
func TestCivilStatusAndAccrochage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.history(1)
	// The history's certified person gets a password-less account: sign in
	// as them through a session made for the test.
	uid := a.id(`SELECT user_id FROM certificates LIMIT 1`)
	a.db.MustExec(`DELETE FROM civil_status WHERE user_id = $1`, uid)
	a.db.MustExec(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = $1) WHERE id = $2`, whoEmails[cand], uid)
	email := ""
	if err := a.db.Get(&email, `SELECT email FROM users WHERE id = $1`, uid); err != nil {
		t.Fatal(err)
	}
	c := a.client()
	c.login(email)
	if res := c.get("/compte/etat-civil"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Caisse des Dépôts") {
		t.Fatalf("formulaire : %d", res.Status)
	}
	good := url.Values{"birth_name": {"Durand"}, "first_name1": {"Élodie"}, "birth_date": {"1984-07-14"}, "sex": {"F"}, "birth_place": {"29200"}}
	bad := url.Values{}
	for k, v := range good {
		bad[k] = v
	}
	bad.Set("birth_place", "Brestt")
	if res := c.post("/compte/etat-civil", bad); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Aucune commune de la liste officielle ne correspond à « Brestt »") || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("commune inconnue : %d", res.Status)
	}
	if a.id(`SELECT count(*) FROM civil_status WHERE user_id = $1`, uid) != 0 {
		t.Fatal("un état civil refusé a été enregistré")
	}
	if res := c.post("/compte/etat-civil", good); res.Status != http.StatusSeeOther {
		t.Fatalf("enregistrement : %d\n%s", res.Status, res.Body)
	}

	adm := a.client()
	adm.login(whoEmails[admin])
	if res := adm.get("/admin/accrochage?du=2024-01-01&au=2024-12-31"); res.Status != http.StatusOK || !strings.Contains(res.Body, "n'est pas configuré") || !strings.Contains(res.Body, "RNCP37779-2024-") {
		t.Fatalf("aperçu : %d\n%s", res.Status, res.Body)
	}
	if res := adm.get("/admin/accrochage/flux.xml?du=2024-01-01&au=2024-12-31"); res.Status != http.StatusConflict {
		t.Fatalf("export non configuré : %d", res.Status)
	}
	a.s.cfg.AccrochageClientID, a.s.cfg.AccrochageContractID = "ABCD1234", "MCFCER0001"
	if res := adm.get("/admin/accrochage/flux.xml?du=2030-01-01&au=2030-12-31"); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("période vide : %d", res.Status)
	}
	res := adm.get("/admin/accrochage/flux.xml?du=2024-01-01&au=2024-12-31")
	if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "accrochage-2024-01-01-2024-12-31.xml") || !strings.Contains(res.Body, "<cpf:nomNaissance>Durand</cpf:nomNaissance>") {
		t.Fatalf("flux : %d\n%s", res.Status, res.Body)
	}
	f := filepath.Join(t.TempDir(), "flux.xml")
	_ = os.WriteFile(f, []byte(res.Body), 0o600)
	if out, err := exec.Command("xmllint", "--noout", "--schema", "../accrochage/testdata/cdc-accrochage-1.1.2.xsd", f).CombinedOutput(); err != nil {
		t.Fatalf("flux invalide : %v\n%s", err, out)
	}
}
