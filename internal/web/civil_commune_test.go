package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCivilStatusCommuneChosen: the commune of birth is chosen from the
// official list, by name or postal code, without JavaScript too: a name
// that means several communes comes back with them to choose from (every
// other value kept), an exact name or a postal code of one commune is
// taken, a birth abroad is said by the country's code as before, and the
// search answers the list the script shows.
func TestCivilStatusCommuneChosen(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.login(whoEmails[cand])
	uid := a.id(`SELECT id FROM users WHERE email = $1`, whoEmails[cand])
	a.db.MustExec(`DELETE FROM civil_status WHERE user_id = $1`, uid)
	saved := func() (code, name string) {
		var row struct {
			Code string `db:"birth_insee"`
			Name string `db:"birth_commune"`
		}
		if err := a.db.Get(&row, `SELECT birth_insee, birth_commune FROM civil_status WHERE user_id = $1`, uid); err != nil {
			t.Fatal(err)
		}
		return row.Code, row.Name
	}
	form := func(place string, more ...string) url.Values {
		v := url.Values{"birth_name": {"Payet"}, "first_name1": {"Maëlle"}, "birth_date": {"1990-03-02"}, "sex": {"F"}, "birth_place": {place}}
		for i := 0; i+1 < len(more); i += 2 {
			v.Set(more[i], more[i+1])
		}
		return v
	}
	if body := c.get("/compte/etat-civil").Body; !strings.Contains(body, `list="communes-list"`) || strings.Contains(body, `name="birth_insee"`) {
		t.Fatal("le code INSEE se tape encore")
	}
	// Several Saint-Denis: choose among them, nothing stored yet.
	res := c.post("/compte/etat-civil", form("saint denis"))
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "communes correspondent à « saint denis »") ||
		!strings.Contains(res.Body, `value="Saint-Denis (97411)"`) || !strings.Contains(res.Body, `value="Saint-Denis (93066)"`) || !strings.Contains(res.Body, `value="Payet"`) {
		t.Fatalf("choix entre homonymes : %d", res.Status)
	}
	if a.id(`SELECT count(*) FROM civil_status WHERE user_id = $1`, uid) != 0 {
		t.Fatal("enregistré avant le choix")
	}
	validHTML(t, map[string]string{"état civil, communes à choisir": res.Body})
	if res := c.post("/compte/etat-civil", form("saint denis", "birth_choice", "Saint-Denis (97411)")); res.Status != http.StatusSeeOther {
		t.Fatalf("commune choisie : %d", res.Status)
	}
	if code, name := saved(); code != "97411" || name != "Saint-Denis" {
		t.Fatalf("enregistré : %s %s", code, name)
	}
	if body := c.get("/compte/etat-civil").Body; !strings.Contains(body, `value="Saint-Denis (97411)"`) {
		t.Fatal("la commune enregistrée n'est pas réaffichée")
	}
	// An exact name, a postal code, what the list offers: taken.
	for place, want := range map[string]string{"Rennes": "35238", "29200": "29019", "Ajaccio (2A004)": "2A004", "paris 15": "75115"} {
		if res := c.post("/compte/etat-civil", form(place)); res.Status != http.StatusSeeOther {
			t.Fatalf("%q : %d", place, res.Status)
		}
		if code, _ := saved(); code != want {
			t.Fatalf("%q : %s enregistré, attendu %s", place, code, want)
		}
	}
	// A code no commune has, even dressed as a choice: refused.
	for _, bad := range []url.Values{form("Nulle part (35999)"), form("", "birth_choice", "Nulle part (35999)"), form("")} {
		if res := c.post("/compte/etat-civil", bad); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="birth_place-err"`) {
			t.Fatalf("commune inconnue acceptée : %v %d", bad, res.Status)
		}
	}
	// Born abroad, as before: the country's code and the town.
	if res := c.post("/compte/etat-civil", form("99134", "birth_commune", "Madrid")); res.Status != http.StatusSeeOther {
		t.Fatalf("naissance à l'étranger : %d", res.Status)
	}
	if code, name := saved(); code != "99134" || name != "Madrid" {
		t.Fatalf("à l'étranger : %s %s", code, name)
	}
	if body := c.get("/compte/etat-civil").Body; !strings.Contains(body, `value="99134"`) || !strings.Contains(body, `value="Madrid"`) {
		t.Fatal("naissance à l'étranger non réaffichée")
	}
	// The search the script calls.
	if res := c.get("/compte/communes?q=evry+courc"); res.Status != http.StatusOK || !strings.Contains(res.Body, `"choix":"Évry-Courcouronnes (91228)"`) {
		t.Fatalf("recherche : %d %s", res.Status, res.Body)
	}
	if res := c.get("/compte/communes?q=" + strings.Repeat("a", 101)); res.Status != http.StatusBadRequest {
		t.Fatalf("recherche trop longue : %d", res.Status)
	}
}
