package demo

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/certifier"
	"acquis/internal/referentiel"
)

// certifierIdentity sets the demo certifier's identity, as its
// administrator would on /admin/certificateur, so that the demo's
// documents carry a letterhead, a logo and a signatory.
func certifierIdentity(ctx context.Context, d *sqlx.DB, a audit.Actor) error {
	return certifier.NewStore(d, referentiel.NewStore(d)).Save(ctx, a, certifier.Identity{
		Name:              "CFEA",
		Address:           "Collectif France pour l'emploi accompagné\n10 rue de la République\n69001 Lyon",
		SignatoryName:     "Claire Dubois",
		SignatoryFunction: "responsable de la certification",
		RNCPReference:     "Certificateur de la certification RNCP37779, enregistrée par France compétences",
		Logo:              demoLogo(),
	}, false)
}

// demoLogo draws a small logo: three stacked bars, in the demo's blue
// and orange, on a transparent background.
func demoLogo() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 240, 120))
	blue, orange := color.NRGBA{0x1d, 0x4e, 0x89, 0xff}, color.NRGBA{0xe0, 0x7a, 0x1f, 0xff}
	bar := func(x0, y0, x1, y1 int, c color.NRGBA) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetNRGBA(x, y, c)
			}
		}
	}
	bar(10, 15, 230, 40, blue)
	bar(10, 48, 170, 73, orange)
	bar(10, 81, 110, 106, blue)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic("demo: logo : " + err.Error())
	}
	return b.Bytes()
}
