package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

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
	png, err := qrPNG(v.URL)
	if err != nil {
		return fmt.Errorf("pdf: code QR : %w", err)
	}
	d.need(qrSize + 14)
	d.Heading("Vérifier ce document")
	d.need(qrSize) // prints the heading, on the QR code's page
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

// qrPNG draws the QR code of text as a grey PNG, 8 pixels per module with
// the 4-module quiet zone. The library's own PNG writer takes ≈ 20 ms (it
// sets pixels one by one and compresses hard); this takes a fraction of
// a millisecond, and the code stays crisp when printed.
func qrPNG(text string) ([]byte, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	bits := q.Bitmap() // includes the quiet zone
	const px = 8
	n := len(bits)
	img := image.NewGray(image.Rect(0, 0, n*px, n*px))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, row := range bits {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := 0; dy < px; dy++ {
				off := (y*px+dy)*img.Stride + x*px
				clear(img.Pix[off : off+px])
			}
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
