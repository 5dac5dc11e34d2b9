package pdf

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"acquis/internal/portfolio"
)

// allDocuments prints one of each document from the test fixtures.
func allDocuments(t *testing.T) map[string][]byte {
	t.Helper()
	cert := certification(t, "RNCP37779")
	var blocks []portfolio.AcquiredBlock
	for i, b := range cert.Blocks {
		blocks = append(blocks, portfolio.AcquiredBlock{ID: int64(i + 1), UserID: 7, CertificationCode: cert.Code, BlockCode: b.Code, BlockTitle: b.Title,
			AcquiredOn: at.AddDate(-i, 0, 0), How: "jury", Source: "jury_session:9"})
	}
	v := Verification{URL: "https://acquis.exemple.fr/verifier/4a15c47297c3f84be80fb489", Code: "4a15-c472-97c3-f84b-e80f-b489"}
	iss := testIssuer(t)
	docs := map[string][]byte{}
	var err error
	must := func(name string, b []byte, e error) {
		if e != nil {
			t.Fatalf("%s : %v", name, e)
		}
		docs[name] = b
	}
	f := caspFile(t)
	b, err := JuryFile(f, at)
	must("dossier-jury", b, err)
	b, err = Minutes(minutesFor(100), strings.Repeat("c", 64))
	must("proces-verbal", b, err)
	b, err = Attestation("Élodie Œuvray-Lefèvre", cert, blocks[1], v, iss)
	must("attestation", b, err)
	c := portfolio.Certificate{ID: 1, UserID: 7, CertificationCode: cert.Code, Number: "RNCP37779-2026-00012", AwardedOn: at}
	b, err = Certificate("Élodie Œuvray-Lefèvre", cert, c, blocks, v, iss)
	must("certificat", b, err)
	b, err = Receipt(f.Deposit, cert, iss)
	must("recepisse", b, err)
	return docs
}

// testIssuer is a certifier identity with a logo.
func testIssuer(t *testing.T) *Issuer {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 60))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for x := 10; x < 110; x++ {
		for y := 20; y < 40; y++ {
			img.Set(x, y, color.RGBA{20, 60, 140, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return &Issuer{Name: "Centre de formation à l'emploi accompagné (CFEA)", Address: "12 rue des Lilas\n35000 Rennes",
		SignatoryName: "Claire Dubois", SignatoryFunction: "directrice", RNCPReference: "Certificateur enregistré auprès de France compétences",
		Logo: b.Bytes(), LogoType: "image/png"}
}

// TestCertificateLooksLikeOne checks what a holder shows an employer:
// the issuer's identity, the title, the holder, the RNCP registration and
// level, the jury's date, the signatory; and no internal identifier.
func TestCertificateLooksLikeOne(t *testing.T) {
	docs := allDocuments(t)
	for _, name := range []string{"certificat", "attestation"} {
		txt, pages := text(t, docs[name])
		for _, want := range []string{"Centre de formation à l'emploi accompagné (CFEA)", "12 rue des Lilas", "35000 Rennes",
			"Conseiller en emploi accompagné", "Élodie Œuvray-Lefèvre", "enregistrée au RNCP sous le n° 37779, niveau 6",
			"Claire Dubois, directrice", "Certificateur enregistré auprès de France compétences", "https://acquis.exemple.fr/verifier/"} {
			if !strings.Contains(txt, want) {
				t.Errorf("%s : absent : %q\n%s", name, want, txt)
			}
		}
		if strings.Contains(txt, "jury_session") || strings.Contains(txt, "14:30") || strings.Contains(txt, "15:30") {
			t.Errorf("%s : identifiant interne ou heure d'une date : %s", name, txt)
		}
		if pages > 2 {
			t.Errorf("%s sur %d pages", name, pages)
		}
		// The logo is drawn: the PDF holds an image besides the QR code.
		if n := strings.Count(string(docs[name]), "/Subtype /Image"); n < 2 {
			t.Errorf("%s : %d images, logo absent", name, n)
		}
	}
	txt, _ := text(t, docs["certificat"])
	if !strings.Contains(txt, "par décision du jury du 20/11/2026") || !strings.Contains(txt, "Certificat n° RNCP37779-2026-00012") {
		t.Errorf("certificat : date de décision ou numéro absents\n%s", txt)
	}
	// The receipt is headed by the issuer's name.
	if txt, _ := text(t, docs["recepisse"]); !strings.Contains(txt, "Centre de formation à l'emploi accompagné (CFEA)") {
		t.Errorf("récépissé sans le nom du certificateur")
	}
}

// TestDocumentsRenderAndEmbedTypeface renders every document to PNG with
// poppler's pdftoppm into testdata-out/ (git-ignored: artefacts of the
// run, to be looked at), and checks with pdffonts that each embeds
// Liberation Sans as a subset and nothing else.
func TestDocumentsRenderAndEmbedTypeface(t *testing.T) {
	for _, tool := range []string{"pdftoppm", "pdffonts"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s manque : apt-get install poppler-utils", tool)
		}
	}
	out := "testdata-out"
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	// pdffonts: name type encoding emb sub uni object ID.
	row := regexp.MustCompile(`(?m)^(\S+)\s+CID TrueType\s+Identity-H\s+(yes|no)\s+(yes|no)\s+(yes|no)`)
	for name, doc := range allDocuments(t) {
		path := filepath.Join(out, name+".pdf")
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		// Pages of an earlier, longer rendering must not linger.
		old, _ := filepath.Glob(filepath.Join(out, name+"-*.png"))
		for _, p := range old {
			_ = os.Remove(p)
		}
		if msg, err := exec.Command("pdftoppm", "-png", "-r", "70", path, filepath.Join(out, name)).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm %s : %v %s", name, err, msg)
		}
		pngs, _ := filepath.Glob(filepath.Join(out, name+"-*.png"))
		if len(pngs) == 0 {
			t.Errorf("%s : aucune page rendue", name)
		}
		fonts, err := exec.Command("pdffonts", path).Output()
		if err != nil {
			t.Fatalf("pdffonts %s : %v", name, err)
		}
		rows := row.FindAllStringSubmatch(string(fonts), -1)
		if len(rows) < 2 { // regular and bold at least
			t.Errorf("%s : polices inattendues :\n%s", name, fonts)
		}
		for _, r := range rows {
			// A subset's name is six capitals, "+", the font's name.
			if !regexp.MustCompile(`^[A-Z]{6}\+LiberationSans`).MatchString(r[1]) || r[2] != "yes" || r[3] != "yes" || r[4] != "yes" {
				t.Errorf("%s : police %s emb=%s sub=%s uni=%s, attendu Liberation Sans incorporée en sous-ensemble", name, r[1], r[2], r[3], r[4])
			}
		}
		if strings.Contains(string(fonts), "Go") {
			t.Errorf("%s : la police Go est encore là :\n%s", name, fonts)
		}
		if name == "certificat" && !strings.Contains(string(fonts), "LiberationSans-Bold") {
			t.Errorf("certificat sans vrai gras :\n%s", fonts)
		}
	}
}

// TestHyphenIsAHyphen checks the extracted text of the minutes: the
// hyphen of « Procès-verbal » is U+002D (Go Regular's extracted as
// U+2013), and no en dash appears.
func TestHyphenIsAHyphen(t *testing.T) {
	doc, err := Minutes(minutesFor(3), strings.Repeat("c", 64))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = strings.NewReader(string(doc))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	txt := string(out)
	if !strings.Contains(txt, "Procès\u002dverbal") {
		t.Errorf("« Procès-verbal » sans trait d'union U+002D :\n%.300s", txt)
	}
	if strings.ContainsRune(txt, '\u2013') {
		t.Errorf("tiret demi-cadratin U+2013 dans le texte extrait :\n%.300s", txt)
	}
}

// TestDecisionDateNotShownAsTime: a decision stored as a date (midnight
// UTC) is printed as that date, never as « 02:00 » Paris time.
func TestDecisionDateNotShownAsTime(t *testing.T) {
	cert := certification(t, "RNCP37779")
	on := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	c := portfolio.Certificate{ID: 1, UserID: 7, CertificationCode: cert.Code, Number: "RNCP37779-2026-00001", AwardedOn: on}
	doc, err := Certificate("Jean-Marc Saint-Denis", cert, c, nil, Verification{}, testIssuer(t))
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := text(t, doc)
	if !strings.Contains(txt, "daté du 15/10/2026") || !strings.Contains(txt, "par décision du jury du 15/10/2026") {
		t.Errorf("date de décision absente :\n%s", txt)
	}
	if strings.Contains(txt, "02:00") || strings.Contains(txt, "01:00") {
		t.Errorf("une date affichée comme une heure de Paris :\n%s", txt)
	}
}
