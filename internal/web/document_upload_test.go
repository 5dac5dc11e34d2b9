package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// upload posts a file the way the browser form does: multipart body, CSRF
// token in the query string.
func (c *client) upload(path, name string, data []byte) response {
	c.a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path+sep+"_csrf="+url.QueryEscape(c.csrf), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func (a *app) docCount(candidacy int64) int64 {
	return a.id(`SELECT count(*) FROM documents WHERE candidacy_id = $1`, candidacy)
}

func objectCount(t *testing.T, root string) int {
	n := 0
	filepath.Walk(filepath.Join(root, "objects"), func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestUploadHappyPathAndRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	c.get(candidacyPath(cd))
	path := fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC02-D01/documents", cd)
	before := a.docCount(cd)

	res := c.upload(path, "../../etc/mon dossier.pdf", []byte(testPDF))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("envoi : %d %s", res.Status, res.Body)
	}
	var name, sha string
	a.db.QueryRow(`SELECT file_name, sha256 FROM documents WHERE candidacy_id = $1 AND deliverable_code = 'RNCP37779BC02-D01'`, cd).Scan(&name, &sha)
	if name != "mon dossier.pdf" || len(sha) != 64 {
		t.Fatalf("document : %q %q", name, sha)
	}
	// The file downloads as an attachment with its exact bytes.
	docID := a.id(`SELECT id FROM documents WHERE sha256 = $1 AND candidacy_id = $2`, sha, cd)
	dl := c.get(fmt.Sprintf("/documents/%d", docID))
	if dl.Status != http.StatusOK || dl.Body != testPDF || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment;") || dl.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("téléchargement : %d %v", dl.Status, dl.Header)
	}
	if a.id(`SELECT count(*) FROM audit_log WHERE action = 'document.read' AND entity_id = $1`, fmt.Sprint(docID)) != 1 {
		t.Fatal("lecture du document non auditée")
	}

	refusals := []struct {
		name   string
		data   []byte
		status int
		want   string
	}{
		{"photo.pdf", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"), 422, "son contenu est de type « image/gif »"},
		{"vide.pdf", nil, 422, "Le fichier est vide."},
		{"script.pdf", []byte("<script>alert(1)</script>"), 422, "text/html"},
	}
	for _, r := range refusals {
		res := c.upload(path, r.name, r.data)
		if res.Status != r.status || !strings.Contains(res.Body, r.want) {
			t.Errorf("%s : %d, message attendu %q", r.name, res.Status, r.want)
		}
	}
	// Oversize, with a small limit for the test.
	a.s.cfg.MaxUploadBytes = 1024
	res = c.upload(path, "gros.pdf", append([]byte(testPDF), make([]byte, 4096)...))
	if res.Status != http.StatusUnprocessableEntity && res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "taille maximale") {
		t.Errorf("trop gros : %d", res.Status)
	}
	a.s.cfg.MaxUploadBytes = 50 << 20
	// A plain form post is not an upload.
	res = c.post(path, url.Values{"file": {"x"}})
	if res.Status != http.StatusBadRequest {
		t.Errorf("formulaire sans fichier : %d", res.Status)
	}
	// An unknown or non-targeted deliverable.
	if res := c.upload(fmt.Sprintf("/candidatures/%d/livrables/RNCP36625BC01-D01/documents", cd), "a.pdf", []byte(testPDF)); res.Status != http.StatusNotFound {
		t.Errorf("livrable étranger : %d", res.Status)
	}
	if got := a.docCount(cd); got != before+1 {
		t.Fatalf("%d documents, attendu %d : un refus a enregistré quelque chose", got, before+1)
	}
	if a.id(`SELECT count(*) FROM audit_log WHERE action = 'document.refused'`) < 3 {
		t.Error("refus non audités")
	}

	// Someone else's candidacy: refused, nothing stored.
	other := a.client()
	other.login("maelle.guivarch@demo.acquis.fr")
	other.get("/candidat")
	if res := other.upload(path, "intrus.pdf", []byte(testPDF)); res.Status != http.StatusForbidden {
		t.Fatalf("candidature d'un autre : %d", res.Status)
	}
	if got := a.docCount(cd); got != before+1 {
		t.Fatal("un intrus a déposé un document")
	}

	// JSON API: same rules, JSON answers.
	c.get("/candidat")
	res = c.upload(fmt.Sprintf("/api/v1/candidacies/%d/deliverables/RNCP37779BC03-D01/documents", cd), "bloc3.pdf", []byte(testPDF))
	var doc struct {
		Version int    `json:"version"`
		SHA256  string `json:"sha256"`
	}
	if res.Status != http.StatusCreated || json.Unmarshal([]byte(res.Body), &doc) != nil || doc.Version != 1 {
		t.Fatalf("API : %d %s", res.Status, res.Body)
	}
	if loc := res.Header.Get("Location"); loc != "/documents/"+itoa(a.id(`SELECT max(id) FROM documents WHERE candidacy_id = $1`, cd)) {
		t.Fatalf("201 sans Location vers le document : %q", loc)
	}
	if got := c.get(res.Header.Get("Location")); got.Status != http.StatusOK || got.Body != testPDF {
		t.Fatalf("Location ne mène pas au document : %d", got.Status)
	}
	res = c.upload(fmt.Sprintf("/api/v1/candidacies/%d/deliverables/RNCP37779BC03-D01/documents", cd), "faux.pdf", []byte("texte"))
	var e struct{ Detail string }
	if res.Status != 422 || json.Unmarshal([]byte(res.Body), &e) != nil || !strings.Contains(e.Detail, "text/plain") || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("API refus : %d %s", res.Status, res.Body)
	}
}

func TestSubmitLocksAndReceipt(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	c.get(candidacyPath(cd))
	for _, code := range []string{"RNCP37779BC02-D01", "RNCP37779BC03-D01"} {
		if res := c.upload(fmt.Sprintf("/candidatures/%d/livrables/%s/documents", cd, code), code+".pdf", []byte(testPDF+code)); res.Status != http.StatusSeeOther {
			t.Fatalf("envoi %s : %d", code, res.Status)
		}
	}
	certifier := a.client()
	certifier.login(whoEmails[admin])
	step := func(cl *client, path, to, reason string) {
		t.Helper()
		cl.get(candidacyPath(cd))
		res := cl.post(path, url.Values{"vers": {to}, "motifs": {reason}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("→ %s : %d %s", to, res.Status, res.Body)
		}
	}
	step(c, candidacyPath(cd)+"/etat", "admissibility_submitted", "")
	if res := certifier.get("/certificateur/recevabilite"); !strings.Contains(res.Body, "Yann Kerjean") {
		t.Fatal("la demande n'est pas dans la file de recevabilité")
	}
	step(certifier, fmt.Sprintf("/certificateur/candidatures/%d/etat", cd), "admissible", "")
	step(c, candidacyPath(cd)+"/etat", "dossier_in_progress", "")
	// Before the irreversible deposit the page sums up what will be deposited
	// and asks for the sworn statement; unticked, nothing changes.
	page := c.get(candidacyPath(cd))
	if !strings.Contains(page.Body, "Fichiers qui seront déposés") || !strings.Contains(page.Body, "œuvre personnelle") || !strings.Contains(page.Body, "octets</td>") {
		t.Fatal("pas de récapitulatif avant le dépôt")
	}
	res := c.post(candidacyPath(cd)+"/etat", url.Values{"vers": {"dossier_submitted"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Cochez l&#39;attestation sur l&#39;honneur") {
		t.Fatalf("dépôt sans attestation : %d", res.Status)
	}
	if n := a.id(`SELECT count(*) FROM deposits WHERE candidacy_id = $1`, cd); n != 0 || a.id(`SELECT count(*) FROM candidacies WHERE id = $1 AND state = 'dossier_in_progress' AND NOT locked`, cd) != 1 {
		t.Fatal("un dépôt sans attestation a laissé des traces")
	}
	res = c.post(candidacyPath(cd)+"/etat", url.Values{"vers": {"dossier_submitted"}, "attestation": {"oui"}})
	if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Location, "/depots/1") {
		t.Fatalf("dépôt : %d %s", res.Status, res.Body)
	}
	if a.id(`SELECT count(*) FROM audit_log WHERE action = 'candidacy.deposit' AND change::jsonb->>'sworn_statement' LIKE 'Je certifie sur l''honneur%'`) != 1 {
		t.Fatal("l'attestation sur l'honneur n'est pas au journal")
	}
	receipt := c.get(res.Location)
	if receipt.Status != http.StatusOK || strings.Count(receipt.Body, `class="hash"`) != 3 || !strings.Contains(receipt.Body, "Accusé de dépôt n° 1") {
		t.Fatalf("accusé : %d", receipt.Status)
	}
	// Locked: no new version.
	before := a.docCount(cd)
	if res := c.upload(fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC01-D01/documents", cd), "tard.pdf", []byte(testPDF+"tard")); res.Status != http.StatusConflict || !strings.Contains(res.Body, "verrouillé") {
		t.Fatalf("envoi après dépôt : %d", res.Status)
	}
	if a.docCount(cd) != before {
		t.Fatal("document ajouté après verrouillage")
	}
	// The certifier reopens, with a reason; the candidate can upload again.
	step(certifier, fmt.Sprintf("/certificateur/candidatures/%d/etat", cd), "dossier_in_progress", "Pièce illisible page 3.")
	if res := c.upload(fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC01-D01/documents", cd), "v2.pdf", []byte(testPDF+"v2")); res.Status != http.StatusSeeOther {
		t.Fatalf("envoi après réouverture : %d", res.Status)
	}
	if a.id(`SELECT count(*) FROM audit_log WHERE action = 'candidacy.transition' AND change::text LIKE '%Pièce illisible%'`) != 1 {
		t.Fatal("réouverture non auditée avec son motif")
	}
}

// TestUploadCutHalfWay: a client that disconnects in the middle of an
// upload leaves no document recorded and no file in the store.
func TestUploadCutHalfWay(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	c := a.client()
	c.login(whoEmails[cand])
	c.get(candidacyPath(cd))
	objects := objectCount(t, a.s.blobs.Root())
	before := a.docCount(cd)

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC02-D01/documents?_csrf=%s", cd, url.QueryEscape(c.csrf)), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	go func() {
		fw, _ := mw.CreateFormFile("file", "coupé.pdf")
		fw.Write([]byte("%PDF-1.7\n"))
		fw.Write(make([]byte, 2<<20))
		pw.CloseWithError(fmt.Errorf("connexion coupée"))
	}()
	if res, err := c.http.Do(req); err == nil {
		res.Body.Close()
	}
	// The client may see the cut before the handler has cleaned up after
	// it; Close waits for every outstanding request to finish.
	a.srv.Close()
	if a.docCount(cd) != before {
		t.Fatal("un document à moitié reçu a été enregistré")
	}
	if got := objectCount(t, a.s.blobs.Root()); got != objects {
		t.Fatalf("%d objets, attendu %d", got, objects)
	}
	tmp, _ := os.ReadDir(filepath.Join(a.s.blobs.Root(), "tmp"))
	if len(tmp) != 0 {
		t.Fatalf("%d fichiers temporaires restent", len(tmp))
	}
}
