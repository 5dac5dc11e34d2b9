package accrochage

import "encoding/xml"

// The flow's XML, element for element (cdc-accrochage-1.1.2.xsd). The
// prefix cpf is written literally: encoding/xml would otherwise repeat the
// namespace on every element.

// Flux is the document's root.
type Flux struct {
	XMLName    xml.Name `xml:"cpf:flux"`
	NS         string   `xml:"xmlns:cpf,attr"`
	XSI        string   `xml:"xmlns:xsi,attr"`
	IDFlux     string   `xml:"cpf:idFlux"`
	Horodatage string   `xml:"cpf:horodatage"`
	Emetteur   struct {
		IDClient       string `xml:"cpf:idClient"`
		Certificateurs struct {
			Certificateur struct {
				IDClient       string          `xml:"cpf:idClient"`
				IDContrat      string          `xml:"cpf:idContrat"`
				Certifications []Certification `xml:"cpf:certifications>cpf:certification"`
			} `xml:"cpf:certificateur"`
		} `xml:"cpf:certificateurs"`
	} `xml:"cpf:emetteur"`
}

// Certification groups the passages of one certification.
type Certification struct {
	Type           string    `xml:"cpf:type"`
	Code           string    `xml:"cpf:code"`
	NatureDeposant string    `xml:"cpf:natureDeposant,omitempty"`
	Passages       []Passage `xml:"cpf:passageCertifications>cpf:passageCertification"`
}

// Nillable is an element the schema lets be xsi:nil.
type Nillable struct {
	Value string `xml:",chardata"`
	Nil   string `xml:"xsi:nil,attr,omitempty"`
}

// null is an element written empty with xsi:nil="true".
func null() Nillable { return Nillable{Nil: "true"} }

// Passage is one person's award.
type Passage struct {
	IDTechnique       string   `xml:"cpf:idTechnique"`
	Obtention         string   `xml:"cpf:obtentionCertification"`
	DonneeCertifiee   bool     `xml:"cpf:donneeCertifiee"`
	DateDebutExamen   string   `xml:"cpf:dateDebutExamen,omitempty"`
	DateFinExamen     string   `xml:"cpf:dateFinExamen,omitempty"`
	ModalitePassage   string   `xml:"cpf:modalitePassageExamen,omitempty"`
	DateDebutValidite string   `xml:"cpf:dateDebutValidite"`
	DateFinValidite   Nillable `xml:"cpf:dateFinValidite"`
	LangueEuro        bool     `xml:"cpf:presenceNiveauLangueEuro"`
	NumeriqueEuro     bool     `xml:"cpf:presenceNiveauNumeriqueEuro"`
	Scoring           Nillable `xml:"cpf:scoring"`
	Mention           Nillable `xml:"cpf:mentionValidee"`
	Inscription       struct {
		ModaliteAcces   Nillable `xml:"cpf:modaliteAcces"`
		VoieVAE         string   `xml:"cpf:voieAccessVAE,omitempty"`
		DateInscription string   `xml:"cpf:dateInscription,omitempty"`
	} `xml:"cpf:modalitesInscription"`
	Identification struct {
		Titulaire struct {
			NomNaissance string   `xml:"cpf:nomNaissance"`
			NomUsage     Nillable `xml:"cpf:nomUsage"`
			Prenom1      string   `xml:"cpf:prenom1"`
			Prenom2      string   `xml:"cpf:prenom2,omitempty"`
			Prenom3      string   `xml:"cpf:prenom3,omitempty"`
			Annee        int      `xml:"cpf:anneeNaissance"`
			Mois         Nillable `xml:"cpf:moisNaissance"`
			Jour         Nillable `xml:"cpf:jourNaissance"`
			Sexe         string   `xml:"cpf:sexe"`
			Commune      struct {
				Insee struct {
					Code string `xml:"cpf:codeInsee"`
				} `xml:"cpf:codeInseeNaissance"`
			} `xml:"cpf:codeCommuneNaissance"`
			LibelleCommune string `xml:"cpf:libelleCommuneNaissance,omitempty"`
		} `xml:"cpf:titulaire"`
	} `xml:"cpf:identificationTitulaire"`
}
