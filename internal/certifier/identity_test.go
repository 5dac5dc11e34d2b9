package certifier

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"acquis/internal/audit"
	"acquis/internal/db/dbtest"
	"acquis/internal/fielderr"
	"acquis/internal/referentiel"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSaveGetAudited(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	s := NewStore(d, referentiel.NewStore(d))
	if _, err := s.Get(ctx); !errors.Is(err, ErrNotSet) {
		t.Fatalf("identité avant saisie : %v, attendu ErrNotSet", err)
	}
	id := Identity{Name: "  CFEA  ", Address: "12 rue des Lilas\r\n35000 Rennes", SignatoryName: "Claire Dubois", SignatoryFunction: "Directrice", RNCPReference: "France compétences, certificateur n° 1234", Logo: pngOf(t, 40, 20)}
	if err := s.Save(ctx, audit.System, id, false); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "CFEA" || got.Address != "12 rue des Lilas\n35000 Rennes" || got.LogoType == nil || *got.LogoType != "image/png" || len(got.Logo) == 0 {
		t.Fatalf("identité relue : %+v", got)
	}
	// Saving without a new logo keeps the stored one; removeLogo drops it.
	got.Logo = nil
	got.SignatoryFunction = "Présidente"
	if err := s.Save(ctx, audit.System, got, false); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Get(ctx); len(again.Logo) == 0 || again.SignatoryFunction != "Présidente" {
		t.Fatalf("logo perdu ou fonction non changée : %+v", again)
	}
	if err := s.Save(ctx, audit.System, got, true); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Get(ctx); again.Logo != nil || again.LogoType != nil {
		t.Fatal("logo non retiré")
	}
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'certifier.identity.update'`); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("%d entrées d'audit, 3 attendues", n)
	}
}

// TestSaveRejectsBadInput checks that bad input is refused in French and
// changes nothing.
func TestSaveRejectsBadInput(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	s := NewStore(d, referentiel.NewStore(d))
	good := Identity{Name: "CFEA", SignatoryName: "Claire Dubois", SignatoryFunction: "Directrice"}
	if err := s.Save(ctx, audit.System, good, false); err != nil {
		t.Fatal(err)
	}
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	for name, c := range map[string]struct {
		id    Identity
		field string
	}{
		"nom vide":        {Identity{Name: " ", SignatoryName: "x", SignatoryFunction: "y"}, "name"},
		"signataire vide": {Identity{Name: "x", SignatoryFunction: "y"}, "signatory_name"},
		"fonction vide":   {Identity{Name: "x", SignatoryName: "y"}, "signatory_function"},
		"nom trop long":   {Identity{Name: strings.Repeat("é", 201), SignatoryName: "x", SignatoryFunction: "y"}, "name"},
		"contrôle":        {Identity{Name: "a\x00b", SignatoryName: "x", SignatoryFunction: "y"}, "name"},
		"logo GIF":        {Identity{Name: "x", SignatoryName: "x", SignatoryFunction: "y", Logo: gif}, "logo"},
		"logo PDF":        {Identity{Name: "x", SignatoryName: "x", SignatoryFunction: "y", Logo: []byte("%PDF-1.4\n%âãÏÓ\n")}, "logo"},
		"PNG tronqué":     {Identity{Name: "x", SignatoryName: "x", SignatoryFunction: "y", Logo: pngOf(t, 10, 10)[:40]}, "logo"},
		"logo trop grand": {Identity{Name: "x", SignatoryName: "x", SignatoryFunction: "y", Logo: pngOf(t, 2100, 10)}, "logo"},
		"logo trop lourd": {Identity{Name: "x", SignatoryName: "x", SignatoryFunction: "y", Logo: append(pngOf(t, 10, 10), make([]byte, MaxLogoBytes)...)}, "logo"},
	} {
		err := s.Save(ctx, audit.System, c.id, false)
		var ve *fielderr.Error
		if !errors.As(err, &ve) || ve.Field != c.field || ve.Message == "" {
			t.Errorf("%s : erreur %v, attendu une erreur sur %q", name, err, c.field)
		}
	}
	if got, _ := s.Get(ctx); got.Name != "CFEA" || got.SignatoryName != "Claire Dubois" {
		t.Errorf("une saisie refusée a changé l'identité : %+v", got)
	}
}
