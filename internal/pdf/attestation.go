package pdf

import (
	"fmt"
	"strconv"
	"strings"

	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// AttestationFileName is the French file name of a bloc's attestation.
func AttestationFileName(b portfolio.AcquiredBlock) string {
	return "attestation-" + b.BlockCode + ".pdf"
}

// CertificateFileName is the French file name of a certificate.
func CertificateFileName(c portfolio.Certificate) string {
	return "certificat-" + c.Number + ".pdf"
}

// Attestation certifies that holder acquired one bloc of competences, for
// life. It bears the date of acquisition, so the same record always
// prints the same document, and its verification address (v).
func Attestation(holder string, cert *referentiel.Certification, b portfolio.AcquiredBlock, v Verification) ([]byte, error) {
	sum, err := HashData(struct {
		Holder string                  `json:"holder"`
		Code   string                  `json:"certification"`
		Block  portfolio.AcquiredBlock `json:"block"`
	}{holder, cert.Code, b})
	if err != nil {
		return nil, err
	}
	d := newDoc(metaFor(cert, "Attestation de validation d'un bloc de compétences", "ATT-"+strconv.FormatInt(b.ID, 10), b.AcquiredOn, sum))
	d.Title("Attestation de validation d'un bloc de compétences")
	validated := "a validé"
	if b.How == "equivalence" {
		// Acquired on the certifier's decision, without a jury: the
		// attestation says so.
		validated = "a validé par équivalence"
	}
	d.Para(fmt.Sprintf("Le certificateur %s atteste que %s %s le bloc de compétences ci-dessous de la certification « %s » (%s, niveau %d). Un bloc validé est acquis définitivement.",
		orDash(cert.Certifier), holder, validated, cert.Title, cert.Code, cert.Level))
	block := blockOf(cert, b.BlockCode)
	d.Fields(
		[2]string{"Titulaire", holder},
		[2]string{"Certification", cert.Code + " — " + cert.Title},
		[2]string{"Bloc", b.BlockCode + " — " + b.BlockTitle},
		[2]string{"Date d'acquisition", FormatDate(b.AcquiredOn)},
		[2]string{"Modalité", howLabel(b.How)},
		[2]string{"Référence", sourceLabel(b.Source)},
	)
	if block != nil && len(block.Competences) > 0 {
		d.Heading("Compétences attestées")
		t := d.Table([]Column{{Width: 40, Header: "Code"}, {Width: 0, Header: "Compétence"}})
		for _, c := range block.Competences {
			t.Row(c.Code, c.Label)
		}
	}
	if err := d.Verify(v); err != nil {
		return nil, err
	}
	d.Signatures("Pour le certificateur " + orDash(cert.Certifier))
	return d.Bytes()
}

// Certificate certifies that holder was awarded the whole certification:
// its number, date, every bloc with its date of acquisition, and its
// verification address (v).
func Certificate(holder string, cert *referentiel.Certification, c portfolio.Certificate, blocks []portfolio.AcquiredBlock, v Verification) ([]byte, error) {
	var mine []portfolio.AcquiredBlock
	for _, b := range blocks {
		if b.CertificationCode == c.CertificationCode {
			mine = append(mine, b)
		}
	}
	sum, err := HashData(struct {
		Holder      string                    `json:"holder"`
		Certificate portfolio.Certificate     `json:"certificate"`
		Blocks      []portfolio.AcquiredBlock `json:"blocks"`
	}{holder, c, mine})
	if err != nil {
		return nil, err
	}
	d := newDoc(metaFor(cert, "Certificat "+c.Number, c.Number, c.AwardedOn, sum))
	d.Title("Certificat")
	d.Para(fmt.Sprintf("Le certificateur %s certifie que %s a obtenu la certification professionnelle « %s » (%s, niveau %d), tous ses blocs de compétences ayant été validés.",
		orDash(cert.Certifier), holder, cert.Title, cert.Code, cert.Level))
	d.Fields(
		[2]string{"Titulaire", holder},
		[2]string{"Certification", cert.Code + " — " + cert.Title},
		[2]string{"Numéro de certificat", c.Number},
		[2]string{"Date d'obtention", FormatDate(c.AwardedOn)},
	)
	d.Heading("Blocs de compétences")
	t := d.Table([]Column{{Width: 38, Header: "Bloc"}, {Width: 0, Header: "Intitulé"}, {Width: 26, Header: "Acquis le"}, {Width: 26, Header: "Modalité"}})
	for _, b := range mine {
		t.Row(b.BlockCode, b.BlockTitle, FormatDate(b.AcquiredOn), howLabel(b.How))
	}
	if err := d.Verify(v); err != nil {
		return nil, err
	}
	d.Signatures("Pour le certificateur " + orDash(cert.Certifier))
	return d.Bytes()
}

func blockOf(cert *referentiel.Certification, code string) *referentiel.Block {
	for i := range cert.Blocks {
		if cert.Blocks[i].Code == code {
			return &cert.Blocks[i]
		}
	}
	return nil
}

func howLabel(how string) string {
	switch how {
	case "jury":
		return "Décision du jury"
	case "equivalence":
		return "Par équivalence"
	}
	return how
}

// sourceLabel says in French where an acquired bloc comes from: the
// stored source ("jury_session:9", "jury_session:9:avenant") is an
// internal reference no document prints.
func sourceLabel(source string) string {
	rest, ok := strings.CutPrefix(source, "jury_session:")
	if !ok {
		return orDash(source)
	}
	id, amended := strings.CutSuffix(rest, ":avenant")
	if amended {
		return "Avenant au procès-verbal du jury, session n° " + id
	}
	return "Procès-verbal du jury, session n° " + id
}
