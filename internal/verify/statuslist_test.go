package verify

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

// TestEncodeList: the bits set are the positions given, counted from the
// first byte's most significant bit; the list is at least 16 KB and grows
// past the highest position.
func TestEncodeList(t *testing.T) {
	decode := func(s string) []byte {
		t.Helper()
		if !strings.HasPrefix(s, "u") {
			t.Fatalf("préfixe multibase absent : %.10s", s)
		}
		z, err := base64.RawURLEncoding.DecodeString(s[1:])
		if err != nil {
			t.Fatal(err)
		}
		r, err := gzip.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	enc, err := EncodeList([]int64{0, 9, 131071}, 500)
	if err != nil {
		t.Fatal(err)
	}
	b := decode(enc)
	if len(b) != 16384 || b[0] != 0x80 || b[1] != 0x40 || b[16383] != 0x01 || bytes.Count(b, []byte{0}) != 16384-3 {
		t.Fatalf("liste : %d octets, %x %x … %x", len(b), b[0], b[1], b[len(b)-1])
	}
	enc, err = EncodeList([]int64{200000}, 200001)
	if err != nil {
		t.Fatal(err)
	}
	if b := decode(enc); len(b)*8 <= 200001 || b[200000/8] != 0x80>>(200000%8) {
		t.Fatalf("grande liste : %d octets", len(b))
	}
	if _, err := EncodeList([]int64{300000}, 10); err == nil {
		t.Fatal("position hors de la liste acceptée")
	}
}
