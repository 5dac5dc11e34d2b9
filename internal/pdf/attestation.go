package pdf

import (
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
// life. It is laid out as a document the holder shows an employer: the
// issuer's letterhead (iss; nil falls back to the référentiel's
// certifier), the certification's title, the holder, the bloc, the date
// of the decision, the signatory and the verification address (v). It
// bears the date of acquisition, so the same record always prints the
// same document.
func Attestation(holder string, cert *referentiel.Certification, b portfolio.AcquiredBlock, v Verification, iss *Issuer) ([]byte, error) {
	sum, err := HashData(struct {
		Holder string                  `json:"holder"`
		Code   string                  `json:"certification"`
		Block  portfolio.AcquiredBlock `json:"block"`
		Issuer any                     `json:"issuer,omitempty"`
	}{holder, cert.Code, b, issuerData(iss)})
	if err != nil {
		return nil, err
	}
	m := metaFor(cert, "Attestation de validation d'un bloc de compétences", "ATT-"+strconv.FormatInt(b.ID, 10), b.AcquiredOn, sum)
	m.Certifier, m.DateOnly = iss.nameOr(cert.Certifier), true
	d := newDoc(m)
	d.letterhead(iss, orDash(cert.Certifier))
	d.centred("Attestation de validation d'un bloc de compétences", "", 13, 6)
	d.f.Ln(3)
	d.centred(cert.Title, "B", 20, 9)
	d.centred("Certification professionnelle "+rncpLine(cert.Code, cert.Level), "", bodySize+1, 5)
	d.f.Ln(6)
	d.centred("atteste que", "I", bodySize+1, 5) // under the letterhead: the certifier attests
	d.f.Ln(1)
	d.centred(holder, "B", 17, 8)
	d.f.Ln(1)
	decided := "a validé, par décision du jury du " + FormatDate(b.AcquiredOn) + ", le bloc de compétences"
	if b.How == "equivalence" {
		// Acquired on the certifier's decision, without a jury: the
		// attestation says so.
		decided = "a validé par équivalence, sur décision du certificateur du " + FormatDate(b.AcquiredOn) + ", le bloc de compétences"
	}
	d.centred(decided, "", bodySize+1, 5)
	d.f.Ln(1)
	d.centred(b.BlockCode+" — "+b.BlockTitle, "B", 12, 6)
	d.f.Ln(2)
	if b.How == "equivalence" && b.Source != "" {
		// The source of an equivalence is the text that grants it; a
		// jury's is an internal reference, never printed.
		d.centred("Fondement de l'équivalence : "+b.Source, "", bodySize, 5)
	} else if b.Source != "" {
		// A jury's decision is named as the minutes that record it, never
		// by its internal reference.
		d.centred(sourceLabel(b.Source), "", bodySize, 5)
	}
	d.centred("Un bloc de compétences validé est acquis définitivement.", "I", bodySize, 5)
	d.f.Ln(4)
	if block := blockOf(cert, b.BlockCode); block != nil && len(block.Competences) > 0 {
		d.Heading("Compétences attestées")
		t := d.Table([]Column{{Width: 40, Header: "Code"}, {Width: 0, Header: "Compétence"}})
		for _, c := range block.Competences {
			t.Row(c.Code, c.Label)
		}
	}
	if err := d.signAndVerify(iss, orDash(cert.Certifier), FormatDate(b.AcquiredOn), v); err != nil {
		return nil, err
	}
	return d.Bytes()
}

// Certificate certifies that holder was awarded the whole certification:
// the issuer's letterhead (iss, as for Attestation), the certification's
// title in large type, the holder, its RNCP registration and level, the
// date of the jury's decision, its number, every bloc with its date of
// acquisition, the signatory and the verification address (v).
func Certificate(holder string, cert *referentiel.Certification, c portfolio.Certificate, blocks []portfolio.AcquiredBlock, v Verification, iss *Issuer) ([]byte, error) {
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
		Issuer      any                       `json:"issuer,omitempty"`
	}{holder, c, mine, issuerData(iss)})
	if err != nil {
		return nil, err
	}
	m := metaFor(cert, "Certificat "+c.Number, c.Number, c.AwardedOn, sum)
	m.Certifier, m.DateOnly = iss.nameOr(cert.Certifier), true
	d := newDoc(m)
	d.letterhead(iss, orDash(cert.Certifier))
	d.centred("Certificat de certification professionnelle", "", 13, 6)
	d.f.Ln(4)
	d.centred(cert.Title, "B", 24, 10)
	d.f.Ln(1)
	d.centred("Certification professionnelle "+rncpLine(cert.Code, cert.Level), "", bodySize+1.5, 5.5)
	d.f.Ln(8)
	d.centred("est délivrée à", "I", bodySize+1, 5)
	d.f.Ln(2)
	d.centred(holder, "B", 20, 9)
	d.f.Ln(3)
	d.centred("par décision du jury du "+FormatDate(c.AwardedOn)+", tous les blocs de compétences de la certification ayant été validés.", "", bodySize+1, 5)
	d.f.Ln(2)
	d.centred("Certificat n° "+c.Number, "B", bodySize+1, 5)
	d.f.Ln(6)
	d.Heading("Blocs de compétences")
	t := d.Table([]Column{{Width: 38, Header: "Bloc"}, {Width: 0, Header: "Intitulé"}, {Width: 26, Header: "Acquis le"}, {Width: 26, Header: "Modalité"}})
	for _, b := range mine {
		t.Row(b.BlockCode, b.BlockTitle, FormatDate(b.AcquiredOn), howLabel(b.How))
	}
	if err := d.signAndVerify(iss, orDash(cert.Certifier), FormatDate(c.AwardedOn), v); err != nil {
		return nil, err
	}
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
