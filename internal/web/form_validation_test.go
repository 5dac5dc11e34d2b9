package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFormsRefusedByValidator follows the validator path end to end on
// several forms: a value that does not read is refused with 422, every
// refused field is named in French beside itself, and nothing is written.
func TestFormsRefusedByValidator(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	refused := func(t *testing.T, res response, wants ...string) {
		t.Helper()
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("statut %d, attendu 422\n%s", res.Status, res.Body)
		}
		for _, w := range wants {
			if !strings.Contains(res.Body, w) {
				t.Errorf("message absent : %q", w)
			}
		}
		if !strings.Contains(res.Body, `aria-invalid="true"`) {
			t.Error("le champ refusé n'est pas marqué aria-invalid")
		}
	}

	t.Run("état civil", func(t *testing.T) {
		c := a.client()
		c.login(whoEmails[cand])
		uid := a.id(`SELECT id FROM users WHERE email = $1`, whoEmails[cand])
		before := a.id(`SELECT count(*) FROM civil_status WHERE user_id = $1`, uid)
		c.get("/compte/etat-civil")
		res := c.post("/compte/etat-civil", url.Values{"birth_name": {"Kerjean"}, "first_name1": {"Yann"}, "birth_date": {"14/07/1984"},
			"sex": {"M"}, "birth_insee": {"Brest"}, "birth_commune": {"Brest"}})
		// Both fields at once: the form reports every refusal, not the first.
		refused(t, res, "La date de naissance : date invalide (attendu : AAAA-MM-JJ).",
			"Code INSEE de la commune de naissance : 5 caractères, par exemple 35238 pour Rennes")
		if a.id(`SELECT count(*) FROM civil_status WHERE user_id = $1`, uid) != before {
			t.Fatal("un état civil refusé a été enregistré")
		}
	})

	t.Run("personnel", func(t *testing.T) {
		pA := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
		base := fmt.Sprintf("/plateformes/%d", pA)
		mgr := a.client()
		mgr.login(whoEmails[mgrA])
		before := a.id(`SELECT count(*) FROM staff WHERE platform_id = $1`, pA)
		mgr.get(base + "/personnel/nouveau")
		res := mgr.post(base+"/personnel", url.Values{"full_name": {"Nouvelle Recrue"}, "function": {"conseiller"}, "fte": {"beaucoup"},
			"hired_on": {"2026-09-01"}, "status": {"not_engaged"}, "persons_accompanied": {"douze"}})
		refused(t, res, "Le temps de travail (ETP) : écrivez un nombre, par exemple 0,8.",
			"Le nombre de personnes accompagnées : écrivez un nombre entier.")
		if a.id(`SELECT count(*) FROM staff WHERE platform_id = $1`, pA) != before {
			t.Fatal("un membre refusé a été enregistré")
		}
	})

	t.Run("session de jury", func(t *testing.T) {
		adm := a.client()
		adm.login(whoEmails[admin])
		before := a.id(`SELECT count(*) FROM jury_sessions`)
		adm.get("/certificateur/jurys")
		res := adm.post("/certificateur/jurys", url.Values{"certification": {"RNCP37779"}, "date": {"2099-05-12"}, "time": {"09:00"},
			"place": {"Rennes"}, "deadline": {"bientôt"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Indiquez la date limite de dépôt (AAAA-MM-JJ).") {
			t.Fatalf("date limite illisible : %d", res.Status)
		}
		if a.id(`SELECT count(*) FROM jury_sessions`) != before {
			t.Fatal("une session refusée a été créée")
		}
	})

	t.Run("certification équivalente", func(t *testing.T) {
		adm := a.client()
		adm.login(whoEmails[admin])
		before := a.id(`SELECT count(*) FROM equivalent_certifications`)
		adm.get("/admin/certifications-equivalentes")
		res := adm.post("/admin/certifications-equivalentes", url.Values{"title": {"Titre professionnel de conseiller"}, "decision_ref": {"Décision 2026-4"}, "decided_on": {"hier"}})
		refused(t, res, "La date de la décision : date invalide (attendu : AAAA-MM-JJ).")
		if a.id(`SELECT count(*) FROM equivalent_certifications`) != before {
			t.Fatal("un titre refusé a été ajouté")
		}
	})

	t.Run("mot de passe", func(t *testing.T) {
		c := a.client()
		c.login(whoEmails[juror])
		var hash string
		if err := a.db.Get(&hash, `SELECT password_hash FROM users WHERE email = $1`, whoEmails[juror]); err != nil {
			t.Fatal(err)
		}
		c.get("/compte")
		res := c.post("/compte/mot-de-passe", url.Values{"current": {"x"}, "password": {"Un nouveau mot de passe solide"}, "confirm": {"Un autre"}})
		refused(t, res, "Les deux mots de passe ne sont pas identiques.")
		var after string
		if err := a.db.Get(&after, `SELECT password_hash FROM users WHERE email = $1`, whoEmails[juror]); err != nil {
			t.Fatal(err)
		}
		if after != hash {
			t.Fatal("le mot de passe a changé malgré le refus")
		}
	})
}
