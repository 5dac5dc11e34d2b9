package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestFormsRefusedByValidator follows the validator path end to end on
// several forms: a value that does not read is refused with 422, every
// refused field is named in French beside itself, and nothing is written.
func TestFormsRefusedByValidator(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	platform := strconv.FormatInt(a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`), 10)
	cases := []struct {
		name, page, path string
		as               who
		form             url.Values
		wants            []string
		// written counts what the form would write: it must not move.
		written string
	}{
		{"état civil (deux champs refusés à la fois)", "/compte/etat-civil", "/compte/etat-civil", cand,
			url.Values{"birth_name": {""}, "first_name1": {"Yann"}, "birth_date": {"14/07/1984"}, "sex": {"M"}, "birth_place": {"Brest"}},
			[]string{"La date de naissance : date invalide (attendu : AAAA-MM-JJ).", "Le nom de naissance est un champ obligatoire"},
			`SELECT count(*) FROM civil_status`},
		{"personnel", "/plateformes/" + platform + "/personnel/nouveau", "/plateformes/" + platform + "/personnel", mgrA,
			url.Values{"full_name": {"Nouvelle Recrue"}, "function": {"conseiller"}, "fte": {"beaucoup"}, "hired_on": {"2026-09-01"}, "status": {"not_engaged"}, "persons_accompanied": {"douze"}},
			[]string{"Le temps de travail (ETP) : écrivez un nombre, par exemple 0,8.", "Le nombre de personnes accompagnées : écrivez un nombre entier."},
			`SELECT count(*) FROM staff`},
		{"session de jury", "/certificateur/jurys", "/certificateur/jurys", admin,
			url.Values{"certification": {"RNCP37779"}, "date": {"2099-05-12"}, "time": {"09:00"}, "place": {"Rennes"}, "deadline": {"bientôt"}},
			[]string{"Indiquez la date limite de dépôt (AAAA-MM-JJ)."},
			`SELECT count(*) FROM jury_sessions`},
		{"certification équivalente", "/admin/certifications-equivalentes", "/admin/certifications-equivalentes", admin,
			url.Values{"title": {"Titre professionnel de conseiller"}, "decision_ref": {"Décision 2026-4"}, "decided_on": {"hier"}},
			[]string{"La date de la décision : date invalide (attendu : AAAA-MM-JJ)."},
			`SELECT count(*) FROM equivalent_certifications`},
		{"mot de passe", "/compte", "/compte/mot-de-passe", juror,
			url.Values{"current": {"x"}, "password": {"Un nouveau mot de passe solide"}, "confirm": {"Un autre"}},
			[]string{"Les deux mots de passe ne sont pas identiques."},
			`SELECT count(*) FROM audit_log WHERE action LIKE 'user.password%'`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := a.client()
			c.login(whoEmails[tc.as])
			before := a.id(tc.written)
			c.get(tc.page)
			res := c.post(tc.path, tc.form)
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("statut %d, attendu 422\n%s", res.Status, res.Body)
			}
			for _, w := range tc.wants {
				if !strings.Contains(res.Body, w) {
					t.Errorf("message absent : %q", w)
				}
			}
			if !strings.Contains(res.Body, `aria-invalid="true"`) {
				t.Error("le champ refusé n'est pas marqué aria-invalid")
			}
			if a.id(tc.written) != before {
				t.Fatal("un formulaire refusé a écrit en base")
			}
		})
	}
}
