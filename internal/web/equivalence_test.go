package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEquivalenceJourney: the candidate aims at a bloc by équivalence and
// uploads the proof; the certifier's decision without reasons is refused
// and changes nothing; accepted on the référentiel's ground, the bloc is
// acquired by équivalence, shown so, with its attestation, and was never
// among the blocs a jury sees.
func TestEquivalenceJourney(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cl := a.client()
	cl.login(whoEmails[cand])
	res := cl.post("/candidat/nouvelle", url.Values{"certification": {"RNCP37779"}, "pathway_RNCP37779BC01": {"vae"},
		"pathway_RNCP37779BC03": {"equivalence"}, "experience_months": {"24"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("création : %d %s", res.Status, res.Body)
	}
	cd := a.id(`SELECT id FROM candidacies WHERE candidate_id = (SELECT id FROM users WHERE email = $1)`, whoEmails[cand])
	if n := a.id(`SELECT count(*) FROM candidacy_blocks WHERE candidacy_id = $1 AND block_code = 'RNCP37779BC03'`, cd); n != 0 {
		t.Fatal("le bloc par équivalence est parmi les blocs du jury")
	}
	page := cl.get(candidacyPath(cd))
	if !strings.Contains(page.Body, "Blocs visés par équivalence") || !strings.Contains(page.Body, "Preuve à fournir") {
		t.Fatalf("page de la candidature sans la section équivalence")
	}
	up := cl.upload(fmt.Sprintf("/candidatures/%d/equivalences/RNCP37779BC03/preuve", cd), "titre détenu.pdf", []byte(testPDF))
	if up.Status != http.StatusSeeOther {
		t.Fatalf("preuve : %d %s", up.Status, up.Body)
	}
	if bad := cl.upload(fmt.Sprintf("/candidatures/%d/equivalences/RNCP37779BC01/preuve", cd), "x.pdf", []byte(testPDF)); bad.Status != http.StatusNotFound {
		t.Fatalf("preuve pour un bloc visé par VAE : %d", bad.Status)
	}

	adm := a.client()
	adm.login(whoEmails[admin])
	decide := fmt.Sprintf("/certificateur/candidatures/%d/equivalences/RNCP37779BC03", cd)
	res = adm.post(decide, url.Values{"decision": {"accepter"}, "fondement": {"equivalence-000-section-4"}, "motifs": {" "}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Indiquez le titre ou le bloc détenu") {
		t.Fatalf("décision sans motif : %d", res.Status)
	}
	if n := a.id(`SELECT count(*) FROM acquired_blocks WHERE block_code = 'RNCP37779BC03'`); n != 0 {
		t.Fatal("bloc acquis malgré le refus du formulaire")
	}
	res = adm.post(decide, url.Values{"decision": {"accepter"}, "fondement": {"equivalence-000-section-4"}, "motifs": {"Titulaire du bloc 3 d'un titre reconnu équivalent."}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("acceptation : %d %s", res.Status, res.Body)
	}
	if n := a.id(`SELECT count(*) FROM acquired_blocks WHERE block_code = 'RNCP37779BC03' AND how = 'equivalence'`); n != 1 {
		t.Fatal("bloc non acquis par équivalence")
	}
	page = cl.get(candidacyPath(cd))
	if !strings.Contains(page.Body, "par équivalence") || !strings.Contains(page.Body, "Équivalence acceptée") {
		t.Fatal("la page ne dit pas que le bloc est acquis par équivalence")
	}
	pdf := cl.get(fmt.Sprintf("/candidatures/%d/attestations/RNCP37779BC03", cd))
	if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("attestation : %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
	}
}

// TestEveryUploadRouteTakesAFile: each route registered as an upload takes
// a file larger than a form's 1 MB limit (a 1.5 MB PDF); the équivalence
// proof was cut at 1 MB while uploads were recognised by how their path
// ended.
func TestEveryUploadRouteTakesAFile(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cl := a.client()
	cl.login(whoEmails[cand])
	if res := cl.post("/candidat/nouvelle", url.Values{"certification": {"RNCP37779"}, "pathway_RNCP37779BC01": {"vae"},
		"pathway_RNCP37779BC03": {"equivalence"}, "experience_months": {"24"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("création : %d", res.Status)
	}
	cd := a.id(`SELECT id FROM candidacies WHERE candidate_id = (SELECT id FROM users WHERE email = $1)`, whoEmails[cand])
	cl.get(candidacyPath(cd))
	big := append([]byte(testPDF), bytes.Repeat([]byte("%"+strings.Repeat(" ", 79)+"\n"), 1536*1024/81)...)
	if up := cl.upload(fmt.Sprintf("/candidatures/%d/equivalences/RNCP37779BC03/preuve", cd), "titre.pdf", big); up.Status != http.StatusSeeOther {
		t.Fatalf("preuve de %d octets : %d", len(big), up.Status)
	}
	if up := cl.upload(fmt.Sprintf("/candidatures/%d/livrables/RNCP37779BC01-D01/documents", cd), "dossier.pdf", big); up.Status != http.StatusSeeOther {
		t.Fatalf("livrable de %d octets : %d", len(big), up.Status)
	}
}
