package blob

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// Kind is a document type, named as référentiels list accepted types.
type Kind string

// The accepted kinds.
const (
	PDF  Kind = "pdf"
	ODT  Kind = "odt"
	DOCX Kind = "docx"
	PNG  Kind = "png"
	JPEG Kind = "jpeg"
)

const sniffLen = 3072

// kindNames says each kind the way a refusal message does.
var kindNames = map[Kind]string{
	PDF:  "un PDF",
	ODT:  "un document ODT",
	DOCX: "un document Word (DOCX)",
	PNG:  "une image PNG",
	JPEG: "une image JPEG",
}

// sniff finds the type from the content, never from the name. The header
// settles most types; a ZIP container (DOCX) is confirmed by its entries,
// read from the temporary file through its central directory, so the file
// is still not loaded into memory.
func sniff(head []byte, f io.ReaderAt, size int64) (Kind, string) {
	m := mimetype.Detect(head)
	mime := m.String()
	switch {
	case m.Is("application/pdf") && bytes.HasPrefix(head, []byte("%PDF-")):
		return PDF, "application/pdf"
	case m.Is("image/png"):
		return PNG, "image/png"
	case m.Is("image/jpeg"):
		return JPEG, "image/jpeg"
	case m.Is("application/vnd.oasis.opendocument.text"):
		return ODT, "application/vnd.oasis.opendocument.text"
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		if k, mt := zipKind(f, size); k != "" {
			return k, mt
		}
	}
	if i := strings.Index(mime, ";"); i > 0 {
		mime = mime[:i]
	}
	return "", mime
}

// zipKind recognises an ODT (mimetype entry) or a DOCX (Word document
// part) from the archive's directory.
func zipKind(f io.ReaderAt, size int64) (Kind, string) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return "", ""
	}
	hasContentTypes, hasWord := false, false
	for _, e := range zr.File {
		switch {
		case e.Name == "mimetype" && e.UncompressedSize64 < 200:
			rc, err := e.Open()
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 200))
			rc.Close()
			if strings.TrimSpace(string(b)) == "application/vnd.oasis.opendocument.text" {
				return ODT, "application/vnd.oasis.opendocument.text"
			}
		case e.Name == "[Content_Types].xml":
			hasContentTypes = true
		case e.Name == "word/document.xml":
			hasWord = true
		}
	}
	if hasContentTypes && hasWord {
		return DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	return "", "application/zip"
}

func accepted(k Kind, list []Kind) bool {
	if k == "" {
		return false
	}
	for _, a := range list {
		if a == k {
			return true
		}
	}
	return false
}

// rejectMessage explains a type refusal in French: what was expected, what
// the content really is, and that renaming is not enough.
func rejectMessage(mime string, list []Kind) string {
	names := make([]string, 0, len(list))
	for _, k := range list {
		names = append(names, kindNames[k])
	}
	expected := strings.Join(names, ", ")
	if i := strings.LastIndex(expected, ", "); i >= 0 {
		expected = expected[:i] + " ou " + expected[i+2:]
	}
	return "Ce fichier n'est pas " + expected + " : son contenu est de type « " + mime +
		" ». Changer l'extension du nom ne suffit pas : enregistrez le document au bon format (par exemple « Exporter en PDF »)."
}
