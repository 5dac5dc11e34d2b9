package blob

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
)

var all = []Kind{PDF, ODT, DOCX, PNG, JPEG}

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Sample files of each kind, made here rather than shipped.
func samplePDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

func samplePNG() []byte {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	png.Encode(&b, img)
	return b.Bytes()
}

func sampleJPEG() []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil)
	return b.Bytes()
}

func sampleGIF() []byte {
	var b bytes.Buffer
	gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 2, 2), []color.Color{color.Black, color.White}), nil)
	return b.Bytes()
}

func sampleODT() []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/vnd.oasis.opendocument.text"))
	w, _ = z.Create("content.xml")
	w.Write([]byte(`<?xml version="1.0"?><office:document-content/>`))
	z.Close()
	return b.Bytes()
}

func sampleDOCX() []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	w, _ = z.Create("_rels/.rels")
	w.Write([]byte(`<?xml version="1.0"?><Relationships/>`))
	w, _ = z.Create("word/document.xml")
	w.Write([]byte(`<?xml version="1.0"?><w:document/>`))
	z.Close()
	return b.Bytes()
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestPutEachKind(t *testing.T) {
	s := newStore(t)
	for kind, data := range map[Kind][]byte{PDF: samplePDF(), PNG: samplePNG(), JPEG: sampleJPEG(), ODT: sampleODT(), DOCX: sampleDOCX()} {
		b, err := s.Put(context.Background(), bytes.NewReader(data), Limits{MaxBytes: 1 << 20, Accepted: all})
		if err != nil {
			t.Fatalf("%s : %v", kind, err)
		}
		sum := sha256.Sum256(data)
		if b.Kind != kind || b.SHA256 != hex.EncodeToString(sum[:]) || b.Size != int64(len(data)) {
			t.Errorf("%s : %+v", kind, b)
		}
		got, err := os.ReadFile(s.Path(b.SHA256))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s : contenu stocké différent", kind)
		}
	}
	if n := countFiles(t, filepath.Join(s.Root(), "tmp")); n != 0 {
		t.Fatalf("%d fichiers temporaires restants", n)
	}
}

func TestRefusals(t *testing.T) {
	s := newStore(t)
	pdfOnly := Limits{MaxBytes: 1024, Accepted: []Kind{PDF, ODT, DOCX}}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"GIF nommé .pdf", sampleGIF(), "n'est pas un PDF, un document ODT ou un document Word (DOCX) : son contenu est de type « image/gif »"},
		{"texte", []byte("bonjour, je suis un PDF, promis"), "text/plain"},
		{"image refusée pour ce livrable", samplePNG(), "image/png"},
		{"trop gros", append(samplePDF(), make([]byte, 2048)...), "taille maximale de 1\u00a0Ko"},
		{"vide", nil, "Le fichier est vide."},
		{"zip quelconque", func() []byte {
			var b bytes.Buffer
			z := zip.NewWriter(&b)
			w, _ := z.Create("a.txt")
			w.Write([]byte("x"))
			z.Close()
			return b.Bytes()
		}(), "application/zip"},
	}
	for _, c := range cases {
		_, err := s.Put(context.Background(), bytes.NewReader(c.data), pdfOnly)
		var rej *RejectError
		if !errors.As(err, &rej) || !strings.Contains(rej.Reason, c.want) {
			t.Errorf("%s : %v", c.name, err)
		}
	}
	if n := countFiles(t, s.Root()); n != 0 {
		t.Fatalf("%d fichiers laissés par des refus", n)
	}
}

type failingReader struct{ n, after int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n >= r.after {
		return 0, errors.New("connexion coupée")
	}
	if len(p) > r.after-r.n {
		p = p[:r.after-r.n]
	}
	copy(p, samplePDF())
	r.n += len(p)
	return len(p), nil
}

func TestInterruptedLeavesNothing(t *testing.T) {
	s := newStore(t)
	if _, err := s.Put(context.Background(), &failingReader{after: 1 << 20}, Limits{MaxBytes: 10 << 20, Accepted: all}); err == nil {
		t.Fatal("erreur de lecture ignorée")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, bytes.NewReader(samplePDF()), Limits{MaxBytes: 1 << 20, Accepted: all}); err == nil {
		t.Fatal("contexte annulé ignoré")
	}
	if n := countFiles(t, s.Root()); n != 0 {
		t.Fatalf("%d fichiers laissés", n)
	}
}

func TestOrphansCleanedAndDedup(t *testing.T) {
	root := t.TempDir()
	if _, err := Open(root); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "tmp", "up-orphan"), []byte("moitié"), 0o600)
	s2, err := Open(root)
	if err != nil || s2.CleanedOrphans() != 1 {
		t.Fatalf("orphelins : %d %v", s2.CleanedOrphans(), err)
	}
	a, _ := s2.Put(context.Background(), bytes.NewReader(samplePDF()), Limits{MaxBytes: 1 << 20, Accepted: all})
	b, _ := s2.Put(context.Background(), bytes.NewReader(samplePDF()), Limits{MaxBytes: 1 << 20, Accepted: all})
	if a.SHA256 != b.SHA256 || countFiles(t, filepath.Join(root, "objects")) != 1 {
		t.Fatal("contenu identique stocké deux fois")
	}
	if _, err := s2.Open("../../etc/passwd"); !errors.Is(err, ErrNotFound) {
		t.Fatal("chemin arbitraire ouvert")
	}
}

func TestSanitizeName(t *testing.T) {
	long := strings.Repeat("é", 200) + ".pdf"
	for in, want := range map[string]string{
		"mémoire final.pdf":       "mémoire final.pdf",
		"../../etc/passwd":        "passwd",
		`..\..\win.ini`:           "win.ini",
		`C:\x\y.pdf`:              "y.pdf",
		"a\x00b\x07c.pdf":         "a_b_c.pdf",
		"   ...   ":               "document",
		"":                        "document",
		"..":                      "document",
		"rapport<1>:final?.docx":  "rapport_1__final_.docx",
		"deux   espaces\tici.odt": "deux espaces ici.odt",
		// Bidi overrides and isolates, marks, zero-width and C1 characters.
		"facture\u202Efdp.exe": "facturefdp.exe",
		"cv\u2066\u2067\u2068\u2069\u202A\u202B\u202C\u202D.pdf": "cv.pdf",
		"note\u200F\u200E\u061C.pdf":                             "note.pdf",
		"zéro\u200B\u200C\u200D\uFEFF.pdf":                       "zéro.pdf",
		"csi\u009b31m.pdf":                                       "csi31m.pdf",
		"ligne\u2028suivante.pdf":                                "ligne suivante.pdf",
		"octet\xffinvalide.pdf":                                  "octetinvalide.pdf",
	} {
		if got := SanitizeName(in); got != want {
			t.Errorf("SanitizeName(%q) = %q, attendu %q", in, got, want)
		}
	}
	got := SanitizeName(long)
	if len(got) > 150 || !strings.HasSuffix(got, ".pdf") || !strings.HasPrefix(got, "éé") {
		t.Errorf("nom long : %q (%d octets)", got, len(got))
	}
}

// pdfStream yields a PDF header followed by n bytes, without ever holding
// them: the memory test must not measure its own input.
type pdfStream struct{ sent, n int64 }

func (p *pdfStream) Read(b []byte) (int, error) {
	if p.sent >= p.n {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n-p.sent {
		b = b[:p.n-p.sent]
	}
	for i := range b {
		b[i] = byte((p.sent + int64(i)) % 251)
	}
	if p.sent == 0 {
		copy(b, "%PDF-1.7\n")
	}
	p.sent += int64(len(b))
	return len(b), nil
}

func TestStreamingMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("court")
	}
	s := newStore(t)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b, err := s.Put(context.Background(), &pdfStream{n: 64 << 20}, Limits{MaxBytes: 100 << 20, Accepted: all})
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if b.Size != 64<<20 {
		t.Fatalf("taille %d", b.Size)
	}
	if grown := int64(after.TotalAlloc - before.TotalAlloc); grown > 8<<20 {
		t.Fatalf("%d Mo alloués pour 64 Mo : le fichier n'est pas traité en flux", grown>>20)
	}
}

func FuzzSniff(f *testing.F) {
	for _, s := range [][]byte{samplePDF(), samplePNG(), sampleJPEG(), sampleODT(), sampleDOCX(), sampleGIF(), []byte("PK\x03\x04")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		head := data
		if len(head) > sniffLen {
			head = head[:sniffLen]
		}
		k, _, _ := sniff(head, bytes.NewReader(data), int64(len(data)))
		if k == PDF && !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Fatal("accepté comme PDF sans en-tête PDF")
		}
	})
}

// diskFullAfter lets n bytes through, then fails as a full disk does.
type diskFullAfter struct {
	w io.Writer
	n int
}

func (d *diskFullAfter) Write(p []byte) (int, error) {
	if len(p) > d.n {
		k, _ := d.w.Write(p[:d.n])
		d.n = 0
		return k, &os.PathError{Op: "write", Path: "up-test", Err: syscall.ENOSPC}
	}
	d.n -= len(p)
	return d.w.Write(p)
}

// TestDiskFullIsAStorageError: a full disk half-way through an upload is
// the server's own failure (ErrDiskFull, ErrStorage), never mistaken for
// a cut upload, and leaves nothing behind.
func TestDiskFullIsAStorageError(t *testing.T) {
	s := newStore(t)
	s.WrapWriter(func(w io.Writer) io.Writer { return &diskFullAfter{w: w, n: 1000} })
	body := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 600<<10)...)
	_, err := s.Put(context.Background(), bytes.NewReader(body), Limits{MaxBytes: 1 << 20, Accepted: all})
	if !errors.Is(err, ErrDiskFull) || !errors.Is(err, ErrStorage) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("disque plein : %v", err)
	}
	if tmp, _ := os.ReadDir(filepath.Join(s.Root(), "tmp")); len(tmp) != 0 {
		t.Fatalf("%d fichiers temporaires restent", len(tmp))
	}
	if objs, _ := filepath.Glob(filepath.Join(s.Root(), "objects", "*", "*")); len(objs) != 0 {
		t.Fatalf("objets stockés : %v", objs)
	}
	// A reader failing (the upload cut) is not a storage error.
	s.WrapWriter(nil)
	_, err = s.Put(context.Background(), io.MultiReader(bytes.NewReader(body[:100]), iotest.ErrReader(errors.New("coupé"))), Limits{MaxBytes: 1 << 20, Accepted: all})
	if err == nil || errors.Is(err, ErrStorage) {
		t.Fatalf("envoi coupé pris pour une panne de disque : %v", err)
	}
}
