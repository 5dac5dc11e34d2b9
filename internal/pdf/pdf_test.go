package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"acquis/internal/jury"
	"acquis/internal/portfolio"
)

func TestJuryFileCASP(t *testing.T) {
	f := caspFile(t)
	doc, err := JuryFile(f, at)
	if err != nil {
		t.Fatal(err)
	}
	txt, pages := text(t, doc)
	// Every criterion of every bloc, verbatim from the référentiel.
	n := 0
	for _, b := range f.TargetedBlocks() {
		for _, cr := range b.Criteria {
			n++
			if !strings.Contains(txt, collapse(cr.Label)) {
				t.Errorf("critère %s absent ou altéré : %q", cr.Code, cr.Label)
			}
		}
		for _, comp := range b.Competences {
			if !strings.Contains(txt, collapse(comp.Label)) {
				t.Errorf("compétence %s absente de l'auto-évaluation", comp.Code)
			}
		}
	}
	if n != 52 {
		t.Fatalf("CASP : %d critères, 52 attendus", n)
	}
	for _, want := range []string{
		"Dossier jury", "Élodie Œuvray-Lefèvre", "Françoise Bénard", "Jérôme Câlin", "Présidence du jury (voix prépondérante)", "partage égal départagé par la voix prépondérante de la présidence du jury", "Règle de décision",
		"Représentant des employeurs", "Déclarations d'absence de conflit d'intérêts", "Documents examinés", "Dépôt n° 1",
		"Auto-évaluation du candidat", "Niv. 5", collapse(longComment(3)),
		"L’entretien a levé les réserves : « analyse convaincante ».", "Réussite totale", "Préconisations du jury",
		"Proposition des évaluateurs", "Décision du jury : validé", "Plateforme emploi accompagné de l’Hérault",
		"SHA-256 des données", "Document DJ-9-42", "Date et signature",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("absent du dossier jury : %q", want)
		}
	}
	if !strings.Contains(txt, fmt.Sprintf("page %d / %d", pages, pages)) || !strings.Contains(txt, fmt.Sprintf("page 1 / %d", pages)) {
		t.Errorf("pied de page « page X / Y » absent (%d pages)", pages)
	}
	// 52 criteria × 3 evaluators with long comments: more than a few
	// pages, far fewer than one page per criterion.
	if pages < 8 || pages > 40 {
		t.Errorf("%d pages : mise en page suspecte", pages)
	}
	// Hashes wrap in table cells: they are looked for without spaces.
	if !strings.Contains(strings.ReplaceAll(txt, " ", ""), strings.Repeat("0", 64)) {
		t.Error("SHA-256 des documents absent")
	}
	// The footer's hash is the hash of the data.
	sum, _ := HashData(f)
	if !strings.Contains(txt, sum) {
		t.Error("empreinte des données absente du pied de page")
	}
}

func TestJuryFileDeterministic(t *testing.T) {
	f := caspFile(t)
	a, err := JuryFile(f, at)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := JuryFile(f, at)
	if !bytes.Equal(a, b) {
		t.Fatal("deux impressions des mêmes données diffèrent")
	}
}

// TestHostileText checks that what users type prints as text: markup is
// not interpreted, emoji and control characters do not break the
// document, and a comment longer than a page is cut across pages, not lost.
func TestHostileText(t *testing.T) {
	f := caspFile(t)
	huge := strings.Repeat("Très long commentaire sans fin, ", 130) + "FIN-DU-COMMENTAIRE"
	f.Verdicts[0].Comment = "<script>alert('x')</script> ' OR 1=1 -- 😀 \x00\x07 fin"
	f.Verdicts[3].Comment = huge
	f.Preconisations = "%PDF-1.4 (texte) \\ ) ( endobj"
	doc, err := JuryFile(f, at)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := text(t, doc)
	for _, want := range []string{"<script>alert('x')</script> ' OR 1=1 -- ? fin", "FIN-DU-COMMENTAIRE", "%PDF-1.4 (texte) \\ ) ( endobj"} {
		if !strings.Contains(txt, want) {
			t.Errorf("texte saisi altéré : %q", want)
		}
	}
	// The comment spans pages (headers and footers come between its
	// parts), so its words are counted, not its sentences.
	if n := strings.Count(txt, "commentaire"); n != 130 {
		t.Errorf("commentaire long tronqué : %d morceaux sur 130", n)
	}
}

func TestMinutes(t *testing.T) {
	m := minutesFor(100)
	doc, err := Minutes(m, strings.Repeat("c", 64))
	if err != nil {
		t.Fatal(err)
	}
	txt, pages := text(t, doc)
	for _, want := range []string{
		"Procès-verbal de délibération du jury", "Françoise Bénard", "Présidence du jury", "Présidence du jury : Françoise Bénard", "Délibération par bloc", "Voix prépondérante", "1 / 1 oui non validé", "2 / 0 non validé", "Candidat·e n° 000 Lefèvre", "Candidat·e n° 099 Lefèvre",
		"Inscrites à la session 100", "Présentées au jury 60", "dont réussite totale (certification obtenue) 20",
		"dont réussite partielle 20", "dont non validation 20", "Candidats absents 20", "Candidats excusés sur justificatif 20",
		"Approfondir le bloc 3 : « coordination des parcours ».", "Empreinte SHA-256 du contenu signé : " + strings.Repeat("c", 64),
		"RNCP37779BC01", "RNCP37779BC03",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("absent du procès-verbal : %q", want)
		}
	}
	if pages < 3 || pages > 15 {
		t.Errorf("%d pages pour 100 candidats", pages)
	}
	// No gendered title, no internal reference.
	for _, bad := range []string{"Président", "président", "jury_session"} {
		if strings.Contains(txt, bad) {
			t.Errorf("procès-verbal : %q", bad)
		}
	}
	// An amendment names the version it replaces.
	m.Version, m.Supersedes, m.Reason = 2, 1, "Erreur de report sur le bloc 3."
	m.Changes = []jury.AmendmentChange{{CandidacyID: 1001, BlockCode: "RNCP37779BC03", Decision: jury.Valide}}
	doc, err = Minutes(m, strings.Repeat("d", 64))
	if err != nil {
		t.Fatal(err)
	}
	txt, _ = text(t, doc)
	for _, want := range []string{"avenant qui remplace la version 1", "Erreur de report sur le bloc 3.", "Corrections apportées par l'avenant", "Bloc RNCP37779BC03 : validé", "Document PV-9-v2"} {
		if !strings.Contains(txt, want) {
			t.Errorf("absent de l'avenant : %q", want)
		}
	}
}

func TestAttestationCertificateReceipt(t *testing.T) {
	cert := certification(t, "RNCP37779")
	var blocks []portfolio.AcquiredBlock
	for i, b := range cert.Blocks {
		blocks = append(blocks, portfolio.AcquiredBlock{ID: int64(i + 1), UserID: 7, CertificationCode: cert.Code, BlockCode: b.Code, BlockTitle: b.Title,
			AcquiredOn: at.AddDate(-i, 0, 0), How: "jury", Source: "jury_session:9"})
	}
	v := Verification{URL: "https://acquis.exemple.fr/verifier/4a15c47297c3f84be80fb489", Code: "4a15-c472-97c3-f84b-e80f-b489"}
	doc, err := Attestation("Élodie Œuvray", cert, blocks[1], v, nil)
	if err != nil {
		t.Fatal(err)
	}
	txt, pages := text(t, doc)
	for _, want := range []string{"Attestation de validation d'un bloc de compétences", "Élodie Œuvray", blocks[1].BlockCode, collapse(blocks[1].BlockTitle),
		"a validé, par décision du jury du 20/11/2025, le bloc de compétences", "CFEA", collapse(cert.Blocks[1].Competences[0].Label),
		"Vérifier ce document", v.URL, "Code de vérification : " + v.Code} {
		if !strings.Contains(txt, want) {
			t.Errorf("absent de l'attestation : %q", want)
		}
	}
	if pages != 1 {
		t.Errorf("attestation sur %d pages", pages)
	}
	if got := qrOf(t, doc); got != v.URL {
		t.Errorf("le code QR de l'attestation donne %q, attendu %q", got, v.URL)
	}
	if strings.Contains(txt, "jury_session") || !strings.Contains(txt, "Procès-verbal du jury, session n° 9") {
		t.Errorf("référence interne sur l'attestation : %s", txt)
	}
	c := portfolio.Certificate{ID: 1, UserID: 7, CertificationCode: cert.Code, Number: "RNCP37779-2026-00012", AwardedOn: at}
	doc, err = Certificate("Élodie Œuvray", cert, c, blocks, v, nil)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ = text(t, doc)
	for _, want := range []string{"Certificat", "RNCP37779-2026-00012", "par décision du jury du 20/11/2026", "Décision du jury", "20/11/2024", "20/11/2025", collapse(cert.Blocks[2].Title), v.URL} {
		if !strings.Contains(txt, want) {
			t.Errorf("absent du certificat : %q", want)
		}
	}
	if got := qrOf(t, doc); got != v.URL {
		t.Errorf("le code QR du certificat donne %q, attendu %q", got, v.URL)
	}
	dep := caspFile(t).Deposit
	doc, err = Receipt(dep, cert, nil)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ = text(t, doc)
	for _, want := range []string{"Récépissé de dépôt du dossier", "Dépôt n° 1, le 21/10/2026 à 16:30", dep.Files[0].FileName, dep.Files[0].SHA256, "1,2 Mo"} {
		if !strings.Contains(txt, want) && !strings.Contains(strings.ReplaceAll(txt, " ", ""), want) {
			t.Errorf("absent du récépissé : %q", want)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"é è ê à â ç ô û œ Œ « » ’ – … °": "é è ê à â ç ô û œ Œ « » ’ – … °",
		"a\tb\r\nc\x00d":     "a b\ncd",
		"emoji 😀 ok":         "emoji ? ok",
		"insécable\u00a0ici": "insécable\u00a0ici",
	} {
		if got := printableText(in); got != want {
			t.Errorf("printableText(%q) = %q, attendu %q", in, got, want)
		}
	}
}
