package blob

import (
	"archive/zip"
	"bytes"
	"errors"
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
// settles most types; a ZIP container (ODT, DOCX) is confirmed by its
// entries, read from the temporary file through its central directory, so
// the file is still not loaded into memory. problem, when not empty, is
// why the file is refused whatever types are accepted (a ZIP bomb).
func sniff(head []byte, f io.ReaderAt, size int64) (kind Kind, mime, problem string) {
	m := mimetype.Detect(head)
	mime = m.String()
	switch {
	case m.Is("application/pdf") && bytes.HasPrefix(head, []byte("%PDF-")):
		return PDF, "application/pdf", ""
	case m.Is("image/png"):
		return PNG, "image/png", ""
	case m.Is("image/jpeg"):
		return JPEG, "image/jpeg", ""
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		// Every ZIP goes through the bounded inspection, an ODT that the
		// header alone recognises included.
		k, mt, problem := zipKind(f, size)
		if problem != "" || k != "" {
			return k, mt, problem
		}
	}
	if i := strings.Index(mime, ";"); i > 0 {
		mime = mime[:i]
	}
	return "", mime, ""
}

// Bounds of the ZIP inspection. A thesis in DOCX or ODT, images included,
// has a few hundred entries and unpacks to a few times its size; a ZIP
// bomb has thousands of entries or unpacks to gigabytes, which a jury
// member's word processor (or anything that reads the file later) would
// have to swallow.
const (
	// maxZipEntries bounds the entries of the archive.
	maxZipEntries = 2000
	// maxZipUnpacked bounds the total unpacked size the archive declares.
	maxZipUnpacked = 256 << 20
	// maxZipRatio bounds the unpacked size against the file's own size.
	maxZipRatio = 100
	// zipReadBudget bounds what the inspection itself reads from the file
	// (the end record and the central directory), so that a directory of
	// millions of entries is refused before it is parsed into memory.
	zipReadBudget = 1 << 20
)

var errZipBudget = errors.New("blob: ZIP directory too large")

// budgetReaderAt fails once more than its budget has been read.
type budgetReaderAt struct {
	r    io.ReaderAt
	left int64
}

func (b *budgetReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if int64(len(p)) > b.left {
		return 0, errZipBudget
	}
	b.left -= int64(len(p))
	return b.r.ReadAt(p, off)
}

// zipTooBig is the refusal of a ZIP bomb.
const zipTooBig = "Ce document est une archive anormale (trop d'éléments ou trop volumineuse une fois décompressée) : " +
	"enregistrez-le de nouveau depuis votre traitement de texte, ou exportez-le en PDF."

// zipKind recognises an ODT (mimetype entry) or a DOCX (Word document
// part) from the archive's directory, within the bounds above.
func zipKind(f io.ReaderAt, size int64) (Kind, string, string) {
	zr, err := zip.NewReader(&budgetReaderAt{r: f, left: zipReadBudget}, size)
	if errors.Is(err, errZipBudget) {
		return "", "application/zip", zipTooBig
	}
	if err != nil {
		return "", "", ""
	}
	if len(zr.File) > maxZipEntries {
		return "", "application/zip", zipTooBig
	}
	var unpacked uint64
	for _, e := range zr.File {
		unpacked += e.UncompressedSize64
		if unpacked > maxZipUnpacked || unpacked > uint64(size)*maxZipRatio+(1<<20) || e.UncompressedSize64 > maxZipUnpacked {
			return "", "application/zip", zipTooBig
		}
	}
	kind, mime := Kind(""), "application/zip"
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
				kind, mime = ODT, "application/vnd.oasis.opendocument.text"
			}
		case e.Name == "[Content_Types].xml":
			hasContentTypes = true
		case e.Name == "word/document.xml":
			hasWord = true
		}
	}
	if kind == "" && hasContentTypes && hasWord {
		kind, mime = DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	return kind, mime, ""
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
