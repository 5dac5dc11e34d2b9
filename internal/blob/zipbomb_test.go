package blob

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// docxWith builds a DOCX (content types and Word part) with extra
// entries written by add.
func docxWith(odt bool, add func(z *zip.Writer)) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	if odt {
		w, _ := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
		w.Write([]byte("application/vnd.oasis.opendocument.text"))
		w, _ = z.Create("content.xml")
		w.Write([]byte(`<?xml version="1.0"?><office:document-content/>`))
	} else {
		w, _ := z.Create("[Content_Types].xml")
		w.Write([]byte(`<?xml version="1.0"?><Types/>`))
		w, _ = z.Create("word/document.xml")
		w.Write([]byte(`<?xml version="1.0"?><w:document/>`))
	}
	add(z)
	z.Close()
	return b.Bytes()
}

// zeros writes n zero bytes into a new deflated entry, 1 MiB at a time.
func zeros(z *zip.Writer, name string, n int) {
	w, _ := z.Create(name)
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		w.Write(chunk[:k])
		n -= k
	}
}

// TestZipBombsRefused: a DOCX or ODT that unpacks to far more than its
// size, or holds thousands of entries, or a directory too large to read,
// is refused with a French message, and nothing is stored; an ordinary
// document with images still passes.
func TestZipBombsRefused(t *testing.T) {
	s := newStore(t)
	lim := Limits{MaxBytes: 50 << 20, Accepted: all}
	cases := map[string][]byte{
		// 64 MiB of zeros deflate to about 64 KB: a ratio of 1000.
		"DOCX, une image de 64 Mo compressée": docxWith(false, func(z *zip.Writer) { zeros(z, "word/media/image1.png", 64<<20) }),
		// The header alone says ODT: still inspected.
		"ODT, un contenu de 64 Mo compressé": docxWith(true, func(z *zip.Writer) { zeros(z, "Pictures/bombe.png", 64<<20) }),
		"DOCX, 5 000 éléments": docxWith(false, func(z *zip.Writer) {
			for i := range 5000 {
				z.Create(fmt.Sprintf("word/e%d.xml", i))
			}
		}),
		// A central directory of 30 000 long names (about 3 MB) is not
		// even parsed.
		"DOCX, répertoire de 3 Mo": docxWith(false, func(z *zip.Writer) {
			for i := range 30000 {
				z.Create(fmt.Sprintf("word/%s%06d.xml", strings.Repeat("n", 60), i))
			}
		}),
	}
	for name, data := range cases {
		_, err := s.Put(context.Background(), bytes.NewReader(data), lim)
		var rej *RejectError
		if !errors.As(err, &rej) || !strings.Contains(rej.Reason, "archive anormale") {
			t.Errorf("%s (%d Ko) : %v", name, len(data)>>10, err)
		}
	}
	if n := countFiles(t, s.Root()); n != 0 {
		t.Fatalf("%d fichiers laissés par des refus", n)
	}
	// A real document: 200 images stored (not compressible) and its XML.
	ok := docxWith(false, func(z *zip.Writer) {
		for i := range 200 {
			w, _ := z.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("word/media/image%d.png", i), Method: zip.Store})
			w.Write(bytes.Repeat([]byte{byte(i)}, 2048))
		}
		w, _ := z.Create("word/styles.xml")
		w.Write(bytes.Repeat([]byte("<w:style/>"), 20000))
	})
	if b, err := s.Put(context.Background(), bytes.NewReader(ok), lim); err != nil || b.Kind != DOCX {
		t.Fatalf("document ordinaire refusé : %v", err)
	}
}
