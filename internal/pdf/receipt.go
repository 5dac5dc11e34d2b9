package pdf

import (
	"fmt"
	"strconv"

	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// ReceiptFileName is the French file name of a deposit receipt.
func ReceiptFileName(dep *portfolio.Deposit) string {
	return fmt.Sprintf("recepisse-depot-%d-candidature-%d.pdf", dep.Number, dep.CandidacyID)
}

// Receipt is the deposit receipt (récépissé de dépôt) of a submitted
// dossier: every file with its version, size, SHA-256 and time, so the
// candidate can prove what was handed in and when. iss is the certifier
// whose name heads the receipt (nil: the référentiel's certifier).
func Receipt(dep *portfolio.Deposit, cert *referentiel.Certification, iss *Issuer) ([]byte, error) {
	data := any(dep)
	if iss != nil {
		data = struct {
			Deposit *portfolio.Deposit `json:"deposit"`
			Issuer  any                `json:"issuer"`
		}{dep, issuerData(iss)}
	}
	sum, err := HashData(data)
	if err != nil {
		return nil, err
	}
	m := metaFor(cert, "Récépissé de dépôt", fmt.Sprintf("DEP-%d-%d", dep.CandidacyID, dep.Number), dep.SubmittedAt, sum)
	m.Certifier = iss.nameOr(cert.Certifier)
	d := newDoc(m)
	d.Title("Récépissé de dépôt du dossier")
	d.Fields(
		[2]string{"Candidat", dep.CandidateName},
		[2]string{"Certification", cert.Code + " — " + cert.Title},
		[2]string{"Candidature", "n° " + strconv.FormatInt(dep.CandidacyID, 10)},
		[2]string{"Dépôt", fmt.Sprintf("n° %d, le %s", dep.Number, FormatDateTime(dep.SubmittedAt))},
		[2]string{"Fichiers", strconv.Itoa(len(dep.Files))},
	)
	d.Para("Le dossier est verrouillé à compter de ce dépôt : aucune nouvelle version ne peut être ajoutée avant la fin du jury, sauf réouverture motivée par le certificateur. L'empreinte SHA-256 de chaque fichier permet de vérifier qu'il n'a pas changé depuis.")
	d.Heading("Fichiers déposés")
	d.fileTable(depositRows(dep))
	return d.Bytes()
}
