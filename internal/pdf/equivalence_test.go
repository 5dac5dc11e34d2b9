package pdf

import (
	"strings"
	"testing"

	"acquis/internal/portfolio"
)

// TestAttestationByEquivalence: a bloc acquired by équivalence says so on
// its attestation and on the certificate, never « décision du jury ».
func TestAttestationByEquivalence(t *testing.T) {
	cert := certification(t, "RNCP37779")
	b := portfolio.AcquiredBlock{ID: 3, UserID: 7, CertificationCode: cert.Code, BlockCode: cert.Blocks[2].Code, BlockTitle: cert.Blocks[2].Title,
		AcquiredOn: at, How: "equivalence", Source: "Ces blocs de compétences peuvent être validés … par équivalence — titre détenu : bloc 3 du titre X"}
	doc, err := Attestation("Élodie Œuvray", cert, b, Verification{URL: "http://acquis.test/verifier/0123456789abcdef01234567", Code: "0123 4567 89ab cdef 0123 4567"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := text(t, doc)
	for _, want := range []string{"a validé par équivalence, sur décision du certificateur du 20/11/2026, le bloc de compétences", "Fondement de l'équivalence : Ces blocs de compétences"} {
		if !strings.Contains(txt, want) {
			t.Errorf("absent de l'attestation : %q\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "Décision du jury") {
		t.Error("l'attestation d'une équivalence parle d'une décision du jury")
	}
	doc, err = Certificate("Élodie Œuvray", cert, portfolio.Certificate{ID: 1, UserID: 7, CertificationCode: cert.Code, Number: "RNCP37779-2026-00013", AwardedOn: at},
		[]portfolio.AcquiredBlock{b}, Verification{URL: "http://acquis.test/verifier/76543210fedcba9876543210", Code: "7654 3210 fedc ba98 7654 3210"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if txt, _ := text(t, doc); !strings.Contains(txt, "Par équivalence") {
		t.Errorf("le certificat ne dit pas « par équivalence » :\n%s", txt)
	}
}
