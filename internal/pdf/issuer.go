package pdf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"

	"acquis/internal/certifier"
)

// Issuer is the certifier as its documents present it (set once by the
// certifier, internal/certifier): the letterhead of certificates and
// attestations, the name in every header, the signatory.
type Issuer struct {
	Name              string `json:"name"`
	Address           string `json:"address"`
	SignatoryName     string `json:"signatory_name"`
	SignatoryFunction string `json:"signatory_function"`
	RNCPReference     string `json:"rncp_reference"`
	Logo              []byte `json:"-"`
	LogoType          string `json:"logo_type"` // "image/png" or "image/jpeg"
}

// IssuerFrom reads the certifier's identity as the documents print it, or
// nil when none was set (the documents then name the référentiel's
// certifier).
func IssuerFrom(ctx context.Context, s *certifier.Store) (*Issuer, error) {
	id, err := s.Get(ctx)
	if errors.Is(err, certifier.ErrNotSet) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	iss := &Issuer{Name: id.Name, Address: id.Address, SignatoryName: id.SignatoryName, SignatoryFunction: id.SignatoryFunction,
		RNCPReference: id.RNCPReference, Logo: id.Logo}
	if id.LogoType != nil {
		iss.LogoType = *id.LogoType
	}
	return iss, nil
}

// issuerData is what the data hash of a document covers of its issuer:
// the text and the logo's digest.
func issuerData(iss *Issuer) any {
	if iss == nil {
		return nil
	}
	sum := sha256.Sum256(iss.Logo)
	return struct {
		Issuer
		LogoSHA256 string `json:"logo_sha256"`
	}{*iss, hex.EncodeToString(sum[:])}
}

// nameOr is the issuer's name, or fallback (the référentiel's certifier)
// when no identity was set.
func (iss *Issuer) nameOr(fallback string) string {
	if iss == nil || strings.TrimSpace(iss.Name) == "" {
		return fallback
	}
	return iss.Name
}

// letterhead prints the issuer's logo, name, address and registration
// reference at the top of the first page, with a rule under them.
func (d *Doc) letterhead(iss *Issuer, fallback string) {
	f := d.f
	y := f.GetY()
	x := marginLeft
	logoH := 0.0
	if iss != nil && len(iss.Logo) > 0 {
		typ := "PNG"
		if iss.LogoType == "image/jpeg" {
			typ = "JPG"
		}
		opt := fpdf.ImageOptions{ImageType: typ}
		info := f.RegisterImageOptionsReader("logo", opt, bytes.NewReader(iss.Logo))
		if f.Err() {
			// The logo was checked when uploaded; an image fpdf cannot
			// read all the same leaves the document without a logo
			// rather than without a document.
			f.ClearError()
		} else if info != nil {
			// At most 38 × 22 mm, keeping the proportions.
			w, h := info.Width(), info.Height()
			scale := min(38/w, 22/h)
			w, h = w*scale, h*scale
			f.ImageOptions("logo", x, y, w, h, false, opt, 0, "")
			x += w + 6
			logoH = h
		}
	}
	textW := pageWidth - marginRight - x
	f.SetXY(x, y)
	d.font("B", 13)
	f.MultiCell(textW, 6, clean(iss.nameOr(fallback)), "", "L", false)
	if iss != nil {
		d.font("", bodySize)
		if iss.Address != "" {
			f.SetX(x)
			f.MultiCell(textW, lineHeight, clean(iss.Address), "", "L", false)
		}
		if iss.RNCPReference != "" {
			d.font("", smallSize+0.5)
			f.SetTextColor(70, 70, 70)
			f.SetX(x)
			f.MultiCell(textW, 3.8, clean(iss.RNCPReference), "", "L", false)
			f.SetTextColor(0, 0, 0)
		}
	}
	f.SetXY(marginLeft, max(f.GetY(), y+logoH)+3)
	f.SetDrawColor(60, 60, 60)
	f.Line(marginLeft, f.GetY(), pageWidth-marginRight, f.GetY())
	f.Ln(6)
	d.font("", bodySize)
}

// centred prints s centred on the page in the given style and size.
func (d *Doc) centred(s, style string, size, lineH float64) {
	d.keep(lineH)
	d.font(style, size)
	d.f.SetX(marginLeft)
	d.f.MultiCell(contentWidth, lineH, clean(s), "", "C", false)
	d.font("", bodySize)
}

// signAndVerify prints, side by side at the foot of the text, the
// verification address with its QR code (left) and where, when and by
// whom the document is signed, with a box for the handwritten signature
// (right), so that a certificate keeps to one page.
func (d *Doc) signAndVerify(iss *Issuer, fallback, on string, v Verification) error {
	f := d.f
	d.need(48)
	f.Ln(4)
	y := f.GetY()
	half := contentWidth / 2
	bottom := y
	if v.URL != "" {
		png, err := qrPNG(v.URL)
		if err != nil {
			return fmt.Errorf("pdf: code QR : %w", err)
		}
		const side = 28.0
		opt := fpdf.ImageOptions{ImageType: "PNG"}
		f.RegisterImageOptionsReader("qr-"+v.Code, opt, bytes.NewReader(png))
		f.ImageOptions("qr-"+v.Code, marginLeft, y, side, side, false, opt, 0, v.URL)
		x, w := marginLeft+side+2, half-side-6
		f.SetXY(x, y)
		d.font("B", bodySize)
		f.MultiCell(w, lineHeight, "Vérifier ce document", "", "L", false)
		d.font("", smallSize+0.5)
		f.SetX(x)
		f.MultiCell(w, 3.6, clean("Sans compte, en lisant le code QR ou à l'adresse imprimée dessous."), "", "L", false)
		f.SetX(x)
		f.MultiCell(w, 3.6, clean("Code de vérification : "+v.Code), "", "L", false)
		bottom = max(f.GetY(), y+side)
	}
	x := marginLeft + half
	who := "Pour " + iss.nameOr(fallback)
	if iss != nil && iss.SignatoryName != "" {
		who += ",\n" + iss.SignatoryName + ", " + iss.SignatoryFunction
	}
	f.SetXY(x, y)
	d.font("", bodySize)
	f.MultiCell(half, lineHeight, clean("Fait le "+on+".\n"+who), "", "L", false)
	by := f.GetY() + 1
	f.SetDrawColor(150, 150, 150)
	f.Rect(x, by, half, 18, "D")
	f.SetXY(x+2, by+13)
	d.font("", smallSize)
	f.CellFormat(half-4, 4, "Signature", "", 0, "L", false, 0, "")
	f.SetXY(marginLeft, max(bottom, by+18)+1.5)
	if v.URL != "" {
		// The address in full, on one line: it holds no space to wrap at.
		d.font("B", smallSize+0.5)
		f.CellFormat(contentWidth, 4, v.URL, "", 1, "L", false, 0, v.URL)
	}
	d.font("", bodySize)
	return nil
}

// rncpLine is « enregistrée au RNCP sous le n° 37779, niveau 6 ».
func rncpLine(code string, level int) string {
	n := strings.TrimPrefix(code, "RNCP")
	s := "enregistrée au RNCP sous le n° " + n
	if level > 0 {
		s += ", niveau " + strconv.Itoa(level)
	}
	return s
}
