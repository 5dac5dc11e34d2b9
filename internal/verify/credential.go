package verify

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Contexts of an Open Badges 3.0 credential (W3C VC data model 2.0).
var credentialContext = []string{
	"https://www.w3.org/ns/credentials/v2",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
}

// StatusType names the credential status check acquis publishes: a GET
// on the status address answers JSON with "status" valide, corrige or
// retire (see README, « Vérifier un certificat »).
const StatusType = "AcquisStatusCheck"

// Addresses are the public addresses a credential points at, built from
// ACQUIS_BASE_URL.
type Addresses struct{ Base string }

// Verify is the public verification page of a code.
func (a Addresses) Verify(code string) string { return a.Base + "/verifier/" + code }

// Status is the status check of a code.
func (a Addresses) Status(code string) string { return a.Verify(code) + "/statut" }

// Issuer is the issuer profile: a stable address.
func (a Addresses) Issuer() string { return a.Base + "/emetteur" }

// JWKS is where the issuer's public keys are published.
func (a Addresses) JWKS() string { return a.Base + "/.well-known/jwks.json" }

// Achievement is the public page of the certification (and the bloc).
func (a Addresses) Achievement(certCode, blockCode string) string {
	u := a.Base + "/referentiels/" + certCode
	if blockCode != "" {
		u += "#" + blockCode
	}
	return u
}

// IssuerProfile is the Open Badges issuer profile served at Issuer().
func IssuerProfile(a Addresses, certifier string) map[string]any {
	return map[string]any{
		"@context": credentialContext,
		"id":       a.Issuer(),
		"type":     []string{"Profile"},
		"name":     certifier,
		"url":      a.Base,
		"description": "Certificateur : certificats et attestations de blocs de compétences délivrés par acquis. " +
			"Clés publiques de vérification : " + a.JWKS(),
	}
}

// Credential is the Open Badges 3.0 credential of a record, as a JSON
// object. A certificate is an achievement of type Certificate; a bloc
// attestation one of type Competency (a bloc de compétences).
func Credential(r *Record, a Addresses) map[string]any {
	validFrom := r.AwardedOn
	name := "Certificat " + r.CertificationTitle
	achievement := map[string]any{
		"id":              a.Achievement(r.CertificationCode, ""),
		"type":            []string{"Achievement"},
		"achievementType": "Certificate",
		"name":            r.CertificationTitle,
		"humanCode":       r.CertificationCode,
		"description":     fmt.Sprintf("Certification professionnelle %s « %s », niveau %d, délivrée par %s.", r.CertificationCode, r.CertificationTitle, r.Level, r.Certifier),
		"criteria":        map[string]string{"narrative": "Tous les blocs de compétences de la certification validés, par décision du jury ou par équivalence."},
		"creator":         map[string]any{"id": a.Issuer(), "type": []string{"Profile"}, "name": r.Certifier},
	}
	var results []map[string]any
	for _, b := range r.Blocks {
		results = append(results, map[string]any{"type": []string{"Result"}, "value": "validé",
			"resultDescription": a.Achievement(r.CertificationCode, b.Code), "achievedLevel": b.Code + " — " + b.Title + " (" + howLabel(b.How) + ", " + b.AcquiredOn.Format("2006-01-02") + ")"})
	}
	if r.Kind == KindAttestation && len(r.Blocks) == 1 {
		b := r.Blocks[0]
		validFrom = b.AcquiredOn
		name = "Bloc de compétences " + b.Code
		achievement["id"] = a.Achievement(r.CertificationCode, b.Code)
		achievement["achievementType"] = "Competency"
		achievement["name"] = b.Title
		achievement["humanCode"] = b.Code
		achievement["description"] = fmt.Sprintf("Bloc de compétences %s de la certification %s « %s » (niveau %d), acquis définitivement.", b.Code, r.CertificationCode, r.CertificationTitle, r.Level)
		achievement["criteria"] = map[string]string{"narrative": "Bloc validé " + howLabel(b.How) + "."}
	}
	subject := map[string]any{
		"type":        []string{"AchievementSubject"},
		"identifier":  []map[string]any{{"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": r.HolderName}},
		"achievement": achievement,
	}
	if r.CertificateNumber != "" && r.Kind == KindCertificate {
		subject["identifier"] = append(subject["identifier"].([]map[string]any),
			map[string]any{"type": "IdentityObject", "identityType": "identifier", "hashed": false, "identityHash": r.CertificateNumber})
	}
	c := map[string]any{
		"@context":          credentialContext,
		"id":                a.Verify(r.Code),
		"type":              []string{"VerifiableCredential", "OpenBadgeCredential"},
		"name":              name,
		"issuer":            map[string]any{"id": a.Issuer(), "type": []string{"Profile"}, "name": r.Certifier},
		"validFrom":         validFrom.UTC().Format(time.RFC3339),
		"credentialSubject": subject,
		// Two ways to check the same status: the standard Bitstring
		// Status List, and the plain status check documented in README.
		"credentialStatus": []map[string]any{
			StatusListEntry(a, r.StatusIndex),
			{"id": a.Status(r.Code), "type": StatusType, "statusPurpose": "revocation"},
		},
	}
	if len(results) > 0 && r.Kind == KindCertificate {
		subject["result"] = results
	}
	return c
}

func howLabel(how string) string {
	if how == "equivalence" {
		return "par équivalence"
	}
	return "par décision du jury"
}

// SignCredential secures a credential as a JWT (VC-JOSE-COSE: typ
// vc+jwt, the credential as payload), signed EdDSA with the current
// Ed25519 key, whose kid is in the header and in the published JWKS.
// iss, jti, iat and nbf repeat the credential for plain JWT libraries.
func (k *Keyring) SignCredential(c map[string]any, issuedAt time.Time) (string, error) {
	kid, key := k.CredentialKey()
	claims := map[string]any{}
	for n, v := range c {
		claims[n] = v
	}
	claims["iss"] = c["issuer"].(map[string]any)["id"]
	claims["jti"] = c["id"]
	claims["iat"] = issuedAt.Unix()
	if t, err := time.Parse(time.RFC3339, c["validFrom"].(string)); err == nil {
		claims["nbf"] = t.Unix()
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: key},
		(&jose.SignerOptions{}).WithType("vc+jwt").WithContentType("vc").WithHeader("kid", kid))
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}
