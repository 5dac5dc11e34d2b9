package pdf

import (
	"bytes"
	"fmt"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// Verification is where anyone can check a certificate or attestation:
// the address of its public verification page and the code in it.
type Verification struct {
	// URL is ACQUIS_BASE_URL + /verifier/ + the code.
	URL string
	// Code is the code as printed, in groups of four.
	Code string
}

// qrSize is the printed side of the QR code, in mm: large enough for a
// phone at arm's length, small enough to sit beside the address.
const qrSize = 30.0

// Verify prints the verification address in full and as a QR code, so
// that an employer can check the document without an account.
func (d *Doc) Verify(v Verification) error {
	if v.URL == "" {
		return nil
	}
	png, err := qrcode.Encode(v.URL, qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("pdf: code QR : %w", err)
	}
	d.need(qrSize + 14)
	d.Heading("Vérifier ce document")
	y := d.f.GetY()
	name := "qr-" + v.Code
	d.f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	d.f.ImageOptions(name, pageWidth-marginRight-qrSize, y, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, v.URL)
	textW := contentWidth - qrSize - 5
	d.f.SetXY(marginLeft, y)
	d.f.MultiCell(textW, lineHeight, clean("Toute personne peut vérifier ce document, sans compte, en ouvrant l'adresse ci-dessous ou en lisant le code QR : elle y trouve le titulaire, la certification, les blocs acquis et l'état du document (valide, corrigé par avenant ou retiré)."), "", "L", false)
	d.f.Ln(1)
	d.font("B", bodySize)
	d.f.SetX(marginLeft)
	d.f.MultiCell(textW, lineHeight, v.URL, "", "L", false)
	d.font("", bodySize)
	d.f.SetX(marginLeft)
	d.f.MultiCell(textW, lineHeight, clean("Code de vérification : "+v.Code), "", "L", false)
	d.f.SetY(max(d.f.GetY(), y+qrSize) + 2)
	return nil
}
