package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// who is one kind of principal of the authorisation matrix.
type who int

const (
	anon   who = iota
	admin      // certifier staff
	mgrA       // manages platform A (Finistère, Bretagne)
	mgrB       // manages platform B (Rhône)
	juror      // jury pool
	cand       // candidate of platform A
	obsNat     // national observer
	obsBzh     // observer of Bretagne only
	juror2     // jury pool, not on the session
	nWho
)

var whoNames = [...]string{"anonyme", "admin", "gestionnaire A", "gestionnaire B", "juré", "candidat", "observateur national", "observateur Bretagne", "juré hors session"}

var whoEmails = map[who]string{
	admin:  "admin@demo.acquis.fr",
	mgrA:   "gaelle.lebihan@demo.acquis.fr",
	mgrB:   "karim.benali@demo.acquis.fr",
	juror:  "helene.marchand@demo.acquis.fr",
	cand:   "yann.kerjean@demo.acquis.fr",
	obsNat: "pilotage@demo.acquis.fr",
	obsBzh: "pilotage.bretagne@demo.acquis.fr",
	juror2: "olivier.chevalier@demo.acquis.fr",
}

func only(ws ...who) map[who]bool {
	m := map[who]bool{}
	for _, w := range ws {
		m[w] = true
	}
	return m
}

var (
	everyone = only(anon, admin, mgrA, mgrB, juror, cand, obsNat, obsBzh, juror2)
	signedIn = only(admin, mgrA, mgrB, juror, cand, obsNat, obsBzh, juror2)
	admins   = only(admin)
)

// matrixCase is one route with a concrete URL and who may use it.
type matrixCase struct {
	method, pattern, path string
	form                  url.Values
	allowed               map[who]bool
}

// ids are the demo records the matrix points at.
type ids struct{ platformA, platformB, victim, grant, candidacy, document, session, juryCandidacy, juror2, staffA int64 }

func matrix(x ids) []matrixCase {
	pA := fmt.Sprint(x.platformA)
	v := fmt.Sprint(x.victim)
	cd, doc := fmt.Sprint(x.candidacy), fmt.Sprint(x.document)
	sA := fmt.Sprint(x.staffA)
	sid := fmt.Sprint(x.session)
	jc := "/jury/sessions/" + sid + "/candidats/" + fmt.Sprint(x.juryCandidacy)
	// Who may read candidate A's candidacy: the candidate, the certifier,
	// and the manager of the candidate's platform.
	readers := only(cand, admin, mgrA)
	return []matrixCase{
		{"GET", "/", "/", nil, everyone},
		{"GET", "/referentiels", "/referentiels", nil, everyone},
		{"GET", "/referentiels/:code", "/referentiels/RNCP37779", nil, everyone},
		{"GET", "/api/v1/certifications", "/api/v1/certifications", nil, everyone},
		{"GET", "/api/v1/certifications/:code", "/api/v1/certifications/RNCP36625", nil, everyone},
		{"GET", "/verifier", "/verifier", nil, everyone},
		{"GET", "/verifier/:code", "/verifier/0123456789abcdef01234567", nil, everyone},
		{"GET", "/verifier/:code/statut", "/verifier/0123456789abcdef01234567/statut", nil, everyone},
		{"GET", "/.well-known/jwks.json", "/.well-known/jwks.json", nil, everyone},
		{"GET", "/emetteur", "/emetteur", nil, everyone},
		{"GET", "/emetteur/certificats.pem", "/emetteur/certificats.pem", nil, everyone},
		{"GET", "/statut/liste", "/statut/liste", nil, everyone},

		{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", nil, everyone},
		{"GET", "/login", "/login", nil, everyone},
		{"POST", "/login", "/login", url.Values{"email": {"x@y.fr"}}, everyone},
		{"GET", "/mot-de-passe-oublie", "/mot-de-passe-oublie", nil, everyone},
		{"POST", "/mot-de-passe-oublie", "/mot-de-passe-oublie", url.Values{"email": {"inconnu@exemple.fr"}}, everyone},
		{"GET", "/reinitialiser/:token", "/reinitialiser/jeton-invalide", nil, everyone},
		{"POST", "/reinitialiser/:token", "/reinitialiser/jeton-invalide", nil, everyone},
		{"GET", "/invitation/:token", "/invitation/jeton-invalide", nil, everyone},
		{"POST", "/invitation/:token", "/invitation/jeton-invalide", nil, everyone},
		{"GET", "/compte", "/compte", nil, signedIn},
		{"POST", "/compte/mot-de-passe", "/compte/mot-de-passe", url.Values{"current": {"faux"}}, signedIn},
		{"GET", "/compte/donnees", "/compte/donnees", nil, signedIn},
		{"GET", "/admin", "/admin", nil, admins},
		{"GET", "/admin/users", "/admin/users", nil, admins},
		{"POST", "/admin/users", "/admin/users", url.Values{"role": {"admin"}}, admins},
		{"GET", "/admin/users/:id", "/admin/users/" + v, nil, admins},
		{"POST", "/admin/users/:id/roles", "/admin/users/" + v + "/roles", url.Values{"role": {"observer"}}, admins},
		{"POST", "/admin/users/:id/roles/:grant/retirer", "/admin/users/" + v + "/roles/" + fmt.Sprint(x.grant) + "/retirer", nil, admins},
		{"POST", "/admin/users/:id/desactiver", "/admin/users/" + v + "/desactiver", nil, admins},
		{"POST", "/admin/users/:id/reactiver", "/admin/users/" + v + "/reactiver", nil, admins},
		{"POST", "/admin/users/:id/invitation", "/admin/users/" + v + "/invitation", nil, admins},
		{"POST", "/admin/users/:id/pseudonymiser", "/admin/users/" + v + "/pseudonymiser", nil, admins},
		{"GET", "/admin/organisations", "/admin/organisations", nil, admins},
		{"POST", "/admin/organisations", "/admin/organisations", url.Values{"kind": {"employer"}}, admins},
		{"GET", "/admin/audit", "/admin/audit", nil, admins},
		{"GET", "/admin/audit.csv", "/admin/audit.csv", nil, admins},

		{"GET", "/admin/certificateur", "/admin/certificateur", nil, admins},
		{"POST", "/admin/certificateur", "/admin/certificateur", url.Values{"name": {""}}, admins},
		{"GET", "/admin/outbox", "/admin/outbox", nil, admins},
		{"GET", "/admin/certifications-equivalentes", "/admin/certifications-equivalentes", nil, admins},
		{"POST", "/admin/certifications-equivalentes", "/admin/certifications-equivalentes", url.Values{"title": {""}}, admins},
		{"GET", "/plateformes/:id", "/plateformes/" + pA, nil, only(admin, mgrA, obsNat, obsBzh)},
		{"POST", "/plateformes/:id/invitations", "/plateformes/" + pA + "/invitations", url.Values{"email": {"pas-une-adresse"}}, only(admin, mgrA)},
		{"GET", "/pilotage", "/pilotage", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/pilotage/plan.csv", "/pilotage/plan.csv", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/pilotage/plan.xlsx", "/pilotage/plan.xlsx", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/api/v1/plan", "/api/v1/plan", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/indicateurs", "/indicateurs", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/indicateurs/:key", "/indicateurs/taux-certification", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/indicateurs/:key/csv", "/indicateurs/blocs/csv", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/indicateurs/:key/xlsx", "/indicateurs/durees/xlsx", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/api/v1/indicators", "/api/v1/indicators", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/api/v1/indicators/:key", "/api/v1/indicators/annuel", nil, only(admin, obsNat, obsBzh)},
		{"GET", "/admin/api-keys", "/admin/api-keys", nil, admins},
		{"POST", "/admin/api-keys", "/admin/api-keys", url.Values{"name": {""}}, admins},
		{"POST", "/admin/api-keys/:kid/revoquer", "/admin/api-keys/999999/revoquer", nil, admins},
		{"GET", "/certificateur/suivi", "/certificateur/suivi", nil, admins},
		{"GET", "/admin/accrochage", "/admin/accrochage", nil, admins},
		{"GET", "/admin/accrochage/flux.xml", "/admin/accrochage/flux.xml", nil, admins},
		{"GET", "/compte/etat-civil", "/compte/etat-civil", nil, signedIn},
		{"POST", "/compte/etat-civil", "/compte/etat-civil", url.Values{"birth_name": {""}}, signedIn},
		{"POST", "/certificateur/suivi/:cert", "/certificateur/suivi/999999", url.Values{"answered_on": {"x"}}, admins},
		{"GET", "/plateformes/:id/personnel/nouveau", "/plateformes/" + pA + "/personnel/nouveau", nil, only(admin, mgrA)},
		{"POST", "/plateformes/:id/personnel", "/plateformes/" + pA + "/personnel", url.Values{"full_name": {""}}, only(admin, mgrA)},
		{"GET", "/plateformes/:id/personnel/:sid", "/plateformes/" + pA + "/personnel/" + sA, nil, only(admin, mgrA)},
		{"POST", "/plateformes/:id/personnel/:sid", "/plateformes/" + pA + "/personnel/" + sA, url.Values{"fte": {"2"}}, only(admin, mgrA)},
		{"POST", "/plateformes/:id/personnel/:sid/justificatif", "/plateformes/" + pA + "/personnel/" + sA + "/justificatif", nil, only(admin, mgrA)},
		{"GET", "/plateformes/:id/personnel/:sid/justificatif", "/plateformes/" + pA + "/personnel/" + sA + "/justificatif", nil, only(admin, mgrA, obsNat, obsBzh)},
		{"POST", "/plateformes/:id/personnel/:sid/depart", "/plateformes/" + pA + "/personnel/" + sA + "/depart", url.Values{"left_on": {"x"}}, only(admin, mgrA)},
		{"POST", "/plateformes/:id/personnel/:sid/suppression", "/plateformes/" + pA + "/personnel/" + sA + "/suppression", url.Values{"delete_reason": {""}}, only(admin, mgrA)},
		{"POST", "/plateformes/:id/objectifs", "/plateformes/" + pA + "/objectifs", url.Values{"year": {"2027"}, "target": {"x"}}, only(admin, mgrA)},
		{"POST", "/plateformes/:id/import", "/plateformes/" + pA + "/import", nil, only(admin, mgrA)},
		{"POST", "/plateformes/:id/import/confirmer", "/plateformes/" + pA + "/import/confirmer", nil, only(admin, mgrA)},
		{"GET", "/plateformes/:id/effectif.csv", "/plateformes/" + pA + "/effectif.csv", nil, only(admin, mgrA, obsNat, obsBzh)},
		{"GET", "/plateformes/:id/plan.csv", "/plateformes/" + pA + "/plan.csv", nil, only(admin, mgrA, obsNat, obsBzh)},
		{"GET", "/plateformes/:id/effectif.xlsx", "/plateformes/" + pA + "/effectif.xlsx", nil, only(admin, mgrA, obsNat, obsBzh)},
		{"GET", "/candidat", "/candidat", nil, only(cand)},
		{"GET", "/candidat/nouvelle", "/candidat/nouvelle", nil, only(cand)},
		{"POST", "/candidat/nouvelle", "/candidat/nouvelle", url.Values{"certification": {"RNCP00000"}}, only(cand)},
		{"GET", "/candidatures/:id", "/candidatures/" + cd, nil, readers},
		{"POST", "/candidatures/:id/etat", "/candidatures/" + cd + "/etat", url.Values{"vers": {"closed"}}, only(cand)},
		{"POST", "/candidatures/:id/livrables/:code/documents", "/candidatures/" + cd + "/livrables/RNCP37779BC01-D01/documents", nil, only(cand)},
		{"GET", "/candidatures/:id/autoevaluation", "/candidatures/" + cd + "/autoevaluation", nil, readers},
		{"POST", "/candidatures/:id/autoevaluation", "/candidatures/" + cd + "/autoevaluation", nil, only(cand)},
		{"GET", "/candidatures/:id/depots/:n", "/candidatures/" + cd + "/depots/1", nil, readers},
		{"GET", "/candidatures/:id/depots/:n/recepisse.pdf", "/candidatures/" + cd + "/depots/1/recepisse.pdf", nil, readers},
		{"GET", "/candidatures/:id/attestations/:block", "/candidatures/" + cd + "/attestations/RNCP37779BC01", nil, readers},
		{"GET", "/candidatures/:id/certificat.pdf", "/candidatures/" + cd + "/certificat.pdf", nil, readers},
		{"GET", "/candidatures/:id/certificat.jwt", "/candidatures/" + cd + "/certificat.jwt", nil, readers},
		{"GET", "/candidatures/:id/attestations/:block/badge.jwt", "/candidatures/" + cd + "/attestations/RNCP37779BC01/badge.jwt", nil, readers},
		{"POST", "/certificateur/certificats/:cid/retirer", "/certificateur/certificats/999999/retirer", url.Values{"reason": {""}}, admins},
		{"GET", "/documents/:id", "/documents/" + doc, nil, readers},
		{"POST", "/documents/:id/supprimer", "/documents/" + doc + "/supprimer", nil, only(cand)},
		{"POST", "/certificateur/referentiels/:code/livrables/:dcode/modele", "/certificateur/referentiels/RNCP37779/livrables/RNCP37779BC01-D01/modele", nil, admins},
		{"GET", "/certificateur/referentiels/:code/livrables/:dcode/modele", "/certificateur/referentiels/RNCP37779/livrables/RNCP37779BC01-D01/modele", nil, admins},
		{"GET", "/candidatures/:id/livrables/:code/modele", "/candidatures/" + cd + "/livrables/RNCP37779BC01-D01/modele", nil, readers},
		{"GET", "/certificateur/recevabilite", "/certificateur/recevabilite", nil, admins},
		{"POST", "/certificateur/candidatures/:id/etat", "/certificateur/candidatures/" + cd + "/etat", url.Values{"vers": {"closed"}}, admins},
		{"POST", "/candidatures/:id/equivalences/:block/preuve", "/candidatures/" + cd + "/equivalences/RNCP37779BC01/preuve", nil, only(cand)},
		{"POST", "/certificateur/candidatures/:id/equivalences/:block", "/certificateur/candidatures/" + cd + "/equivalences/RNCP37779BC01", url.Values{"decision": {"x"}}, admins},
		{"POST", "/candidatures/:id/prerequis/:code/justificatif", "/candidatures/" + cd + "/prerequis/experience_professionnelle/justificatif", nil, only(cand)},
		{"POST", "/certificateur/candidatures/:id/prerequis/:code", "/certificateur/candidatures/" + cd + "/prerequis/experience_professionnelle", url.Values{"mois": {"x"}}, admins},
		{"GET", "/api/v1/candidacies", "/api/v1/candidacies", nil, only(cand)},
		{"GET", "/api/v1/candidacies/:id", "/api/v1/candidacies/" + cd, nil, readers},
		{"POST", "/api/v1/candidacies/:id/deliverables/:code/documents", "/api/v1/candidacies/" + cd + "/deliverables/RNCP37779BC01-D01/documents", nil, only(cand)},
		{"GET", "/certificateur/jurys", "/certificateur/jurys", nil, admins},
		{"GET", "/api/v1/jury/sessions", "/api/v1/jury/sessions", nil, admins},
		{"POST", "/certificateur/jurys", "/certificateur/jurys", url.Values{"certification": {"RNCP37779"}}, admins},
		{"GET", "/certificateur/jurys/:sid", "/certificateur/jurys/" + sid, nil, admins},
		{"POST", "/certificateur/jurys/:sid/membres", "/certificateur/jurys/" + sid + "/membres", nil, admins},
		{"POST", "/certificateur/jurys/:sid/membres/:uid/retirer", "/certificateur/jurys/" + sid + "/membres/0/retirer", nil, admins},
		{"POST", "/certificateur/jurys/:sid/presidence", "/certificateur/jurys/" + sid + "/presidence", nil, admins},
		{"POST", "/certificateur/jurys/:sid/affectations", "/certificateur/jurys/" + sid + "/affectations", nil, admins},
		{"POST", "/certificateur/jurys/:sid/ouvrir", "/certificateur/jurys/" + sid + "/ouvrir", nil, admins},
		{"POST", "/certificateur/jurys/:sid/deliberer", "/certificateur/jurys/" + sid + "/deliberer", nil, admins},
		{"GET", "/certificateur/vivier", "/certificateur/vivier", nil, admins},
		{"POST", "/certificateur/vivier/:uid", "/certificateur/vivier/" + fmt.Sprint(x.juror2), url.Values{"college": {"inconnu"}}, admins},
		{"GET", "/jury", "/jury", nil, only(juror, juror2)},
		{"GET", "/jury/sessions/:sid/candidats/:cid", jc, nil, only(admin, juror)},
		{"POST", "/jury/sessions/:sid/candidats/:cid/declaration", jc + "/declaration", nil, only(juror)},
		{"POST", "/jury/sessions/:sid/candidats/:cid/conflit", jc + "/conflit", nil, only(juror)},
		{"POST", "/jury/sessions/:sid/candidats/:cid/votes", jc + "/votes", url.Values{"block": {"RNCP37779BC01"}, "vote": {"valide"}}, only(juror)},
		{"POST", "/jury/sessions/:sid/candidats/:cid/verdicts", jc + "/verdicts", url.Values{"criterion": {"inconnu"}, "verdict": {"acquis"}}, only(juror)},
		{"POST", "/jury/sessions/:sid/candidats/:cid/remettre", jc + "/remettre", nil, only(juror)},
		{"POST", "/jury/sessions/:sid/candidats/:cid/decisions", jc + "/decisions", nil, only(juror)},
		{"POST", "/jury/sessions/:sid/candidats/:cid/resultat", jc + "/resultat", nil, only(juror)},
		{"GET", "/jury/sessions/:sid/deliberation", "/jury/sessions/" + sid + "/deliberation", nil, only(admin, juror)},
		{"POST", "/jury/sessions/:sid/signer", "/jury/sessions/" + sid + "/signer", nil, only(juror)},
		{"POST", "/jury/sessions/:sid/avenants", "/jury/sessions/" + sid + "/avenants", nil, only(juror)},
		{"GET", "/jury/sessions/:sid/resultats", "/jury/sessions/" + sid + "/resultats", nil, only(admin, juror)},
		{"GET", "/jury/sessions/:sid/proces-verbal/:v", "/jury/sessions/" + sid + "/proces-verbal/1", nil, only(admin, juror)},
		// The session is open: its members may not read every verdict yet
		// (TestJuryJourney checks that they may once it deliberates).
		{"GET", "/jury/sessions/:sid/candidats/:cid/dossier-jury.pdf", jc + "/dossier-jury.pdf", nil, only(admin)},
		{"GET", "/api/v1/jury/sessions/:sid/candidacies/:cid/grid", "/api/v1/jury/sessions/" + sid + "/candidacies/" + fmt.Sprint(x.juryCandidacy) + "/grid", nil, only(admin, juror)},
		{"POST", "/api/v1/jury/sessions/:sid/candidacies/:cid/verdicts", "/api/v1/jury/sessions/" + sid + "/candidacies/" + fmt.Sprint(x.juryCandidacy) + "/verdicts", nil, only(juror)},
		// Last: it ends the session.
		{"POST", "/logout", "/logout", nil, everyone},
	}
}

// matrixIDs makes the records the matrix's URLs point at: a candidacy with
// a document, a jury session, a staff row, another user's role.
func matrixIDs(a *app) ids {
	x := ids{
		platformA: a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`),
		platformB: a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '69'`),
		victim:    a.id(`SELECT id FROM users WHERE email = 'emilie.fontaine@demo.acquis.fr'`),
	}
	x.grant = a.id(`SELECT id FROM user_roles WHERE user_id = $1`, x.victim)
	x.candidacy, x.document = a.candidacyWithDocument(whoEmails[cand])
	a.deliverableTemplate("RNCP37779", "RNCP37779BC01-D01")
	x.session, x.juryCandidacy = a.jurySession("ronan.le.gall@demo.acquis.fr", whoEmails[juror], "sophie.roussel@demo.acquis.fr")
	x.juror2 = a.id(`SELECT id FROM users WHERE email = $1`, whoEmails[juror2])
	x.staffA = a.id(`SELECT min(id) FROM staff WHERE platform_id = $1`, x.platformA)
	return x
}

// TestAuthorisationMatrix asks every route as every kind of principal and
// checks the answer. A route missing from the matrix fails the test, so
// each new route must say who may use it.
func TestAuthorisationMatrix(t *testing.T) {
	a := newApp(t)
	cases := matrix(matrixIDs(a))

	known := map[string]bool{}
	for _, c := range cases {
		known[c.method+" "+c.pattern] = true
	}
	var missing []string
	for _, r := range a.s.Routes() {
		if !known[r.Method+" "+r.Path] {
			missing = append(missing, r.Method+" "+r.Path)
		}
		delete(known, r.Method+" "+r.Path)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("routes absentes de la matrice d'autorisation :\n%s", strings.Join(missing, "\n"))
	}
	for k := range known {
		t.Errorf("la matrice cite une route qui n'existe pas : %s", k)
	}

	for w := anon; w < nWho; w++ {
		t.Run(whoNames[w], func(t *testing.T) {
			c := a.client()
			if w != anon {
				c.login(whoEmails[w])
			} else {
				c.get("/login")
			}
			for _, mc := range cases {
				var res response
				if mc.method == http.MethodGet {
					res = c.get(mc.path)
				} else {
					form := url.Values{}
					for k, v := range mc.form {
						form[k] = v
					}
					res = c.post(mc.path, form)
				}
				refused := res.Status == http.StatusForbidden || res.Status == http.StatusUnauthorized ||
					(res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location, "/login?"))
				if mc.allowed[w] && refused {
					t.Errorf("%s %s : refusé (%d) alors qu'autorisé", mc.method, mc.path, res.Status)
				}
				if !mc.allowed[w] && !refused {
					t.Errorf("%s %s : autorisé (%d) alors que refusé", mc.method, mc.path, res.Status)
				}
				if res.Status >= 500 {
					t.Errorf("%s %s : erreur %d\n%s", mc.method, mc.path, res.Status, res.Body)
				}
				if !mc.allowed[w] && w != anon && res.Status == http.StatusForbidden && !strings.Contains(res.Body, "accès") {
					t.Errorf("%s %s : le refus ne dit pas pourquoi en français", mc.method, mc.path)
				}
			}
		})
	}
}

// TestScopeByURL: changing the id in the URL does not reach another
// platform, and the refusal is audited.
func TestScopeByURL(t *testing.T) {
	a := newApp(t)
	pB := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '69'`)
	for _, email := range []string{whoEmails[mgrA], whoEmails[obsBzh], whoEmails[cand]} {
		c := a.client()
		c.login(email)
		before := a.id(`SELECT count(*) FROM audit_log WHERE action = 'access.denied'`)
		if res := c.get(fmt.Sprintf("/plateformes/%d", pB)); res.Status != http.StatusForbidden {
			t.Errorf("%s voit la plateforme du Rhône : %d", email, res.Status)
		}
		res := c.post(fmt.Sprintf("/plateformes/%d/invitations", pB), url.Values{"email": {"intrus@exemple.fr"}, "full_name": {"Intrus"}})
		if res.Status != http.StatusForbidden {
			t.Errorf("%s invite dans la plateforme du Rhône : %d", email, res.Status)
		}
		if after := a.id(`SELECT count(*) FROM audit_log WHERE action = 'access.denied'`); after != before+2 {
			t.Errorf("%s : %d refus audités, attendu 2", email, after-before)
		}
	}
	if n := a.id(`SELECT count(*) FROM users WHERE email = 'intrus@exemple.fr'`); n != 0 {
		t.Errorf("un compte a été créé malgré le refus")
	}
	// Unknown and malformed platform ids are 404, not 500.
	c := a.client()
	c.login(whoEmails[admin])
	for _, p := range []string{"/plateformes/999999", "/plateformes/abc", "/admin/users/0"} {
		if res := c.get(p); res.Status != http.StatusNotFound {
			t.Errorf("%s : %d, attendu 404", p, res.Status)
		}
	}
}

// TestProbeRoutesMatrix: the routes outside the policy table. /healthz and
// /readyz answer everyone (a load balancer has no session); /metrics is
// refused to every principal when relayed by a reverse proxy, signed in
// or not: it is for a scraper on the machine or holding the token.
func TestProbeRoutesMatrix(t *testing.T) {
	a := newApp(t)
	for w := anon; w < nWho; w++ {
		c := a.client()
		if w != anon {
			c.login(whoEmails[w])
		}
		for _, p := range []string{"/healthz", "/readyz"} {
			if res := c.get(p); res.Status != http.StatusOK {
				t.Errorf("%s %s : %d", whoNames[w], p, res.Status)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/metrics", nil)
		req.Header.Set("X-Forwarded-For", "198.51.100.7")
		if res := c.do(req); res.Status != http.StatusForbidden {
			t.Errorf("%s /metrics via le proxy : %d", whoNames[w], res.Status)
		}
	}
}
