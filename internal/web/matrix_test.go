package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"acquis/internal/account"
	"acquis/internal/accrochage"
	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/demo"
	"acquis/internal/portfolio"
)

// who is one kind of principal of the authorisation matrix.
type who int

const (
	anon   who = iota
	admin      // certifier staff
	mgrA       // manages platform A (Finistère, Bretagne)
	mgrB       // manages platform B (Rhône)
	juror      // jury pool, chairs the matrix's sessions
	cand       // candidate of platform A
	obsNat     // national observer
	obsBzh     // observer of Bretagne only
	juror2     // jury pool, not on the session
	holder     // candidate of platform A holding a certificate
	nWho
)

var whoNames = [...]string{"anonyme", "admin", "gestionnaire A", "gestionnaire B", "juré", "candidat", "observateur national", "observateur Bretagne", "juré hors session", "titulaire"}

var whoEmails = map[who]string{
	admin:  "admin@demo.acquis.fr",
	mgrA:   "gaelle.lebihan@demo.acquis.fr",
	mgrB:   "karim.benali@demo.acquis.fr",
	juror:  "helene.marchand@demo.acquis.fr",
	cand:   "yann.kerjean@demo.acquis.fr",
	obsNat: "pilotage@demo.acquis.fr",
	obsBzh: "pilotage.bretagne@demo.acquis.fr",
	juror2: "olivier.chevalier@demo.acquis.fr",
	holder: "titulaire.matrice@exemple.fr", // made by matrixIDs
}

func only(ws ...who) map[who]bool {
	m := map[who]bool{}
	for _, w := range ws {
		m[w] = true
	}
	return m
}

var (
	everyone = only(anon, admin, mgrA, mgrB, juror, cand, obsNat, obsBzh, juror2, holder)
	signedIn = only(admin, mgrA, mgrB, juror, cand, obsNat, obsBzh, juror2, holder)
	admins   = only(admin)
)

// matrixCase is one route with a concrete URL, who may use it, and the
// exact status an allowed principal gets. A refused principal gets what
// refusedStatus says (the policy's answer, the same for every route).
type matrixCase struct {
	method, pattern, path string
	form                  url.Values
	allowed               map[who]bool
	want                  int
}

// prep makes, for one allowed principal's request, the records it acts
// on, and returns its path and form: a request that changes its records
// (deletes them, moves them on) would leave the next principal nothing to
// do. The refused principals ask the row's own path.
type prep func(w who) (string, url.Values)

// refusedStatus is how the policy answers a principal it refuses: a browser
// that is not signed in is sent to the login page, the API and any form
// post get 401, and a signed-in principal 403.
func refusedStatus(w who, method, path string) int {
	switch {
	case w != anon:
		return http.StatusForbidden
	case method == http.MethodGet && !strings.HasPrefix(path, "/api/"):
		return http.StatusSeeOther
	}
	return http.StatusUnauthorized
}

// ids are the records the matrix points at.
type ids struct {
	platformA, platformB, victim, grant, candidacy, document, session, juryCandidacy, juror2, staffA int64
	// certified is the holder's candidacy, validated by the signed session
	// signedSession; certificate is its certificate, verifyCode its
	// verification code.
	certified, signedSession, certificate int64
	verifyCode                            string
	inviteToken, resetToken               string
	apiKey                                int64
}

func matrix(x ids) []matrixCase {
	pA := fmt.Sprint(x.platformA)
	v := fmt.Sprint(x.victim)
	cd, doc := fmt.Sprint(x.candidacy), fmt.Sprint(x.document)
	cc := fmt.Sprint(x.certified)
	sA := fmt.Sprint(x.staffA)
	sid := fmt.Sprint(x.session)
	jc := "/jury/sessions/" + sid + "/candidats/" + fmt.Sprint(x.juryCandidacy)
	// Who may read candidate A's candidacy: the candidate, the certifier,
	// and the manager of the candidate's platform; the same for the
	// holder's certified candidacy.
	readers := only(cand, admin, mgrA)
	// The holder's jury (the matrix's juror chaired it) reads what it
	// decided.
	holders := only(holder, admin, mgrA, juror)
	const (
		ok       = http.StatusOK
		created  = http.StatusCreated
		redirect = http.StatusSeeOther
	)
	staffForm := url.Values{"full_name": {"Recrue de la matrice"}, "function": {"conseiller"}, "fte": {"0,8"}, "hired_on": {"2026-09-01"}, "status": {"not_engaged"}}
	return []matrixCase{
		{"GET", "/", "/", nil, everyone, ok},
		{"GET", "/referentiels", "/referentiels", nil, everyone, ok},
		{"GET", "/referentiels/:code", "/referentiels/RNCP37779", nil, everyone, ok},
		{"GET", "/api/v1/certifications", "/api/v1/certifications", nil, everyone, ok},
		{"GET", "/api/v1/certifications/:code", "/api/v1/certifications/RNCP36625", nil, everyone, ok},
		{"GET", "/verifier", "/verifier", nil, everyone, ok},
		{"GET", "/verifier/:code", "/verifier/" + x.verifyCode, nil, everyone, ok},
		{"GET", "/verifier/:code/statut", "/verifier/" + x.verifyCode + "/statut", nil, everyone, ok},
		{"GET", "/.well-known/jwks.json", "/.well-known/jwks.json", nil, everyone, ok},
		{"GET", "/emetteur", "/emetteur", nil, everyone, ok},
		{"GET", "/emetteur/certificats.pem", "/emetteur/certificats.pem", nil, everyone, ok},
		{"GET", "/statut/liste", "/statut/liste", nil, everyone, ok},

		{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", nil, everyone, ok},
		// A signed-in visitor of the login page is sent to their home
		// (see matrixExceptions).
		{"GET", "/login", "/login", nil, only(anon), ok},
		{"GET", "/mot-de-passe-oublie", "/mot-de-passe-oublie", nil, everyone, ok},
		{"POST", "/mot-de-passe-oublie", "/mot-de-passe-oublie", nil, everyone, ok},
		{"GET", "/reinitialiser/:token", "/reinitialiser/" + x.resetToken, nil, everyone, ok},
		{"POST", "/reinitialiser/:token", "/reinitialiser/jeton", nil, everyone, redirect},
		{"GET", "/invitation/:token", "/invitation/" + x.inviteToken, nil, everyone, ok},
		{"POST", "/invitation/:token", "/invitation/jeton", nil, everyone, redirect},
		{"GET", "/compte", "/compte", nil, signedIn, ok},
		{"GET", "/compte/donnees", "/compte/donnees", nil, signedIn, ok},
		{"GET", "/admin", "/admin", nil, admins, ok},
		{"GET", "/admin/users", "/admin/users", nil, admins, ok},
		{"POST", "/admin/users", "/admin/users", nil, admins, redirect},
		{"GET", "/admin/users/:id", "/admin/users/" + v, nil, admins, ok},
		{"POST", "/admin/users/:id/roles", "/admin/users/" + v + "/roles", url.Values{"role": {"observer"}}, admins, redirect},
		{"POST", "/admin/users/:id/roles/:grant/retirer", "/admin/users/" + v + "/roles/" + fmt.Sprint(x.grant) + "/retirer", nil, admins, redirect},
		{"POST", "/admin/users/:id/desactiver", "/admin/users/" + v + "/desactiver", nil, admins, redirect},
		{"POST", "/admin/users/:id/reactiver", "/admin/users/" + v + "/reactiver", nil, admins, redirect},
		{"POST", "/admin/users/:id/invitation", "/admin/users/" + v + "/invitation", nil, admins, redirect},
		{"POST", "/admin/users/:id/pseudonymiser", "/admin/users/" + v + "/pseudonymiser", nil, admins, redirect},
		{"GET", "/admin/organisations", "/admin/organisations", nil, admins, ok},
		{"POST", "/admin/organisations", "/admin/organisations", url.Values{"kind": {"employer"}, "name": {"Employeur de la matrice"}}, admins, redirect},
		{"GET", "/admin/audit", "/admin/audit", nil, admins, ok},
		{"GET", "/admin/audit.csv", "/admin/audit.csv", nil, admins, ok},

		{"GET", "/admin/certificateur", "/admin/certificateur", nil, admins, ok},
		{"POST", "/admin/certificateur", "/admin/certificateur", url.Values{"name": {"Certificateur de la matrice"}, "address": {"1 rue de la Paix, 75002 Paris"},
			"signatory_name": {"Claire Dubois"}, "signatory_function": {"Présidente du jury national"}, "rncp_reference": {"RNCP37779"}}, admins, redirect},
		{"GET", "/admin/outbox", "/admin/outbox", nil, admins, ok},
		{"GET", "/admin/certifications-equivalentes", "/admin/certifications-equivalentes", nil, admins, ok},
		{"POST", "/admin/certifications-equivalentes", "/admin/certifications-equivalentes", url.Values{"title": {"Titre de la matrice"},
			"decision_ref": {"Décision n° 2026-01"}, "decided_on": {"2026-01-15"}}, admins, redirect},
		{"GET", "/plateformes/:id", "/plateformes/" + pA, nil, only(admin, mgrA, obsNat, obsBzh), ok},
		{"POST", "/plateformes/:id/invitations", "/plateformes/" + pA + "/invitations", nil, only(admin, mgrA), redirect},
		{"GET", "/pilotage", "/pilotage", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/pilotage/plan.csv", "/pilotage/plan.csv", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/pilotage/plan.xlsx", "/pilotage/plan.xlsx", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/api/v1/plan", "/api/v1/plan", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/indicateurs", "/indicateurs", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/indicateurs/:key", "/indicateurs/taux-certification", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/indicateurs/:key/csv", "/indicateurs/blocs/csv", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/indicateurs/:key/xlsx", "/indicateurs/durees/xlsx", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/api/v1/indicators", "/api/v1/indicators", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/api/v1/indicators/:key", "/api/v1/indicators/annuel", nil, only(admin, obsNat, obsBzh), ok},
		{"GET", "/admin/api-keys", "/admin/api-keys", nil, admins, ok},
		// The new key is shown once, on the page that answers (201).
		{"POST", "/admin/api-keys", "/admin/api-keys", url.Values{"name": {"Tableau de bord de la matrice"}, "region": {"53"}}, admins, created},
		{"POST", "/admin/api-keys/:kid/revoquer", "/admin/api-keys/" + fmt.Sprint(x.apiKey) + "/revoquer", nil, admins, redirect},
		{"GET", "/certificateur/suivi", "/certificateur/suivi", nil, admins, ok},
		{"GET", "/admin/accrochage", "/admin/accrochage", nil, admins, ok},
		{"GET", "/admin/accrochage/flux.xml", "/admin/accrochage/flux.xml", nil, admins, ok},
		{"GET", "/compte/etat-civil", "/compte/etat-civil", nil, signedIn, ok},
		{"POST", "/compte/etat-civil", "/compte/etat-civil", url.Values{"birth_name": {"Durand"}, "first_name1": {"Élodie"}, "birth_date": {"1984-07-14"},
			"sex": {"F"}, "birth_place": {"Brest (29019)"}, "birth_choice": {"Brest (29019)"}}, signedIn, redirect},
		{"GET", "/compte/communes", "/compte/communes?q=rennes", nil, signedIn, ok},
		{"POST", "/certificateur/suivi/:cert", "/certificateur/suivi/" + fmt.Sprint(x.certificate), url.Values{"answered_on": {time.Now().AddDate(0, 0, -1).Format("2006-01-02")},
			"horizon": {"6m"}, "situation": {"emploi_metier"}}, admins, redirect},
		{"GET", "/plateformes/:id/personnel/nouveau", "/plateformes/" + pA + "/personnel/nouveau", nil, only(admin, mgrA), ok},
		{"POST", "/plateformes/:id/personnel", "/plateformes/" + pA + "/personnel", staffForm, only(admin, mgrA), redirect},
		{"GET", "/plateformes/:id/personnel/:sid", "/plateformes/" + pA + "/personnel/" + sA, nil, only(admin, mgrA), ok},
		{"POST", "/plateformes/:id/personnel/:sid", "/plateformes/" + pA + "/personnel/" + sA, staffForm, only(admin, mgrA), redirect},
		{"POST", "/plateformes/:id/personnel/:sid/justificatif", "/plateformes/" + pA + "/personnel/" + sA + "/justificatif", nil, only(admin, mgrA), redirect},
		{"GET", "/plateformes/:id/personnel/:sid/justificatif", "/plateformes/" + pA + "/personnel/" + sA + "/justificatif", nil, only(admin, mgrA, obsNat, obsBzh), ok},
		{"POST", "/plateformes/:id/personnel/:sid/depart", "/plateformes/" + pA + "/personnel/" + sA + "/depart", nil, only(admin, mgrA), redirect},
		{"POST", "/plateformes/:id/personnel/:sid/suppression", "/plateformes/" + pA + "/personnel/" + sA + "/suppression", nil, only(admin, mgrA), redirect},
		{"POST", "/plateformes/:id/objectifs", "/plateformes/" + pA + "/objectifs", url.Values{"year": {"2027"}, "target": {"3"}, "reason": {"Deux départs en formation."}}, only(admin, mgrA), redirect},
		// The preview writes nothing: it shows the lines to confirm.
		{"POST", "/plateformes/:id/import", "/plateformes/" + pA + "/import", nil, only(admin, mgrA), ok},
		{"POST", "/plateformes/:id/import/confirmer", "/plateformes/" + pA + "/import/confirmer", url.Values{"payload": {base64.StdEncoding.EncodeToString([]byte(matrixRoster))},
			"file_name": {"effectif.csv"}}, only(admin, mgrA), redirect},
		{"GET", "/plateformes/:id/effectif.csv", "/plateformes/" + pA + "/effectif.csv", nil, only(admin, mgrA, obsNat, obsBzh), ok},
		{"GET", "/plateformes/:id/plan.csv", "/plateformes/" + pA + "/plan.csv", nil, only(admin, mgrA, obsNat, obsBzh), ok},
		{"GET", "/plateformes/:id/effectif.xlsx", "/plateformes/" + pA + "/effectif.xlsx", nil, only(admin, mgrA, obsNat, obsBzh), ok},
		{"GET", "/candidat", "/candidat", nil, only(cand, holder), ok},
		{"GET", "/candidat/nouvelle", "/candidat/nouvelle", nil, only(cand, holder), ok},
		{"POST", "/candidat/nouvelle", "/candidat/nouvelle", nil, only(cand, holder), redirect},
		{"GET", "/candidatures/:id", "/candidatures/" + cd, nil, readers, ok},
		{"POST", "/candidatures/:id/etat", "/candidatures/" + cd + "/etat", url.Values{"vers": {"admissibility_submitted"}}, only(cand), redirect},
		{"POST", "/candidatures/:id/livrables/:code/documents", "/candidatures/" + cd + "/livrables/RNCP37779BC01-D01/documents", nil, only(cand), redirect},
		{"GET", "/candidatures/:id/autoevaluation", "/candidatures/" + cd + "/autoevaluation", nil, readers, ok},
		{"POST", "/candidatures/:id/autoevaluation", "/candidatures/" + cd + "/autoevaluation", nil, only(cand), redirect},
		{"GET", "/candidatures/:id/depots/:n", "/candidatures/" + cc + "/depots/1", nil, holders, ok},
		{"GET", "/candidatures/:id/depots/:n/recepisse.pdf", "/candidatures/" + cc + "/depots/1/recepisse.pdf", nil, holders, ok},
		{"GET", "/candidatures/:id/attestations/:block", "/candidatures/" + cc + "/attestations/RNCP37779BC01", nil, holders, ok},
		{"GET", "/candidatures/:id/certificat.pdf", "/candidatures/" + cc + "/certificat.pdf", nil, holders, ok},
		{"GET", "/candidatures/:id/certificat.jwt", "/candidatures/" + cc + "/certificat.jwt", nil, holders, ok},
		{"GET", "/candidatures/:id/attestations/:block/badge.jwt", "/candidatures/" + cc + "/attestations/RNCP37779BC01/badge.jwt", nil, holders, ok},
		{"POST", "/certificateur/certificats/:cid/retirer", "/certificateur/certificats/" + fmt.Sprint(x.certificate) + "/retirer", url.Values{"reason": {"Fraude : dossier copié."}}, admins, redirect},
		{"GET", "/documents/:id", "/documents/" + doc, nil, readers, ok},
		{"POST", "/certificateur/referentiels/:code/livrables/:dcode/modele", "/certificateur/referentiels/RNCP37779/livrables/RNCP37779BC01-D01/modele", nil, admins, redirect},
		{"GET", "/certificateur/referentiels/:code/livrables/:dcode/modele", "/certificateur/referentiels/RNCP37779/livrables/RNCP37779BC01-D01/modele", nil, admins, ok},
		{"GET", "/candidatures/:id/livrables/:code/modele", "/candidatures/" + cd + "/livrables/RNCP37779BC01-D01/modele", nil, readers, ok},
		{"POST", "/documents/:id/supprimer", "/documents/" + doc + "/supprimer", nil, only(cand), redirect},
		{"GET", "/certificateur/recevabilite", "/certificateur/recevabilite", nil, admins, ok},
		{"POST", "/certificateur/candidatures/:id/etat", "/certificateur/candidatures/" + cd + "/etat", url.Values{"vers": {"admissible"}}, admins, redirect},
		{"POST", "/candidatures/:id/equivalences/:block/preuve", "/candidatures/" + cd + "/equivalences/RNCP37779BC03/preuve", nil, only(cand), redirect},
		{"POST", "/certificateur/candidatures/:id/equivalences/:block", "/certificateur/candidatures/" + cd + "/equivalences/RNCP37779BC03",
			url.Values{"decision": {"accepter"}, "fondement": {"equivalence-000-section-4"}, "motifs": {"Titulaire du bloc 3 d'un titre reconnu équivalent."}}, admins, redirect},
		{"POST", "/candidatures/:id/prerequis/:code/justificatif", "/candidatures/" + cd + "/prerequis/experience_professionnelle/justificatif", nil, only(cand), redirect},
		{"POST", "/certificateur/candidatures/:id/prerequis/:code", "/certificateur/candidatures/" + cd + "/prerequis/experience_professionnelle",
			url.Values{"months": {"20"}, "accepte": {"oui"}, "motifs": {"Deux employeurs, 2023-2024."}}, admins, redirect},
		{"GET", "/api/v1/candidacies", "/api/v1/candidacies", nil, only(cand, holder), ok},
		{"GET", "/api/v1/candidacies/:id", "/api/v1/candidacies/" + cd, nil, readers, ok},
		{"POST", "/api/v1/candidacies/:id/deliverables/:code/documents", "/api/v1/candidacies/" + cd + "/deliverables/RNCP37779BC01-D01/documents", nil, only(cand), created},
		{"GET", "/certificateur/jurys", "/certificateur/jurys", nil, admins, ok},
		{"GET", "/api/v1/jury/sessions", "/api/v1/jury/sessions", nil, admins, ok},
		{"POST", "/certificateur/jurys", "/certificateur/jurys", url.Values{"certification": {"RNCP37779"}, "date": {time.Now().AddDate(0, 2, 0).Format("2006-01-02")},
			"time": {"09:30"}, "place": {"Quimper"}, "deadline": {time.Now().AddDate(0, 1, 0).Format("2006-01-02")}}, admins, redirect},
		{"GET", "/certificateur/jurys/:sid", "/certificateur/jurys/" + sid, nil, admins, ok},
		{"POST", "/certificateur/jurys/:sid/membres", "/certificateur/jurys/" + sid + "/membres", nil, admins, redirect},
		{"POST", "/certificateur/jurys/:sid/membres/:uid/retirer", "/certificateur/jurys/" + sid + "/membres/0/retirer", nil, admins, redirect},
		{"POST", "/certificateur/jurys/:sid/presidence", "/certificateur/jurys/" + sid + "/presidence", nil, admins, redirect},
		{"POST", "/certificateur/jurys/:sid/affectations", "/certificateur/jurys/" + sid + "/affectations", nil, admins, redirect},
		{"POST", "/certificateur/jurys/:sid/ouvrir", "/certificateur/jurys/" + sid + "/ouvrir", nil, admins, redirect},
		{"POST", "/certificateur/jurys/:sid/deliberer", "/certificateur/jurys/" + sid + "/deliberer", nil, admins, redirect},
		{"GET", "/certificateur/vivier", "/certificateur/vivier", nil, admins, ok},
		{"POST", "/certificateur/vivier/:uid", "/certificateur/vivier/" + fmt.Sprint(x.juror2), url.Values{"gender": {"M"}, "college": {"certifier"},
			"qualified": {"RNCP37779"}}, admins, redirect},
		{"GET", "/jury", "/jury", nil, only(juror, juror2), ok},
		{"GET", "/jury/sessions/:sid/candidats/:cid", jc, nil, only(admin, juror), ok},
		{"POST", "/jury/sessions/:sid/candidats/:cid/declaration", jc + "/declaration", nil, only(juror), redirect},
		{"POST", "/jury/sessions/:sid/candidats/:cid/conflit", jc + "/conflit", url.Values{"note": {"Ancien collègue du candidat."}}, only(juror), redirect},
		{"POST", "/jury/sessions/:sid/candidats/:cid/votes", jc + "/votes", url.Values{"block": {"RNCP37779BC01"}, "vote": {"valide"}}, only(juror), redirect},
		{"POST", "/jury/sessions/:sid/candidats/:cid/verdicts", jc + "/verdicts", url.Values{"verdict-RNCP37779BC01-CR01": {"acquis"}}, only(juror), redirect},
		{"POST", "/jury/sessions/:sid/candidats/:cid/remettre", jc + "/remettre", nil, only(juror), redirect},
		{"POST", "/jury/sessions/:sid/candidats/:cid/decisions", jc + "/decisions", url.Values{"block": {"RNCP37779BC01"}}, only(juror), redirect},
		{"POST", "/jury/sessions/:sid/candidats/:cid/resultat", jc + "/resultat", url.Values{"preconisations": {"Poursuivre la formation continue."}}, only(juror), redirect},
		{"GET", "/jury/sessions/:sid/deliberation", "/jury/sessions/" + sid + "/deliberation", nil, only(admin, juror), ok},
		{"POST", "/jury/sessions/:sid/signer", "/jury/sessions/" + sid + "/signer", url.Values{"confirm": {"oui"}}, only(juror), redirect},
		{"POST", "/jury/sessions/:sid/avenants", "/jury/sessions/" + sid + "/avenants", nil, only(juror), redirect},
		{"GET", "/jury/sessions/:sid/resultats", "/jury/sessions/" + sid + "/resultats", nil, only(admin, juror), ok},
		{"GET", "/jury/sessions/:sid/proces-verbal/:v", "/jury/sessions/" + fmt.Sprint(x.signedSession) + "/proces-verbal/1", nil, only(admin, juror), ok},
		// The session is open: its members may not read every verdict yet
		// (TestJuryJourney checks that they may once it deliberates).
		{"GET", "/jury/sessions/:sid/candidats/:cid/dossier-jury.pdf", jc + "/dossier-jury.pdf", nil, only(admin), ok},
		{"GET", "/api/v1/jury/sessions/:sid/candidacies/:cid/grid", "/api/v1/jury/sessions/" + sid + "/candidacies/" + fmt.Sprint(x.juryCandidacy) + "/grid", nil, only(admin, juror), ok},
		{"POST", "/api/v1/jury/sessions/:sid/candidacies/:cid/verdicts", "/api/v1/jury/sessions/" + sid + "/candidacies/" + fmt.Sprint(x.juryCandidacy) + "/verdicts",
			url.Values{"criterion": {"RNCP37779BC01-CR01"}, "verdict": {"acquis"}}, only(juror), ok},
		// Near the end: they change the session (the principal's own
		// password, a new login).
		{"POST", "/compte/mot-de-passe", "/compte/mot-de-passe", nil, signedIn, redirect},
		{"POST", "/login", "/login", nil, everyone, redirect},
		// Last: it ends the session.
		{"POST", "/logout", "/logout", nil, everyone, redirect},
	}
}

// matrixExceptions are the principals whose exact answer is neither the
// row's nor a refusal: a signed-in visitor of the login page is sent to
// their own space (303), which is not a refusal but not the page either.
var matrixExceptions = map[string]map[who]int{
	"GET /login": {admin: http.StatusSeeOther, mgrA: http.StatusSeeOther, mgrB: http.StatusSeeOther, juror: http.StatusSeeOther,
		cand: http.StatusSeeOther, obsNat: http.StatusSeeOther, obsBzh: http.StatusSeeOther, juror2: http.StatusSeeOther, holder: http.StatusSeeOther},
}

// matrixRoster is a valid roster file for the import routes.
const matrixRoster = "nom;fonction;etp;date_prise_de_poste;statut\r\nImportée Matrice;conseiller;1;01/01/2020;non engagé\r\n"

// matrixIDs makes the records the matrix's URLs point at: the
// candidate's candidacy with a document, an open jury session, the
// holder's certified candidacy and its signed session, a staff row with
// its evidence, another user's role, live tokens, an API key.
func matrixIDs(a *app) ids {
	ctx := context.Background()
	x := ids{
		platformA: a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`),
		platformB: a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '69'`),
		victim:    a.userID("emilie.fontaine@demo.acquis.fr"),
	}
	x.grant = a.id(`SELECT id FROM user_roles WHERE user_id = $1`, x.victim)
	x.candidacy, x.document = a.candidacyWithDocument(whoEmails[cand])
	a.deliverableTemplate("RNCP37779", "RNCP37779BC01-D01")
	x.session, x.juryCandidacy = a.jurySession("ronan.le.gall@demo.acquis.fr", whoEmails[juror], "sophie.roussel@demo.acquis.fr")
	x.juror2 = a.userID(whoEmails[juror2])
	x.staffA = a.id(`SELECT min(id) FROM staff WHERE platform_id = $1`, x.platformA)
	b, err := a.s.blobs.Put(ctx, strings.NewReader(testPDF), blob.Limits{MaxBytes: 1 << 20, Accepted: []blob.Kind{blob.PDF}})
	a.must(err)
	a.must(a.s.staff.SetEvidence(ctx, audit.System, x.staffA, b.SHA256, "diplome.pdf", b.MIME))

	h := a.holderAccount()
	// Held seven months ago: the six-month follow-up survey is due.
	x.certified, x.signedSession = a.certifiedCandidacy(h, "RNCP37779", time.Now().AddDate(0, -7, 0))
	// The accrochage flow declares only holders whose civil status is known.
	a.must(a.s.accrochage.SaveCivilStatus(ctx, audit.Actor{UserID: h}, accrochage.CivilStatus{UserID: h, BirthName: "Matrice", FirstName1: "Titulaire",
		BirthDate: time.Date(1984, 7, 14, 0, 0, 0, 0, time.UTC), Sex: "F", BirthINSEE: "29019", BirthCommune: "Brest"}, time.Now()))
	x.certificate = a.id(`SELECT id FROM certificates WHERE candidacy_id = $1`, x.certified)
	a.must(a.db.Get(&x.verifyCode, `SELECT code FROM verification_codes WHERE certificate_id = $1`, x.certificate))
	x.inviteToken, x.resetToken = a.invitationToken(), a.resetToken()
	_, x.apiKey, err = a.s.accounts.IssueAPIKey(ctx, audit.System, "Clé de la matrice", "")
	a.must(err)
	return x
}

// holderAccount makes the holder principal's account (a candidate of
// platform A who signs in with the demo password): the demo has no such
// person, and a test that signs every principal in needs them.
func (a *app) holderAccount() int64 {
	a.t.Helper()
	org := a.id(`SELECT id FROM organisations WHERE kind = 'platform' AND departement_code = '29'`)
	h, err := a.s.accounts.CreateUser(context.Background(), audit.System, account.NewUser{Email: whoEmails[holder], FullName: "Titulaire de la Matrice",
		Password: demo.Password, OrganisationID: org, Grants: []account.Grant{{Role: account.RoleCandidate}}})
	a.must(err)
	return h
}

// retire ends the user's live candidacies for a certification (refused
// at admissibility), so that a fixture may open another: one candidacy
// at a time per certification.
func (a *app) retire(user int64, cert string) {
	a.t.Helper()
	ctx := context.Background()
	var live []struct {
		ID    int64           `db:"id"`
		State portfolio.State `db:"state"`
	}
	a.must(a.db.Select(&live, `SELECT id, state FROM candidacies WHERE candidate_id = $1 AND certification_code = $2 AND state IN ('draft', 'admissibility_submitted')`, user, cert))
	for _, c := range live {
		if c.State == portfolio.Draft {
			a.must(a.s.portfolio.Transition(ctx, audit.Actor{UserID: user}, c.ID, portfolio.AdmissibilitySubmitted, account.RoleCandidate, ""))
		}
		a.must(a.s.portfolio.Transition(ctx, audit.System, c.ID, portfolio.NotAdmissible, account.RoleAdmin, "Retirée par la matrice."))
	}
}

// own is a new draft candidacy of the matrix's candidate (their previous
// live one for the certification retired), with one document.
func (a *app) own(cert string, pathways map[string]portfolio.Pathway) (candidacy, document int64) {
	a.t.Helper()
	me := a.userID(whoEmails[cand])
	a.retire(me, cert)
	candidacy = a.draftCandidacy(me, cert, pathways)
	return candidacy, a.addPDF(candidacy, cert+"BC01", cert+"BC01-D01")
}

// othersDraft is a draft candidacy of a new candidate of platform A.
func (a *app) othersDraft(cert string, pathways map[string]portfolio.Pathway) int64 {
	a.t.Helper()
	return a.draftCandidacy(a.newCandidate(), cert, pathways)
}

// juryCase is a new candidacy's session, played to the stage, chaired by
// the matrix's juror: its candidate page's path.
func (a *app) juryCase(st juryStage) (sid, cid int64, page string) {
	a.t.Helper()
	cid = a.othersDraft("RNCP37779", nil)
	a.candidacyIn(cid, portfolio.DossierSubmitted)
	sid = a.playJury(cid, a.userID(whoEmails[juror]), a.userID("sophie.roussel@demo.acquis.fr"), st)
	return sid, cid, fmt.Sprintf("/jury/sessions/%d/candidats/%d", sid, cid)
}

// newPassword is what each principal's password becomes in the matrix.
const newPassword = "nouvelle phrase secrète de la matrice"

// matrixPreps are the rows whose allowed requests need records of their
// own (see prep), by "METHOD pattern".
func matrixPreps(a *app, x ids) map[string]prep {
	ctx := context.Background()
	pA := fmt.Sprint(x.platformA)
	n := 0
	next := func() int { n++; return n }
	staffRow := func() string {
		name := fmt.Sprintf("Personne Matrice %03d", next())
		p, err := a.s.staff.ParseRoster(ctx, x.platformA, "effectif.csv", []byte("nom;fonction;etp;date_prise_de_poste;statut\r\n"+name+";conseiller;1;01/01/2020;non engagé\r\n"))
		a.must(err)
		_, err = a.s.staff.Import(ctx, audit.System, x.platformA, p)
		a.must(err)
		return fmt.Sprintf("/plateformes/%s/personnel/%d", pA, a.id(`SELECT id FROM staff WHERE full_name = $1`, name))
	}
	sophie := a.userID("sophie.roussel@demo.acquis.fr")
	return map[string]prep{
		"POST /mot-de-passe-oublie": func(w who) (string, url.Values) {
			email := whoEmails[w]
			if w == anon {
				email = "inconnu@exemple.fr"
			}
			return "/mot-de-passe-oublie", url.Values{"email": {email}}
		},
		"POST /reinitialiser/:token": func(who) (string, url.Values) {
			return "/reinitialiser/" + a.resetToken(), url.Values{"password": {newPassword}, "confirm": {newPassword}}
		},
		"POST /invitation/:token": func(who) (string, url.Values) {
			return "/invitation/" + a.invitationToken(), url.Values{"password": {newPassword}, "confirm": {newPassword}}
		},
		"POST /admin/users": func(who) (string, url.Values) {
			return "/admin/users", url.Values{"email": {fmt.Sprintf("invitee.admin%03d@exemple.fr", next())}, "full_name": {"Invitée de la matrice"}, "role": {"observer"}}
		},
		"POST /admin/users/:id/pseudonymiser": func(who) (string, url.Values) {
			return fmt.Sprintf("/admin/users/%d/pseudonymiser", a.newCandidate()), url.Values{"confirm": {"oui"}}
		},
		"POST /plateformes/:id/invitations": func(who) (string, url.Values) {
			return "/plateformes/" + pA + "/invitations", url.Values{"email": {fmt.Sprintf("invitee.plateforme%03d@exemple.fr", next())}, "full_name": {"Conseillère Invitée"}}
		},
		"POST /plateformes/:id/personnel/:sid/depart": func(who) (string, url.Values) {
			return staffRow() + "/depart", url.Values{"left_on": {"2026-10-31"}, "left_reason": {"Mutation"}}
		},
		"POST /plateformes/:id/personnel/:sid/suppression": func(who) (string, url.Values) {
			return staffRow() + "/suppression", url.Values{"delete_reason": {"Saisie en double."}}
		},
		"POST /candidat/nouvelle": func(w who) (string, url.Values) {
			a.retire(a.userID(whoEmails[w]), "RNCP36625")
			return "/candidat/nouvelle", url.Values{"certification": {"RNCP36625"}, "pathway_RNCP36625BC01": {"vae"}, "pathway_RNCP36625BC02": {"vae"},
				"pathway_RNCP36625BC03": {"vae"}, "experience_months": {"24"}}
		},
		"POST /candidatures/:id/etat": func(who) (string, url.Values) {
			cd, _ := a.own("RNCP37779", nil)
			return candidacyPath(cd) + "/etat", url.Values{"vers": {"admissibility_submitted"}}
		},
		"POST /candidatures/:id/livrables/:code/documents": func(who) (string, url.Values) {
			cd, _ := a.own("RNCP37779", nil)
			return candidacyPath(cd) + "/livrables/RNCP37779BC02-D01/documents", nil
		},
		"POST /api/v1/candidacies/:id/deliverables/:code/documents": func(who) (string, url.Values) {
			cd, _ := a.own("RNCP37779", nil)
			return fmt.Sprintf("/api/v1/candidacies/%d/deliverables/RNCP37779BC02-D01/documents", cd), nil
		},
		"POST /candidatures/:id/autoevaluation": func(who) (string, url.Values) {
			cd, _ := a.own("RNCP37779", nil)
			var comps []string
			a.must(a.db.Select(&comps, `SELECT cp.code FROM competences cp JOIN blocks b ON b.id = cp.block_id JOIN certifications c ON c.current_version_id = b.version_id WHERE c.code = 'RNCP37779'`))
			form := url.Values{}
			for _, cp := range comps {
				form.Set("level_"+cp, "3")
			}
			return candidacyPath(cd) + "/autoevaluation", form
		},
		"POST /documents/:id/supprimer": func(who) (string, url.Values) {
			_, doc := a.own("RNCP37779", nil)
			return fmt.Sprintf("/documents/%d/supprimer", doc), nil
		},
		"POST /candidatures/:id/equivalences/:block/preuve": func(who) (string, url.Values) {
			cd, _ := a.own("RNCP37779", map[string]portfolio.Pathway{"RNCP37779BC03": portfolio.Equivalence})
			return candidacyPath(cd) + "/equivalences/RNCP37779BC03/preuve", nil
		},
		"POST /candidatures/:id/prerequis/:code/justificatif": func(who) (string, url.Values) {
			cd, _ := a.own("RNCP36625", map[string]portfolio.Pathway{"RNCP36625BC01": portfolio.Formation})
			return candidacyPath(cd) + "/prerequis/experience_professionnelle/justificatif", nil
		},
		"POST /certificateur/candidatures/:id/etat": func(who) (string, url.Values) {
			cd := a.othersDraft("RNCP37779", nil)
			a.addPDF(cd, "RNCP37779BC01", "RNCP37779BC01-D01")
			a.candidacyIn(cd, portfolio.AdmissibilitySubmitted)
			return fmt.Sprintf("/certificateur/candidatures/%d/etat", cd), url.Values{"vers": {"admissible"}}
		},
		"POST /certificateur/candidatures/:id/equivalences/:block": func(who) (string, url.Values) {
			cd := a.othersDraft("RNCP37779", map[string]portfolio.Pathway{"RNCP37779BC03": portfolio.Equivalence})
			c, err := a.s.portfolio.Candidacy(ctx, cd)
			a.must(err)
			b, err := a.s.blobs.Put(ctx, strings.NewReader(testPDF+"% équivalence\n"), blob.Limits{MaxBytes: 1 << 20, Accepted: []blob.Kind{blob.PDF}})
			a.must(err)
			_, err = a.s.portfolio.AddEquivalenceProof(ctx, audit.Actor{UserID: c.CandidateID}, cd, "RNCP37779BC03", portfolio.NewDocument{CandidacyID: cd,
				FileName: "titre.pdf", SHA256: b.SHA256, Size: b.Size, Kind: string(b.Kind), MIME: b.MIME})
			a.must(err)
			return fmt.Sprintf("/certificateur/candidatures/%d/equivalences/RNCP37779BC03", cd), url.Values{"decision": {"accepter"},
				"fondement": {"equivalence-000-section-4"}, "motifs": {"Titulaire du bloc 3 d'un titre reconnu équivalent."}}
		},
		"POST /certificateur/candidatures/:id/prerequis/:code": func(who) (string, url.Values) {
			cd := a.othersDraft("RNCP36625", map[string]portfolio.Pathway{"RNCP36625BC01": portfolio.Formation})
			c, err := a.s.portfolio.Candidacy(ctx, cd)
			a.must(err)
			b, err := a.s.blobs.Put(ctx, strings.NewReader(testPDF+"% prérequis\n"), blob.Limits{MaxBytes: 1 << 20, Accepted: []blob.Kind{blob.PDF}})
			a.must(err)
			_, err = a.s.portfolio.AddPrerequisiteEvidence(ctx, audit.Actor{UserID: c.CandidateID}, cd, "experience_professionnelle", portfolio.NewDocument{CandidacyID: cd,
				FileName: "certificats.pdf", SHA256: b.SHA256, Size: b.Size, Kind: string(b.Kind), MIME: b.MIME})
			a.must(err)
			a.must(a.s.portfolio.Transition(ctx, audit.Actor{UserID: c.CandidateID}, cd, portfolio.AdmissibilitySubmitted, account.RoleCandidate, ""))
			return fmt.Sprintf("/certificateur/candidatures/%d/prerequis/experience_professionnelle", cd), url.Values{"months": {"20"}, "accepte": {"oui"},
				"motifs": {"Deux employeurs, 2023-2024."}}
		},
		"POST /certificateur/certificats/:cid/retirer": func(who) (string, url.Values) {
			cd, _ := a.certifiedCandidacy(a.newCandidate(), "RNCP37779", time.Now().Add(-time.Hour))
			return fmt.Sprintf("/certificateur/certificats/%d/retirer", a.id(`SELECT id FROM certificates WHERE candidacy_id = $1`, cd)), url.Values{"reason": {"Fraude : dossier copié."}}
		},
		"POST /certificateur/jurys/:sid/membres": func(who) (string, url.Values) {
			sid, _, _ := a.juryCase(planned)
			return managePath(sid) + "/membres", url.Values{"member": {fmt.Sprint(x.juror2)}}
		},
		"POST /certificateur/jurys/:sid/membres/:uid/retirer": func(who) (string, url.Values) {
			sid, _, _ := a.juryCase(planned)
			return fmt.Sprintf("%s/membres/%d/retirer", managePath(sid), sophie), nil
		},
		"POST /certificateur/jurys/:sid/presidence": func(who) (string, url.Values) {
			sid, _, _ := a.juryCase(planned)
			return managePath(sid) + "/presidence", url.Values{"member": {fmt.Sprint(sophie)}}
		},
		"POST /certificateur/jurys/:sid/affectations": func(who) (string, url.Values) {
			sid, _, _ := a.juryCase(planned)
			cd := a.othersDraft("RNCP37779", nil)
			a.candidacyIn(cd, portfolio.DossierSubmitted)
			return managePath(sid) + "/affectations", url.Values{"candidacy": {fmt.Sprint(cd)}, "evaluators": {fmt.Sprint(a.userID(whoEmails[juror])), fmt.Sprint(sophie)}}
		},
		"POST /certificateur/jurys/:sid/ouvrir": func(who) (string, url.Values) {
			sid, _, _ := a.juryCase(planned)
			a.db.MustExec(`INSERT INTO jury_profiles (user_id, qualified_for) VALUES ($1, '{RNCP37779}') ON CONFLICT (user_id) DO UPDATE SET qualified_for = '{RNCP37779}'`, a.userID(whoEmails[juror]))
			return managePath(sid) + "/ouvrir", nil
		},
		"POST /certificateur/jurys/:sid/deliberer": func(who) (string, url.Values) {
			sid, _, _ := a.juryCase(handedIn)
			return managePath(sid) + "/deliberer", url.Values{"present": {fmt.Sprint(a.userID(whoEmails[juror])), fmt.Sprint(sophie)}}
		},
		"POST /jury/sessions/:sid/candidats/:cid/declaration": func(who) (string, url.Values) {
			_, _, page := a.juryCase(opened)
			return page + "/declaration", nil
		},
		"POST /jury/sessions/:sid/candidats/:cid/conflit": func(who) (string, url.Values) {
			_, _, page := a.juryCase(opened)
			return page + "/conflit", url.Values{"note": {"Ancien collègue du candidat."}}
		},
		"POST /jury/sessions/:sid/candidats/:cid/verdicts": func(who) (string, url.Values) {
			_, _, page := a.juryCase(declared)
			return page + "/verdicts", url.Values{"criterion": {"RNCP37779BC01-CR01"}, "verdict": {"acquis"}}
		},
		"POST /api/v1/jury/sessions/:sid/candidacies/:cid/verdicts": func(who) (string, url.Values) {
			sid, cid, _ := a.juryCase(declared)
			return fmt.Sprintf("/api/v1/jury/sessions/%d/candidacies/%d/verdicts", sid, cid), url.Values{"criterion": {"RNCP37779BC01-CR01"}, "verdict": {"acquis"}}
		},
		"POST /jury/sessions/:sid/candidats/:cid/remettre": func(who) (string, url.Values) {
			_, _, page := a.juryCase(scored)
			return page + "/remettre", nil
		},
		"POST /jury/sessions/:sid/candidats/:cid/votes": func(who) (string, url.Values) {
			_, _, page := a.juryCase(deliberating)
			return page + "/votes", url.Values{"block": {"RNCP37779BC01"}, "vote": {"valide"}}
		},
		"POST /jury/sessions/:sid/candidats/:cid/decisions": func(who) (string, url.Values) {
			_, _, page := a.juryCase(voted)
			return page + "/decisions", url.Values{"block": {"RNCP37779BC01"}}
		},
		"POST /jury/sessions/:sid/candidats/:cid/resultat": func(who) (string, url.Values) {
			_, _, page := a.juryCase(decided)
			return page + "/resultat", url.Values{"preconisations": {"Poursuivre la formation continue."}}
		},
		"POST /jury/sessions/:sid/signer": func(who) (string, url.Values) {
			sid, _, _ := a.juryCase(confirmed)
			return fmt.Sprintf("/jury/sessions/%d/signer", sid), url.Values{"confirm": {"oui"}}
		},
		"POST /jury/sessions/:sid/avenants": func(who) (string, url.Values) {
			sid, cid, _ := a.juryCase(signed)
			// A bloc validated at signing is acquired for life: the
			// amendment corrects the recommendations.
			return fmt.Sprintf("/jury/sessions/%d/avenants", sid), url.Values{"candidacy": {fmt.Sprint(cid)},
				"preconisations": {"Préconisation omise en séance : suivre le module sur les partenariats."}, "reason": {"Oubli matériel au procès-verbal."}}
		},
		"POST /compte/mot-de-passe": func(who) (string, url.Values) {
			return "/compte/mot-de-passe", url.Values{"current": {demo.Password}, "password": {newPassword}, "confirm": {newPassword}}
		},
		"POST /login": func(w who) (string, url.Values) {
			if w == anon {
				// A visitor signs in with an account of their own.
				var email string
				a.must(a.db.Get(&email, `SELECT email FROM users WHERE id = $1`, a.newCandidateWith("phrase secrète de la matrice")))
				return "/login", url.Values{"email": {email}, "password": {"phrase secrète de la matrice"}}
			}
			// The password the row before set.
			return "/login", url.Values{"email": {whoEmails[w]}, "password": {newPassword}}
		},
	}
}

// TestAuthorisationMatrix asks every route as every kind of principal and
// checks the exact answer: each allowed request does what it is for (a
// page 200, a form 303, an API write 201), each refused one gets the
// policy's refusal. A route missing from the matrix fails the test, so
// each new route must say who may use it and what it answers.
func TestAuthorisationMatrix(t *testing.T) {
	a := newApp(t)
	// The accrochage flow needs the certifier's ids at France compétences.
	a.s.cfg.AccrochageClientID, a.s.cfg.AccrochageContractID = "ABCD1234", "MCFCER0001"
	x := matrixIDs(a)
	cases := matrix(x)
	preps := matrixPreps(a, x)

	known := map[string]bool{}
	for _, c := range cases {
		known[c.method+" "+c.pattern] = true
	}
	for k := range preps {
		if !known[k] {
			t.Errorf("préparation pour une ligne absente de la matrice : %s", k)
		}
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
				path, form := mc.path, mc.form
				want := mc.want
				if st, ok := matrixExceptions[mc.method+" "+mc.pattern][w]; ok {
					want = st
				} else if !mc.allowed[w] {
					want = refusedStatus(w, mc.method, path)
				} else if p := preps[mc.method+" "+mc.pattern]; p != nil {
					path, form = p(w)
				}
				res := matrixAsk(c, a, mc, path, form)
				if res.Status != want {
					body := res.Body
					if len(body) > 600 {
						body = body[:600]
					}
					t.Errorf("%s %s : %d, attendu %d (%s)\n%s", mc.method, path, res.Status, want, map[bool]string{true: "autorisé", false: "refusé"}[mc.allowed[w]], body)
					continue
				}
				if !mc.allowed[w] && w == anon && want == http.StatusSeeOther && !strings.HasPrefix(res.Location, "/login?") {
					t.Errorf("%s %s : renvoyé vers %q au lieu de la page de connexion", mc.method, path, res.Location)
				}
				if !mc.allowed[w] && want == http.StatusForbidden && !strings.Contains(res.Body, "accès") {
					t.Errorf("%s %s : le refus ne dit pas pourquoi en français", mc.method, path)
				}
				if mc.allowed[w] && res.Status == http.StatusSeeOther && mc.method == http.MethodPost && strings.HasPrefix(res.Location, "/") {
					// As a browser, follow the redirect: after a login or
					// a password change the page carries the new token.
					c.get(res.Location)
				}
			}
		})
	}
}

// matrixAsk sends one row's request as its route expects it: a file to
// an upload route (and a roster to the import), JSON to the API's
// writes, a form elsewhere.
func matrixAsk(c *client, a *app, mc matrixCase, path string, form url.Values) response {
	if mc.method == http.MethodGet {
		return c.get(path)
	}
	switch {
	case a.s.uploads[mc.pattern]:
		return c.upload(path, "piece.pdf", []byte(fmt.Sprintf("%s%% %d\n", testPDF, nextFresh())))
	case mc.pattern == "/plateformes/:id/import":
		return c.postFile(path, "file", "effectif.csv", []byte(matrixRoster), nil)
	case strings.HasPrefix(mc.pattern, "/api/v1/"):
		body := map[string]string{}
		for k := range form {
			body[k] = form.Get(k)
		}
		return c.postJSON(path, body)
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	return c.post(path, f)
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
	a.holderAccount()
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
