package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"acquis/internal/blob"
	"acquis/internal/referentiel"
)

// deliverableTemplate stores a PDF template for a deliverable, as the
// certifier (admin) would, and returns it.
func (a *app) deliverableTemplate(cert, deliverable string) referentiel.Template {
	a.t.Helper()
	ctx := context.Background()
	b, err := a.s.blobs.Put(ctx, strings.NewReader(testPDF), blob.Limits{MaxBytes: 1 << 20, Accepted: []blob.Kind{blob.PDF}})
	if err != nil {
		a.t.Fatal(err)
	}
	t, err := a.s.refs.AddTemplate(ctx, actorFor(a.id(`SELECT id FROM users WHERE email = $1`, whoEmails[admin])), referentiel.Template{
		CertificationCode: cert, DeliverableCode: deliverable, FileName: "modèle.pdf", SHA256: b.SHA256, Size: b.Size, Kind: string(b.Kind), MIME: b.MIME})
	if err != nil {
		a.t.Fatal(err)
	}
	return t
}

// TestDeliverableTemplates (issue 18 #6): the certifier sends a template
// for a deliverable from the référentiel's page, type-checked by content
// and audited; the candidate reads the deliverable's guidance from the
// référentiel on the candidacy page and downloads the template there; a
// candidate of another certification, or a refused file, gets nothing.
func TestDeliverableTemplates(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cd, _ := a.candidacyWithDocument(whoEmails[cand])
	page := candidacyPath(cd)
	c := a.client()
	c.login(whoEmails[cand])
	res := c.get(page)
	// Guidance from the référentiel (seed 000), and no template yet.
	if !strings.Contains(res.Body, "Ce que le référentiel attend") || strings.Contains(res.Body, "Modèle proposé") {
		t.Fatalf("page de candidature sans les attentes du référentiel :\n%s", res.Body)
	}
	if res := c.get(page + "/livrables/RNCP37779BC01-D01/modele"); res.Status != http.StatusNotFound || !strings.Contains(res.Body, "ne propose pas de modèle") {
		t.Fatalf("modèle absent : %d", res.Status)
	}

	adm := a.client()
	adm.login(whoEmails[admin])
	adm.get("/referentiels/RNCP37779")
	up := "/certificateur/referentiels/RNCP37779/livrables/RNCP37779BC01-D01/modele"
	// Not a document: refused, nothing stored, the refusal audited.
	if res := adm.upload(up, "modele.pdf", []byte("MZ\x90\x00 pas un document")); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="tpl-err-RNCP37779BC01-D01"`) {
		t.Fatalf("fichier refusé : %d\n%s", res.Status, res.Body)
	}
	if a.id(`SELECT count(*) FROM deliverable_templates`) != 0 || a.id(`SELECT count(*) FROM audit_log WHERE action = 'referentiel.template_refused'`) != 1 {
		t.Fatal("un modèle refusé a laissé une trace ou n'est pas audité")
	}
	if res := adm.upload("/certificateur/referentiels/RNCP37779/livrables/RNCP99999BC01-D01/modele", "modele.pdf", []byte(testPDF)); res.Status != http.StatusNotFound {
		t.Fatalf("livrable inconnu : %d", res.Status)
	}
	if res := adm.upload(up, "Modèle de dossier.pdf", []byte(testPDF)); res.Status != http.StatusSeeOther {
		t.Fatalf("envoi du modèle : %d %s", res.Status, res.Body)
	}
	if a.id(`SELECT count(*) FROM audit_log WHERE action = 'referentiel.template' AND change LIKE '%RNCP37779BC01-D01%'`) != 1 {
		t.Fatal("modèle non audité")
	}
	if res := adm.get("/referentiels/RNCP37779"); !strings.Contains(res.Body, "Modèle proposé aux candidats") || !strings.Contains(res.Body, "Modèle de dossier.pdf") {
		t.Fatal("le certificateur ne voit pas le modèle proposé")
	}
	// A candidate cannot send one (the route is the certifier's).
	if res := c.upload(up, "x.pdf", []byte(testPDF)); res.Status != http.StatusForbidden {
		t.Fatalf("un candidat envoie un modèle : %d", res.Status)
	}

	res = c.get(page)
	link := fmt.Sprintf(`href="/candidatures/%d/livrables/RNCP37779BC01-D01/modele"`, cd)
	if !strings.Contains(res.Body, link) {
		t.Fatal("pas de lien vers le modèle sur la page de candidature")
	}
	dl := c.get(page + "/livrables/RNCP37779BC01-D01/modele")
	if dl.Status != http.StatusOK || dl.Body != testPDF || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("téléchargement du modèle : %d %v", dl.Status, dl.Header)
	}
	// A deliverable the candidacy does not aim at: nothing.
	if res := c.get(page + "/livrables/RNCP36625BC01-D01/modele"); res.Status != http.StatusNotFound {
		t.Fatalf("modèle d'une autre certification : %d", res.Status)
	}
}
