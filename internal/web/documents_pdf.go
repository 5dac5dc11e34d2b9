package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"acquis/internal/audit"
	"acquis/internal/jury"
	"acquis/internal/pdf"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// sendPDF serves a generated document as a download with its French name.
func sendPDF(c echo.Context, name string, doc []byte) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, attachment(name))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", doc)
}

// juryFilePDF prints a candidacy's jury file. It shows every evaluator's
// verdicts, so the policy (ActJuryFile) gives it to the session's members
// only once the jury deliberates, and to the certifier. Reading it is
// audited like opening a candidate's document.
func (s *Server) juryFilePDF(c echo.Context, at juryCandidate) error {
	ctx := c.Request().Context()
	f, err := s.jury.File(ctx, at.Session.ID, at.Candidacy.ID)
	if errors.Is(err, jury.ErrNotFound) {
		return fail(http.StatusNotFound, "Cette candidature n'est pas inscrite à cette session.")
	}
	if err != nil {
		return err
	}
	iss, err := s.issuer(ctx)
	if err != nil {
		return err
	}
	stop := s.metrics.timePDF("dossier_jury")
	doc, err := pdf.JuryFileWithIdentity(f, time.Now(), iss)
	stop()
	if err != nil {
		return err
	}
	if err := audit.RecordNow(ctx, s.db, actor(c).Entry("jury.file.read", "candidacy", itoa(f.Candidacy.ID),
		map[string]int64{"session_id": f.Session.ID})); err != nil {
		return err
	}
	return sendPDF(c, pdf.JuryFileName(f), doc)
}

// minutesPDF serves a signed version of the minutes exactly as stored at
// signing.
func (s *Server) minutesPDF(c echo.Context, sess *jury.Session) error {
	v, err := strconv.Atoi(c.Param("v"))
	if err != nil || v < 1 {
		return fail(http.StatusNotFound, "Cette version du procès-verbal n'existe pas.")
	}
	doc, m, err := s.jury.MinutesPDF(c.Request().Context(), sess.ID, v)
	if errors.Is(err, jury.ErrNotFound) {
		return fail(http.StatusNotFound, "Cette version du procès-verbal n'existe pas (la session est-elle signée ?).")
	}
	if err != nil {
		return err
	}
	// Minutes signed before PDF signatures existed are signed on the way
	// out, with their signing date.
	if !isSigned(doc) {
		if doc, err = pdf.Sign(doc, pdfSigner(s.keys, m.Content.Certifier), m.SignedAt, "Procès-verbal de délibération signé par la présidence du jury"); err != nil {
			return err
		}
	}
	return sendPDF(c, pdf.MinutesFileName(m.SessionID, m.Version), doc)
}

// receiptPDF prints the receipt of one deposit of a candidacy.
func (s *Server) receiptPDF(c echo.Context, cd *portfolio.Candidacy) error {
	n, err := paramID(c, "n")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	deps, err := s.portfolio.Deposits(ctx, cd.ID)
	if err != nil {
		return err
	}
	for i := range deps {
		if int64(deps[i].Number) == n {
			cert, err := s.refs.Version(ctx, cd.VersionID)
			if err != nil {
				return err
			}
			iss, err := s.issuer(ctx)
			if err != nil {
				return err
			}
			stop := s.metrics.timePDF("recepisse")
			doc, err := pdf.Receipt(&deps[i], cert, iss)
			stop()
			if err != nil {
				return err
			}
			return sendPDF(c, pdf.ReceiptFileName(&deps[i]), doc)
		}
	}
	return fail(http.StatusNotFound, "Ce dépôt n'existe pas.")
}

// attestationPDF prints the attestation of a bloc the candidacy's
// candidate holds.
func (s *Server) attestationPDF(c echo.Context, cd *portfolio.Candidacy) error {
	b, cert, code, err := s.heldBlock(c, cd)
	if err != nil {
		return err
	}
	if err := s.refuseWithdrawn(c, code); err != nil {
		return err
	}
	iss, err := s.issuer(c.Request().Context())
	if err != nil {
		return err
	}
	stop := s.metrics.timePDF("attestation")
	doc, err := pdf.Attestation(cd.CandidateName, cert, b, s.verification(code), iss)
	stop()
	if err != nil {
		return err
	}
	if doc, err = pdf.Sign(doc, pdfSigner(s.keys, signerName(iss, cert)), time.Now(), "Attestation de bloc de compétences délivrée par le certificateur"); err != nil {
		return err
	}
	return sendPDF(c, pdf.AttestationFileName(b), doc)
}

// certificatePDF prints the certificate of the candidacy's certification,
// once awarded.
func (s *Server) certificatePDF(c echo.Context, cd *portfolio.Candidacy) error {
	h, cert, code, err := s.heldCertificate(c, cd)
	if err != nil {
		return err
	}
	if err := s.refuseWithdrawn(c, code); err != nil {
		return err
	}
	iss, err := s.issuer(c.Request().Context())
	if err != nil {
		return err
	}
	stop := s.metrics.timePDF("certificat")
	doc, err := pdf.Certificate(cd.CandidateName, cert, *h.Certificate, h.Blocks, s.verification(code), iss)
	stop()
	if err != nil {
		return err
	}
	if doc, err = pdf.Sign(doc, pdfSigner(s.keys, signerName(iss, cert)), time.Now(), "Certificat délivré par le certificateur"); err != nil {
		return err
	}
	return sendPDF(c, pdf.CertificateFileName(*h.Certificate), doc)
}

// signerName is the name PDF readers show as the signer: the certifier
// as it set its identity, else the référentiel's.
func signerName(iss *pdf.Issuer, cert *referentiel.Certification) string {
	if iss != nil {
		return iss.Name
	}
	return cert.Certifier
}

// holdings reads what the candidacy's candidate holds of its
// certification, with the référentiel version the candidacy follows.
func (s *Server) holdings(c echo.Context, cd *portfolio.Candidacy) (portfolio.Holdings, *referentiel.Certification, error) {
	ctx := c.Request().Context()
	h, err := s.portfolio.HoldingsFor(ctx, cd.CandidateID, cd.CertificationCode)
	if err != nil {
		return h, nil, err
	}
	cert, err := s.refs.Version(ctx, cd.VersionID)
	return h, cert, err
}

// heldBlock finds the bloc the route names among those the candidacy's
// candidate holds, with its verification code: what its attestation, as
// a PDF or as a credential, is made of.
func (s *Server) heldBlock(c echo.Context, cd *portfolio.Candidacy) (portfolio.AcquiredBlock, *referentiel.Certification, string, error) {
	h, cert, err := s.holdings(c, cd)
	if err != nil {
		return portfolio.AcquiredBlock{}, nil, "", err
	}
	b, ok := h.Block(c.Param("block"))
	if !ok {
		return b, nil, "", fail(http.StatusNotFound, "Ce bloc n'est pas acquis : il n'y a pas d'attestation.")
	}
	code, err := s.verify.CodeForBlock(c.Request().Context(), b.ID)
	return b, cert, code, err
}

// heldCertificate is the candidacy's certificate, once awarded, with the
// blocs it rests on and its verification code.
func (s *Server) heldCertificate(c echo.Context, cd *portfolio.Candidacy) (portfolio.Holdings, *referentiel.Certification, string, error) {
	h, cert, err := s.holdings(c, cd)
	if err != nil {
		return h, nil, "", err
	}
	if h.Certificate == nil {
		return h, nil, "", fail(http.StatusNotFound, "La certification n'est pas encore obtenue : il n'y a pas de certificat.")
	}
	code, err := s.verify.CodeForCertificate(c.Request().Context(), h.Certificate.ID)
	return h, cert, code, err
}
