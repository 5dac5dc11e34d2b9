package web

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAdminCertifierIdentity: the certifier's administrator sets its
// identity once (name, address, logo, signatory); a bad logo is refused in
// French and changes nothing; the change is audited; the next attestation
// carries the identity.
func TestAdminCertifierIdentity(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	adm := a.client()
	adm.login(whoEmails[admin])
	if res := adm.get("/admin/certificateur"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Nom du signataire") {
		t.Fatalf("formulaire : %d", res.Status)
	}
	before := a.id(`SELECT count(*) FROM audit_log WHERE action = 'certifier.identity.update'`)
	var logo bytes.Buffer
	_ = png.Encode(&logo, image.NewGray(image.Rect(0, 0, 60, 30)))
	fields := url.Values{"name": {"Organisme certificateur de l'emploi accompagné"}, "address": {"3 place du Marché\r\n29000 Quimper"},
		"signatory_name": {"Marie Le Goff"}, "signatory_function": {"présidente"}, "rncp_reference": {"Certificateur enregistré auprès de France compétences"}}
	if res := adm.postFile("/admin/certificateur", "logo", "logo.png", logo.Bytes(), fields); res.Status != http.StatusSeeOther {
		t.Fatalf("enregistrement : %d %s", res.Status, res.Body)
	}
	// A GIF is refused, by its content whatever its name.
	bad := url.Values{"name": {"Autre nom"}, "signatory_name": {"X"}, "signatory_function": {"Y"}}
	res := adm.postFile("/admin/certificateur", "logo", "logo.png", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), bad)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "PNG ou JPEG") {
		t.Fatalf("logo GIF : %d", res.Status)
	}
	if n := a.id(`SELECT count(*) FROM certifier_identity WHERE name = 'Organisme certificateur de l''emploi accompagné' AND logo_type = 'image/png'`); n != 1 {
		t.Fatal("identité absente ou changée par un envoi refusé")
	}
	if n := a.id(`SELECT count(*) FROM audit_log WHERE action = 'certifier.identity.update'`); n != before+1 {
		t.Fatalf("%d entrées d'audit, %d attendues", n, before+1)
	}
	if res := adm.get("/admin/certificateur"); !strings.Contains(res.Body, "Logo actuel : PNG") {
		t.Fatal("le formulaire ne dit pas le logo enregistré")
	}

	// A bloc acquired by équivalence gives an attestation with the identity.
	cl := a.client()
	cl.login(whoEmails[cand])
	if res := cl.post("/candidat/nouvelle", url.Values{"certification": {"RNCP37779"}, "pathway_RNCP37779BC01": {"vae"},
		"pathway_RNCP37779BC03": {"equivalence"}, "experience_months": {"24"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("création : %d", res.Status)
	}
	cd := a.id(`SELECT id FROM candidacies WHERE candidate_id = (SELECT id FROM users WHERE email = $1)`, whoEmails[cand])
	if up := cl.upload(fmt.Sprintf("/candidatures/%d/equivalences/RNCP37779BC03/preuve", cd), "titre.pdf", []byte(testPDF)); up.Status != http.StatusSeeOther {
		t.Fatalf("preuve : %d", up.Status)
	}
	if res := adm.post(fmt.Sprintf("/certificateur/candidatures/%d/equivalences/RNCP37779BC03", cd), url.Values{"decision": {"accepter"},
		"fondement": {"equivalence-000-section-4"}, "motifs": {"Titulaire du bloc 3 d'un titre reconnu équivalent."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("acceptation : %d", res.Status)
	}
	txt := pdfText(t, cl.get(fmt.Sprintf("/candidatures/%d/attestations/RNCP37779BC03", cd)))
	for _, want := range []string{"Organisme certificateur de l'emploi accompagné", "3 place du Marché", "29000 Quimper", "Marie Le Goff, présidente",
		"enregistrée au RNCP sous le n° 37779, niveau 6", "Certificateur enregistré auprès de France compétences"} {
		if !strings.Contains(txt, want) {
			t.Errorf("attestation sans %q :\n%s", want, txt)
		}
	}
}
