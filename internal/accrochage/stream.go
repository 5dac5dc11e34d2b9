package accrochage

import (
	"bufio"
	"encoding/xml"
	"io"
	"time"
)

// flowWriter writes a flow one passage at a time, in the same XML as
// Write gives for the whole Flux: the opening elements when the first
// passage comes, a certification's wrapper when its code changes (the
// awards come grouped by certification), the closing elements at the end.
type flowWriter struct {
	out     *bufio.Writer
	enc     *xml.Encoder
	ids     IDs
	id, ts  string
	current string // certification being written, "" before the first
	count   int
}

// newFlowWriter buffers its writes: a passage is about 2 KB, and the
// encoder flushes after each.
func newFlowWriter(w io.Writer, ids IDs, from, to, now time.Time) *flowWriter {
	out := bufio.NewWriterSize(w, 32<<10)
	// Hidden behind a plain io.Writer: given a *bufio.Writer, the encoder
	// would use it as its own buffer and flush it after every passage.
	enc := xml.NewEncoder(struct{ io.Writer }{out})
	enc.Indent("", "  ")
	return &flowWriter{out: out, enc: enc, ids: ids, id: fluxID(from, to, now), ts: timestamp(now)}
}

func start(name string, attrs ...xml.Attr) xml.StartElement {
	return xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs}
}

func (f *flowWriter) open(name string) error { return f.enc.EncodeToken(start(name)) }

func (f *flowWriter) end(name string) error {
	return f.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}})
}

func (f *flowWriter) text(name, v string) error { return f.enc.EncodeElement(v, start(name)) }

// each stops at the first error of its steps.
func each(steps ...func() error) error {
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

func (f *flowWriter) header() error {
	if _, err := f.out.WriteString(xml.Header); err != nil {
		return err
	}
	return each(
		func() error {
			return f.enc.EncodeToken(start("cpf:flux", xml.Attr{Name: xml.Name{Local: "xmlns:cpf"}, Value: Namespace},
				xml.Attr{Name: xml.Name{Local: "xmlns:xsi"}, Value: xsiNamespace}))
		},
		func() error { return f.text("cpf:idFlux", f.id) },
		func() error { return f.text("cpf:horodatage", f.ts) },
		func() error { return f.open("cpf:emetteur") },
		func() error { return f.text("cpf:idClient", f.ids.Client) },
		func() error { return f.open("cpf:certificateurs") },
		func() error { return f.open("cpf:certificateur") },
		func() error { return f.text("cpf:idClient", f.ids.Client) },
		func() error { return f.text("cpf:idContrat", f.ids.Contract) },
		func() error { return f.open("cpf:certifications") },
	)
}

func (f *flowWriter) closeCertification() error {
	return each(func() error { return f.end("cpf:passageCertifications") }, func() error { return f.end("cpf:certification") })
}

// add writes one award's passage, opening the flow or its certification
// when needed.
func (f *flowWriter) add(a *Award) error {
	if f.count == 0 {
		if err := f.header(); err != nil {
			return err
		}
	}
	if a.Certification != f.current {
		if f.current != "" {
			if err := f.closeCertification(); err != nil {
				return err
			}
		}
		f.current = a.Certification
		if err := each(
			func() error { return f.open("cpf:certification") },
			func() error { return f.text("cpf:type", "RNCP") },
			func() error { return f.text("cpf:code", a.Certification) },
			func() error { return f.text("cpf:natureDeposant", "CERTIFICATEUR") },
			func() error { return f.open("cpf:passageCertifications") },
		); err != nil {
			return err
		}
	}
	f.count++
	return f.enc.EncodeElement(passage(*a), start("cpf:passageCertification"))
}

// close ends the open elements and flushes what is buffered.
func (f *flowWriter) close() error {
	if err := each(f.closeCertification,
		func() error { return f.end("cpf:certifications") },
		func() error { return f.end("cpf:certificateur") },
		func() error { return f.end("cpf:certificateurs") },
		func() error { return f.end("cpf:emetteur") },
		func() error { return f.end("cpf:flux") },
		f.enc.Flush,
	); err != nil {
		return err
	}
	if _, err := f.out.WriteString("\n"); err != nil {
		return err
	}
	return f.out.Flush()
}
