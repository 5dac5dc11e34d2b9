package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// Keyring holds the certifier's signing keys, kept as files in the data
// directory (mode 0600, never in the database): Ed25519 keys sign the
// credentials (JWT), ECDSA P-256 keys with a self-signed X.509
// certificate sign the PDFs, since poppler and most PDF readers do not
// check Ed25519 PDF signatures. Rotation adds a key and keeps the old
// ones, whose public halves stay published so that everything signed
// before still verifies. A configured certificate (ACQUIS_SIGNING_CERT,
// for a qualified one) replaces the generated PDF key.
type Keyring struct {
	dir       string
	credKeys  []credKey // oldest first; the last one signs
	pdfKeys   []PDFKey  // oldest first; the last one signs
	external  *PDFKey
	certifier string
}

type credKey struct {
	kid string
	key ed25519.PrivateKey
}

// PDFKey is a key and certificate that sign PDFs.
type PDFKey struct {
	ID    string
	Key   crypto.Signer
	Cert  *x509.Certificate
	Chain []*x509.Certificate
}

// KeyOptions say where the keys are and whether a certificate is
// configured.
type KeyOptions struct {
	// Dir holds the key files; it is created (0700) when missing.
	Dir string
	// SigningCert is a PEM file (certificate then key, or key then
	// certificate) or a PKCS#12 file (.p12, .pfx) that signs the PDFs.
	SigningCert string
	// SigningCertPassword opens a PKCS#12 file.
	SigningCertPassword string
	// Certifier names the subject of a generated certificate.
	Certifier string
}

const (
	credPrefix = "credential-"
	pdfPrefix  = "pdf-"
)

// OpenKeyring reads the keys in opts.Dir and makes the first ones when
// there are none (first start).
func OpenKeyring(opts KeyOptions) (*Keyring, error) {
	if opts.Certifier == "" {
		opts.Certifier = "acquis"
	}
	k := &Keyring{dir: opts.Dir, certifier: opts.Certifier}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("clés : %w", err)
	}
	if err := k.load(); err != nil {
		return nil, err
	}
	if len(k.credKeys) == 0 {
		if _, err := k.newCredentialKey(); err != nil {
			return nil, err
		}
	}
	if opts.SigningCert != "" {
		ext, err := loadSigningCert(opts.SigningCert, opts.SigningCertPassword)
		if err != nil {
			return nil, err
		}
		k.external = ext
	} else if len(k.pdfKeys) == 0 {
		if _, err := k.newPDFKey(); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// Rotate makes a new credential key and, unless a certificate is
// configured, a new PDF key; the old ones stay to verify what they
// signed. It returns the new key identifiers.
func (k *Keyring) Rotate() ([]string, error) {
	kid, err := k.newCredentialKey()
	if err != nil {
		return nil, err
	}
	out := []string{kid}
	if k.external == nil {
		id, err := k.newPDFKey()
		if err != nil {
			return out, err
		}
		out = append(out, id)
	}
	return out, nil
}

// CredentialKey is the key that signs new credentials, with its kid.
func (k *Keyring) CredentialKey() (string, ed25519.PrivateKey) {
	c := k.credKeys[len(k.credKeys)-1]
	return c.kid, c.key
}

// PDFSigner is the key and certificate that sign new PDFs.
func (k *Keyring) PDFSigner() *PDFKey {
	if k.external != nil {
		return k.external
	}
	return &k.pdfKeys[len(k.pdfKeys)-1]
}

// JWKS is every credential public key ever used, newest first, as
// published at /.well-known/jwks.json.
func (k *Keyring) JWKS() jose.JSONWebKeySet {
	var set jose.JSONWebKeySet
	for i := len(k.credKeys) - 1; i >= 0; i-- {
		c := k.credKeys[i]
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: c.key.Public(), KeyID: c.kid, Algorithm: string(jose.EdDSA), Use: "sig"})
	}
	return set
}

// PDFCertificates are the certificates of every PDF key, newest first,
// so that a verifier can trust a self-signed one explicitly.
func (k *Keyring) PDFCertificates() []*x509.Certificate {
	var out []*x509.Certificate
	if k.external != nil {
		out = append(out, k.external.Cert)
	}
	for i := len(k.pdfKeys) - 1; i >= 0; i-- {
		out = append(out, k.pdfKeys[i].Cert)
	}
	return out
}

// newID names a key by its creation time (sortable) and a random suffix.
func newID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405.000000000") + fmt.Sprintf("-%x", b)
}

func (k *Keyring) newCredentialKey() (string, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	kid := newID()
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", err
	}
	if err := writeSecret(filepath.Join(k.dir, credPrefix+kid+".pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err != nil {
		return "", err
	}
	k.credKeys = append(k.credKeys, credKey{kid: kid, key: priv})
	return kid, nil
}

func (k *Keyring) newPDFKey() (string, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	id := newID()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return "", err
	}
	now := time.Now().UTC()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: k.certifier + " — signature des documents (acquis)", Organization: []string{k.certifier}, Country: []string{"FR"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(30, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, priv.Public(), priv)
	if err != nil {
		return "", err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return "", err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", err
	}
	body := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})...)
	if err := writeSecret(filepath.Join(k.dir, pdfPrefix+id+".pem"), body); err != nil {
		return "", err
	}
	k.pdfKeys = append(k.pdfKeys, PDFKey{ID: id, Key: priv, Cert: cert})
	return id, nil
}

// writeSecret creates a key file readable by its owner only; it never
// overwrites one.
func writeSecret(path string, body []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("clés : %w", err)
	}
	if _, err := f.Write(body); err != nil {
		f.Close()
		return fmt.Errorf("clés : %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (k *Keyring) load() error {
	entries, err := os.ReadDir(k.dir)
	if err != nil {
		return fmt.Errorf("clés : %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".pem") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names) // the identifiers begin with the creation time
	for _, n := range names {
		path := filepath.Join(k.dir, n)
		body, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("clés : %w", err)
		}
		id := strings.TrimSuffix(n, ".pem")
		switch {
		case strings.HasPrefix(n, credPrefix):
			key, _, err := parsePEM(body)
			if err != nil {
				return fmt.Errorf("clé %s : %w", path, err)
			}
			ed, ok := key.(ed25519.PrivateKey)
			if !ok {
				return fmt.Errorf("clé %s : attendu une clé Ed25519", path)
			}
			k.credKeys = append(k.credKeys, credKey{kid: strings.TrimPrefix(id, credPrefix), key: ed})
		case strings.HasPrefix(n, pdfPrefix):
			key, certs, err := parsePEM(body)
			if err != nil || len(certs) == 0 {
				return fmt.Errorf("clé %s : certificat ou clé illisible (%v)", path, err)
			}
			k.pdfKeys = append(k.pdfKeys, PDFKey{ID: strings.TrimPrefix(id, pdfPrefix), Key: key, Cert: certs[0]})
		}
	}
	return nil
}

// parsePEM reads a private key and any certificates from PEM blocks.
func parsePEM(body []byte) (crypto.Signer, []*x509.Certificate, error) {
	var key crypto.Signer
	var certs []*x509.Certificate
	for {
		var b *pem.Block
		b, body = pem.Decode(body)
		if b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, nil, err
			}
			certs = append(certs, c)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, nil, err
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, nil, errors.New("clé privée inutilisable")
			}
			key = s
		case "EC PRIVATE KEY":
			k, err := x509.ParseECPrivateKey(b.Bytes)
			if err != nil {
				return nil, nil, err
			}
			key = k
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				return nil, nil, err
			}
			key = k
		}
	}
	if key == nil {
		return nil, certs, errors.New("aucune clé privée")
	}
	return key, certs, nil
}

// loadSigningCert reads the configured certificate: PEM (certificate,
// chain and key) or PKCS#12.
func loadSigningCert(path, password string) (*PDFKey, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ACQUIS_SIGNING_CERT : %w", err)
	}
	var key crypto.Signer
	var certs []*x509.Certificate
	if strings.Contains(string(body), "-----BEGIN") {
		key, certs, err = parsePEM(body)
	} else {
		var pk any
		var leaf *x509.Certificate
		var chain []*x509.Certificate
		pk, leaf, chain, err = pkcs12.DecodeChain(body, password)
		if err == nil {
			s, ok := pk.(crypto.Signer)
			if !ok {
				return nil, errors.New("ACQUIS_SIGNING_CERT : clé privée inutilisable")
			}
			key, certs = s, append([]*x509.Certificate{leaf}, chain...)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("ACQUIS_SIGNING_CERT illisible (PEM ou PKCS#12 attendu ; mot de passe dans ACQUIS_SIGNING_CERT_PASSWORD) : %w", err)
	}
	if len(certs) == 0 {
		return nil, errors.New("ACQUIS_SIGNING_CERT : aucun certificat dans le fichier")
	}
	// The leaf is the certificate of the key.
	leaf := -1
	for i, c := range certs {
		if pubEqual(c.PublicKey, key.Public()) {
			leaf = i
		}
	}
	if leaf < 0 {
		return nil, errors.New("ACQUIS_SIGNING_CERT : la clé privée ne correspond à aucun certificat du fichier")
	}
	var chain []*x509.Certificate
	for i, c := range certs {
		if i != leaf {
			chain = append(chain, c)
		}
	}
	return &PDFKey{ID: "configured", Key: key, Cert: certs[leaf], Chain: chain}, nil
}

func pubEqual(a, b crypto.PublicKey) bool {
	type eq interface{ Equal(crypto.PublicKey) bool }
	if e, ok := a.(eq); ok {
		return e.Equal(b)
	}
	return false
}

// KeyInfo describes one key for `acquis keys list`.
type KeyInfo struct {
	Use     string // "credential" or "pdf"
	ID      string
	Current bool
	Subject string
}

// Keys lists the keys, oldest first.
func (k *Keyring) Keys() []KeyInfo {
	var out []KeyInfo
	for i, c := range k.credKeys {
		out = append(out, KeyInfo{Use: "credential", ID: c.kid, Current: i == len(k.credKeys)-1})
	}
	for i, p := range k.pdfKeys {
		out = append(out, KeyInfo{Use: "pdf", ID: p.ID, Current: k.external == nil && i == len(k.pdfKeys)-1, Subject: p.Cert.Subject.CommonName})
	}
	if k.external != nil {
		out = append(out, KeyInfo{Use: "pdf", ID: k.external.ID, Current: true, Subject: k.external.Cert.Subject.CommonName})
	}
	return out
}
