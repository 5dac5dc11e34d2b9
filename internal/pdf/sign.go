package pdf

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/smallstep/pkcs7"
)

// Signer signs PDFs with a key and its X.509 certificate (and the chain
// up to its authority, for a certificate that is not self-signed).
type Signer struct {
	Key   crypto.Signer
	Cert  *x509.Certificate
	Chain []*x509.Certificate
	// Name is the signer shown by PDF readers (the certifier).
	Name string
}

// sigCapacity bounds the CMS signature: a P-256 or RSA 4096 signature
// with a three-certificate chain fits with room to spare.
const sigCapacity = 16384

// oidSigningCertificateV2 is the ESS signing-certificate-v2 attribute
// that PAdES baseline B-B requires (RFC 5035).
var oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}

type essCertIDv2 struct {
	CertHash []byte // SHA-256, the default hash algorithm
}

type signingCertificateV2 struct {
	Certs []essCertIDv2
}

var (
	trailerRe   = regexp.MustCompile(`trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$`)
	sizeRe      = regexp.MustCompile(`/Size\s+(\d+)`)
	rootRe      = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R`)
	infoRe      = regexp.MustCompile(`/Info\s+(\d+)\s+0\s+R`)
	idRe        = regexp.MustCompile(`/ID\s*\[[^\]]*\]`)
	pagesRe     = regexp.MustCompile(`/Pages\s+(\d+)\s+0\s+R`)
	kidsRe      = regexp.MustCompile(`/Kids\s*\[\s*(\d+)\s+0\s+R`)
	annotsRe    = regexp.MustCompile(`/Annots\s*\[`)
	byteRangeRe = regexp.MustCompile(`/ByteRange \[0 (\*{10}) (\*{10}) (\*{10})\]`)
)

// Sign adds an invisible PAdES signature (ETSI.CAdES.detached) to a PDF
// written by this package, as an incremental update: the signed bytes
// are the document as generated, and any byte changed afterwards breaks
// the signature. reason is shown by PDF readers.
func Sign(doc []byte, s *Signer, at time.Time, reason string) ([]byte, error) {
	if s == nil || s.Key == nil || s.Cert == nil {
		return nil, errors.New("pdf: signature sans clé")
	}
	// The trailer is at the very end: search the tail only.
	m := trailerRe.FindSubmatch(doc[max(0, len(doc)-4096):])
	if m == nil {
		return nil, errors.New("pdf: signature : fin de document introuvable")
	}
	trailer := m[1]
	prevXref := string(m[2])
	size, err := intOf(sizeRe, trailer)
	if err != nil {
		return nil, err
	}
	root, err := intOf(rootRe, trailer)
	if err != nil {
		return nil, err
	}
	catalog, err := objectDict(doc, root)
	if err != nil {
		return nil, err
	}
	pages, err := intOf(pagesRe, catalog)
	if err != nil {
		return nil, err
	}
	pagesDict, err := objectDict(doc, pages)
	if err != nil {
		return nil, err
	}
	page, err := intOf(kidsRe, pagesDict)
	if err != nil {
		return nil, err
	}
	pageDict, err := objectDict(doc, page)
	if err != nil {
		return nil, err
	}
	field, sig := size, size+1

	var out bytes.Buffer
	out.Grow(len(doc) + 2*sigCapacity + 2048)
	out.Write(doc)
	if doc[len(doc)-1] != '\n' {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	obj := func(n int, body string) {
		offsets[n] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	obj(field, fmt.Sprintf("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /F 132 /Rect [0 0 0 0] /P %d 0 R /V %d 0 R >>", page, sig))
	offsets[sig] = out.Len()
	fmt.Fprintf(&out, "%d 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 ********** ********** **********] /Contents <", sig)
	contentsStart := out.Len() - 1
	out.Write(bytes.Repeat([]byte("0"), 2*sigCapacity))
	out.WriteString(">")
	contentsEnd := out.Len()
	fmt.Fprintf(&out, " /M %s /Name %s /Reason %s >>\nendobj\n", pdfDate(at), pdfString(s.Name), pdfString(reason))
	obj(root, insertBeforeEnd(catalog, fmt.Sprintf("/AcroForm << /Fields [%d 0 R] /SigFlags 3 >>\n", field)))
	if loc := annotsRe.FindIndex(pageDict); loc != nil {
		obj(page, string(pageDict[:loc[1]])+fmt.Sprintf("%d 0 R ", field)+string(pageDict[loc[1]:]))
	} else {
		obj(page, insertBeforeEnd(pageDict, fmt.Sprintf("/Annots [%d 0 R]\n", field)))
	}
	xref := out.Len()
	out.WriteString("xref\n0 1\n0000000000 65535 f \n")
	for _, n := range sortedKeys(offsets) {
		fmt.Fprintf(&out, "%d 1\n%010d 00000 n \n", n, offsets[n])
	}
	tr := fmt.Sprintf("/Size %d\n/Root %d 0 R\n/Prev %s\n", size+2, root, prevXref)
	if info, err := intOf(infoRe, trailer); err == nil {
		tr += fmt.Sprintf("/Info %d 0 R\n", info)
	}
	if id := idRe.Find(trailer); id != nil {
		tr += string(id) + "\n"
	}
	fmt.Fprintf(&out, "trailer\n<<\n%s>>\nstartxref\n%d\n%%%%EOF\n", tr, xref)

	b := out.Bytes()
	loc := byteRangeRe.FindSubmatchIndex(b[len(doc):])
	if loc == nil {
		return nil, errors.New("pdf: signature : plage introuvable")
	}
	for i, v := range []int{contentsStart, contentsEnd, len(b) - contentsEnd} {
		copy(b[len(doc)+loc[2+2*i]:], fmt.Sprintf("%-10d", v))
	}
	signed := make([]byte, 0, contentsStart+len(b)-contentsEnd)
	signed = append(append(signed, b[:contentsStart]...), b[contentsEnd:]...)
	cms, err := cmsSign(signed, s)
	if err != nil {
		return nil, err
	}
	if 2*len(cms) > 2*sigCapacity {
		return nil, fmt.Errorf("pdf: signature trop grande (%d octets)", len(cms))
	}
	hex.Encode(b[contentsStart+1:], cms)
	return b, nil
}

// cmsSign makes the detached CMS SignedData over the signed byte ranges,
// with the signing-certificate-v2 attribute of PAdES baseline.
func cmsSign(content []byte, s *Signer) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, fmt.Errorf("pdf: signature : %w", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	h := sha256.Sum256(s.Cert.Raw)
	attr := pkcs7.Attribute{Type: oidSigningCertificateV2, Value: signingCertificateV2{Certs: []essCertIDv2{{CertHash: h[:]}}}}
	if err := sd.AddSignerChain(s.Cert, s.Key, s.Chain, pkcs7.SignerInfoConfig{ExtraSignedAttributes: []pkcs7.Attribute{attr}}); err != nil {
		return nil, fmt.Errorf("pdf: signature : %w", err)
	}
	sd.Detach()
	return sd.Finish()
}

// objectDict returns the dictionary of uncompressed object n.
func objectDict(doc []byte, n int) ([]byte, error) {
	head := []byte("\n" + strconv.Itoa(n) + " 0 obj")
	i := bytes.LastIndex(doc, head)
	if i < 0 {
		return nil, fmt.Errorf("pdf: signature : objet %d introuvable", n)
	}
	rest := doc[i+len(head):]
	j := bytes.Index(rest, []byte("endobj"))
	if j < 0 {
		return nil, fmt.Errorf("pdf: signature : objet %d incomplet", n)
	}
	return bytes.TrimSpace(rest[:j]), nil
}

// insertBeforeEnd adds entries at the end of a dictionary.
func insertBeforeEnd(dict []byte, entries string) string {
	i := bytes.LastIndex(dict, []byte(">>"))
	return string(dict[:i]) + entries + string(dict[i:])
}

func intOf(re *regexp.Regexp, b []byte) (int, error) {
	m := re.FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("pdf: signature : %s introuvable", re.String())
	}
	return strconv.Atoi(string(m[1]))
}

func sortedKeys(m map[int]int) []int {
	ks := slices.Collect(maps.Keys(m))
	slices.Sort(ks)
	return ks
}

// pdfDate is a PDF date string in UTC.
func pdfDate(t time.Time) string {
	return "(D:" + t.UTC().Format("20060102150405") + "+00'00')"
}

// pdfString encodes text as a UTF-16BE PDF string, which any reader shows
// with its accents.
func pdfString(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, r := range s {
		if r > 0xFFFF {
			r = '?'
		}
		fmt.Fprintf(&b, "%04X", r)
	}
	b.WriteString(">")
	return b.String()
}
