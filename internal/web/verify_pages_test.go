package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"acquis/internal/demo"
	"acquis/internal/jury"
	"acquis/internal/pdf"
)

// certifiedHolder is the demo's certified candidate: the certificate, its
// candidacy and the holder's e-mail.
type certifiedHolder struct {
	certID, candidacy int64
	number, email     string
	name              string
}

func demoCertified(t *testing.T, a *app) certifiedHolder {
	t.Helper()
	if err := demo.Journeys(context.Background(), a.db, a.s.blobs); err != nil {
		t.Fatal(err)
	}
	var h struct {
		ID        int64  `db:"id"`
		Candidacy int64  `db:"candidacy_id"`
		Number    string `db:"number"`
		Email     string `db:"email"`
		Name      string `db:"full_name"`
	}
	if err := a.db.Get(&h, `SELECT c.id, c.candidacy_id, c.number, u.email, u.full_name FROM certificates c JOIN users u ON u.id = c.user_id
		WHERE c.candidacy_id IS NOT NULL ORDER BY c.id LIMIT 1`); err != nil {
		t.Fatalf("la démonstration n'a pas de candidat certifié : %v", err)
	}
	return certifiedHolder{h.ID, h.Candidacy, h.Number, h.Email, h.Name}
}

var verifyLink = regexp.MustCompile(`href="/verifier/([0-9a-f]{24})"`)

// TestVerifyCertificateAnonymously: the demo's certified candidate finds
// the verification address on their candidacy page and on the signed
// certificate; an anonymous visitor opens it and sees the holder, the
// number and the blocs, with noindex; a wrong code reveals nothing; the
// page is rate-limited per client.
func TestVerifyCertificateAnonymously(t *testing.T) {
	a := newApp(t)
	h := demoCertified(t, a)
	holder := a.client()
	holder.login(h.email)
	page := holder.get("/candidatures/" + itoa(h.candidacy))
	m := verifyLink.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("pas d'adresse de vérification sur la page de la candidature :\n%s", page.Body)
	}
	code := m[1]
	var want string
	if err := a.db.Get(&want, `SELECT code FROM verification_codes WHERE certificate_id = $1`, h.certID); err != nil || want != code {
		t.Fatalf("le premier lien n'est pas celui du certificat : %s / %s %v", code, want, err)
	}
	pdf := holder.get("/candidatures/" + itoa(h.candidacy) + "/certificat.pdf")
	txt := pdfText(t, pdf)
	if !strings.Contains(txt, "http://acquis.test/verifier/"+code) || !strings.Contains(txt, h.number) {
		t.Fatalf("le certificat n'imprime pas son adresse de vérification :\n%s", txt)
	}
	if rep := pdfsigReport(t, []byte(pdf.Body)); !strings.Contains(rep, "Signature is Valid") {
		t.Fatalf("certificat : signature non valide :\n%s", rep)
	}

	anon := a.client()
	res := anon.get("/verifier/" + code)
	if res.Status != http.StatusOK {
		t.Fatalf("vérification anonyme : %d\n%s", res.Status, res.Body)
	}
	if !strings.Contains(res.Header.Get("X-Robots-Tag"), "noindex") || !strings.Contains(res.Body, `<meta name="robots" content="noindex`) {
		t.Errorf("la page de vérification peut être indexée : %q", res.Header.Get("X-Robots-Tag"))
	}
	for _, w := range []string{h.number, h.name, "Valide", "RNCP37779BC01", "RNCP37779BC03", "Jury", "Niveau", "Certificateur"} {
		if !strings.Contains(res.Body, w) {
			t.Errorf("absent de la page de vérification : %q", w)
		}
	}
	// The same code typed with dashes and capitals, through the form.
	res = anon.get("/verifier?code=" + url.QueryEscape(strings.ToUpper(code[:4]+"-"+code[4:])))
	if res.Status != http.StatusSeeOther || res.Location != "/verifier/"+code {
		t.Errorf("formulaire : %d %q", res.Status, res.Location)
	}
	wrong := "0" + code[1:]
	if wrong == code {
		wrong = "1" + code[1:]
	}
	for _, p := range []string{"/verifier/" + wrong, "/verifier/" + h.number, "/verifier/%27%20OR%201%3D1", "/verifier?code=xyz"} {
		res := anon.get(p)
		if res.Status != http.StatusNotFound || !strings.Contains(res.Body, "Aucun certificat ni attestation ne correspond à ce code") ||
			strings.Contains(res.Body, h.name) || strings.Contains(res.Body, "Titulaire") {
			t.Errorf("%s : %d, la page en dit trop ou pas assez\n%s", p, res.Status, res.Body)
		}
	}
	st := anon.get("/verifier/" + code + "/statut")
	var status map[string]any
	if err := json.Unmarshal([]byte(st.Body), &status); err != nil || status["status"] != "valide" || status["revoked"] != false {
		t.Fatalf("statut : %s %v", st.Body, err)
	}
	jw := anon.get("/.well-known/jwks.json")
	if jw.Status != http.StatusOK || !strings.Contains(jw.Body, `"kid"`) || !strings.Contains(jw.Body, `"OKP"`) || strings.Contains(jw.Body, `"d"`) {
		t.Fatalf("JWKS : %d %s", jw.Status, jw.Body)
	}

	// The PDF signing certificate is published, its fingerprint shown.
	pemRes := anon.get("/emetteur/certificats.pem")
	blk, _ := pem.Decode([]byte(pemRes.Body))
	if blk == nil {
		t.Fatalf("certificats de signature : %d %q", pemRes.Status, pemRes.Body)
	}
	if blk.Type != "CERTIFICATE" || !bytes.Equal(blk.Bytes, a.s.keys.PDFSigner().Cert.Raw) {
		t.Error("le certificat publié n'est pas celui qui signe")
	}
	sum := sha256.Sum256(blk.Bytes)
	fp := strings.ToUpper(hex.EncodeToString(sum[:2]))
	if !strings.Contains(anon.get("/verifier").Body, fp[:2]+":"+fp[2:4]+":") {
		t.Error("l'empreinte du certificat de signature n'est pas sur la page")
	}

	// A robot walking codes is stopped.
	a.s.verifyLimit = newClientLimiter(0, 3)
	for i := 0; i < 3; i++ {
		anon.get("/verifier/" + wrong)
	}
	if res := anon.get("/verifier/" + code); res.Status != http.StatusTooManyRequests {
		t.Errorf("quatrième vérification d'affilée : %d, attendu 429", res.Status)
	}
}

// pdfsigReport runs poppler's pdfsig on a document.
func pdfsigReport(t *testing.T, doc []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfsig", p).CombinedOutput()
	if err != nil && len(out) == 0 {
		t.Fatalf("pdfsig (poppler-utils) : %v", err)
	}
	return string(out)
}

// TestSignedDocuments: the attestation and every version of the minutes,
// as served, carry a signature pdfsig finds valid.
func TestSignedDocuments(t *testing.T) {
	a := newApp(t)
	h := demoCertified(t, a)
	holder := a.client()
	holder.login(h.email)
	att := holder.get("/candidatures/" + itoa(h.candidacy) + "/attestations/RNCP37779BC02")
	if !strings.Contains(pdfText(t, att), "http://acquis.test/verifier/") {
		t.Error("l'attestation n'imprime pas son adresse de vérification")
	}
	if rep := pdfsigReport(t, []byte(att.Body)); !strings.Contains(rep, "Signature is Valid") {
		t.Fatalf("attestation :\n%s", rep)
	}
	sid := a.id(`SELECT session_id FROM jury_minutes ORDER BY id LIMIT 1`)
	chair := a.client()
	chair.login(a.chairEmail(sid))
	min := chair.get("/jury/sessions/" + itoa(sid) + "/proces-verbal/1")
	if rep := pdfsigReport(t, []byte(min.Body)); !strings.Contains(rep, "Signature is Valid") {
		t.Fatalf("procès-verbal :\n%s", rep)
	}
	// The demo's minutes were stored unsigned (signed when served, above);
	// from now on the chair's signature and each amendment store them
	// signed, through this renderer.
	_, m, err := a.s.jury.MinutesPDF(context.Background(), sid, 1)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := signedMinutes(a.s.keys, pdf.Minutes)(m.Content, m.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if rep := pdfsigReport(t, doc); !isSigned(doc) || !strings.Contains(rep, "Signature is Valid") {
		t.Fatalf("procès-verbal signé à l'enregistrement :\n%s", rep)
	}
}

func (a *app) chairEmail(sid int64) string {
	var e string
	if err := a.db.Get(&e, `SELECT u.email FROM jury_members m JOIN users u ON u.id = m.user_id WHERE m.session_id = $1 AND m.is_chair`, sid); err != nil {
		a.t.Fatal(err)
	}
	return e
}

// TestWithdrawAndAmend: the certifier withdraws a certificate with a
// reason (a blank one is refused and changes nothing): the page and the
// status say « retiré » with the date, the audit log has it. An amendment
// that validates a bloc shows on that bloc's page as « corrigé par
// avenant n° 1 ».
func TestWithdrawAndAmend(t *testing.T) {
	a := newApp(t)
	h := demoCertified(t, a)
	var code string
	if err := a.db.Get(&code, `SELECT code FROM verification_codes WHERE certificate_id = $1`, h.certID); err != nil {
		t.Fatal(err)
	}
	certifier := a.client()
	certifier.login(whoEmails[admin])
	certifier.get("/candidatures/" + itoa(h.candidacy))
	res := certifier.post("/certificateur/certificats/"+itoa(h.certID)+"/retirer", url.Values{"reason": {"  "}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "motif") {
		t.Fatalf("retrait sans motif : %d", res.Status)
	}
	if st := a.client().get("/verifier/" + code + "/statut"); !strings.Contains(st.Body, `"status":"valide"`) {
		t.Fatalf("retiré sans motif : %s", st.Body)
	}
	res = certifier.post("/certificateur/certificats/"+itoa(h.certID)+"/retirer", url.Values{"reason": {"Fraude : dossier professionnel copié."}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("retrait : %d\n%s", res.Status, res.Body)
	}
	page := a.client().get("/verifier/" + code)
	if !strings.Contains(page.Body, "Retiré") || strings.Contains(page.Body, "Fraude") {
		t.Errorf("page après retrait (le motif reste interne) :\n%s", page.Body)
	}
	if st := a.client().get("/verifier/" + code + "/statut"); !strings.Contains(st.Body, `"status":"retire"`) || !strings.Contains(st.Body, `"revoked":true`) {
		t.Errorf("statut après retrait : %s", st.Body)
	}
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'certificate.withdrawn' AND entity_id = $1`, itoa(h.certID)); n != 1 {
		t.Errorf("retrait audité %d fois", n)
	}
	// A withdrawn certificate and its attestations are no longer printed.
	holder := a.client()
	holder.login(h.email)
	for _, p := range []string{"/certificat.pdf", "/attestations/RNCP37779BC01", "/certificat.jwt"} {
		if res := holder.get("/candidatures/" + itoa(h.candidacy) + p); res.Status != http.StatusGone || !strings.Contains(res.Body, "retiré") {
			t.Errorf("%s après retrait : %d", p, res.Status)
		}
	}
	if pg := holder.get("/candidatures/" + itoa(h.candidacy)); !strings.Contains(pg.Body, "Certificat retiré par le certificateur") || strings.Contains(pg.Body, "certificat.pdf") {
		t.Error("la page de la candidature propose encore le certificat retiré")
	}

	// A partial success whose missing bloc an amendment validates.
	var p struct {
		Session   int64  `db:"session_id"`
		Candidacy int64  `db:"candidacy_id"`
		Block     string `db:"block_code"`
		User      int64  `db:"candidate_id"`
	}
	if err := a.db.Get(&p, `SELECT br.session_id, br.candidacy_id, br.block_code, cd.candidate_id FROM block_results br
		JOIN candidacies cd ON cd.id = br.candidacy_id
		WHERE br.decision = 'non_valide' AND br.presented ORDER BY br.candidacy_id LIMIT 1`); err != nil {
		t.Skipf("pas de bloc non validé dans la démonstration : %v", err)
	}
	chair := a.id(`SELECT user_id FROM jury_members WHERE session_id = $1 AND is_chair`, p.Session)
	if _, err := a.s.jury.Amend(context.Background(), actorFor(chair), p.Session, "Erreur matérielle de report de la décision", []jury.AmendmentChange{
		{CandidacyID: p.Candidacy, BlockCode: p.Block, Decision: jury.Valide}}); err != nil {
		t.Fatal(err)
	}
	var bcode string
	if err := a.db.Get(&bcode, `SELECT v.code FROM verification_codes v JOIN acquired_blocks b ON b.id = v.acquired_block_id
		WHERE b.user_id = $1 AND b.block_code = $2`, p.User, p.Block); err != nil {
		t.Fatalf("le bloc validé par l'avenant n'a pas de code : %v", err)
	}
	page = a.client().get("/verifier/" + bcode)
	if !strings.Contains(page.Body, "Corrigé par avenant n° 1") || !strings.Contains(page.Body, p.Block) {
		t.Errorf("page après avenant :\n%s", page.Body)
	}
}
