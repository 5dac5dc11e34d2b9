package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"acquis/internal/audit"
	"acquis/internal/blob"
	"acquis/internal/portfolio"
	"acquis/internal/referentiel"
)

// findDeliverable returns the deliverable of a targeted bloc of the
// candidacy, or nil.
func findDeliverable(cert *referentiel.Certification, cd *portfolio.Candidacy, code string) (*referentiel.Block, *referentiel.Deliverable) {
	targeted := map[string]bool{}
	for _, t := range cd.Blocks {
		targeted[t.BlockCode] = true
	}
	for bi := range cert.Blocks {
		b := &cert.Blocks[bi]
		if !targeted[b.Code] {
			continue
		}
		for di := range b.Deliverables {
			if b.Deliverables[di].Code == code {
				return b, &b.Deliverables[di]
			}
		}
	}
	return nil, nil
}

// documentUpload streams one file into the blob store while hashing it,
// then records it. The CSRF token travels in the query string so the body
// is read once, as a stream, and never parsed into memory.
func (s *Server) documentUpload(c echo.Context, cd *portfolio.Candidacy) error {
	ctx := c.Request().Context()
	cert, err := s.refs.Version(ctx, cd.VersionID)
	if err != nil {
		return err
	}
	block, del := findDeliverable(cert, cd, c.Param("code"))
	if del == nil || !del.Upload {
		return fail(http.StatusNotFound, "Ce livrable n'existe pas pour cette candidature.")
	}
	if cd.Locked || !cd.State.Editable() {
		return s.uploadRefused(c, cd, http.StatusConflict, "Votre dossier est déposé et verrouillé : aucune nouvelle version n'est possible tant que le jury n'a pas statué ou que le certificateur ne l'a pas rouvert.")
	}
	kinds := make([]blob.Kind, 0, len(del.AcceptedTypes))
	for _, k := range del.AcceptedTypes {
		kinds = append(kinds, blob.Kind(k))
	}
	stored, name, refusal := s.receiveFile(c, kinds, s.cfg.MaxUploadBytes)
	if refusal != nil {
		if refusal.typeRefused {
			_ = audit.RecordNow(ctx, s.db, actor(c).Entry("document.refused", "candidacy", itoa(cd.ID), map[string]string{"deliverable": del.Code, "file_name": name, "reason": refusal.msg}))
		}
		return s.uploadRefused(c, cd, refusal.status, refusal.msg)
	}
	// A file shared by several blocs (CASP's mémoire) is stored once under
	// its shared key and serves each of them (portfolio.AddDocument).
	doc, err := s.portfolio.AddDocument(ctx, actor(c), portfolio.NewDocument{CandidacyID: cd.ID, BlockCode: block.Code, DeliverableCode: del.Code,
		FileName: name, SHA256: stored.SHA256, Size: stored.Size, Kind: string(stored.Kind), MIME: stored.MIME})
	if errors.Is(err, portfolio.ErrLocked) {
		return s.uploadRefused(c, cd, http.StatusConflict, "Votre dossier est déposé et verrouillé : aucune nouvelle version n'est possible.")
	}
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		// The new document is downloaded at its own address (RFC 9110
		// §15.3.2: a 201 says where the created resource is).
		c.Response().Header().Set(echo.HeaderLocation, "/documents/"+itoa(doc.ID))
		return c.JSON(http.StatusCreated, doc)
	}
	return redirectWith(c, candidacyPath(cd.ID)+"#"+del.Code, "« "+name+" » est enregistré (version "+strconv.Itoa(doc.Version)+").")
}

// refusal is why an upload stored nothing, said to the person.
type refusal struct {
	status      int
	msg         string
	typeRefused bool // the content was refused (type, size): worth an audit row
}

// receiveFile streams the multipart field "file" of the request into the
// blob store (hashed, type-checked by content, bounded by max), never
// holding it in memory. It returns the stored blob and the sanitised file
// name, or why nothing was stored.
func (s *Server) receiveFile(c echo.Context, kinds []blob.Kind, max int64) (blob.Blob, string, *refusal) {
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, max+64<<10)
	mr, err := req.MultipartReader()
	if err != nil {
		return blob.Blob{}, "", &refusal{status: http.StatusBadRequest, msg: "Le formulaire d'envoi est mal formé : choisissez un fichier et recommencez."}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return blob.Blob{}, "", &refusal{status: http.StatusBadRequest, msg: uploadReadError(err, max)}
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		name := blob.SanitizeName(part.FileName())
		stored, err := s.blobs.Put(req.Context(), part, blob.Limits{MaxBytes: max, Accepted: kinds})
		part.Close()
		var rej *blob.RejectError
		if errors.As(err, &rej) {
			return blob.Blob{}, name, &refusal{status: http.StatusUnprocessableEntity, msg: rej.Reason, typeRefused: true}
		}
		if errors.Is(err, blob.ErrStorage) {
			// The server's fault, not the upload's: an operator must act.
			full := errors.Is(err, blob.ErrDiskFull)
			s.log.ErrorContext(req.Context(), "enregistrement d'un fichier envoyé impossible", "err", err, "disk_full", full, "path", req.URL.Path)
			if full {
				return blob.Blob{}, name, &refusal{status: http.StatusInsufficientStorage, msg: "Le serveur n'a plus d'espace disque pour enregistrer votre fichier : rien n'a été enregistré. L'équipe technique est prévenue ; réessayez plus tard."}
			}
			return blob.Blob{}, name, &refusal{status: http.StatusInternalServerError, msg: "Le serveur n'a pas pu écrire votre fichier sur son disque : rien n'a été enregistré. L'équipe technique est prévenue ; réessayez plus tard."}
		}
		if err != nil {
			return blob.Blob{}, name, &refusal{status: http.StatusBadRequest, msg: uploadReadError(err, max)}
		}
		s.metrics.upload.Add(float64(stored.Size))
		return stored, name, nil
	}
	return blob.Blob{}, "", &refusal{status: http.StatusUnprocessableEntity, msg: "Aucun fichier n'a été reçu : choisissez un fichier avant d'envoyer."}
}

func uploadReadError(err error, max int64) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "Le fichier dépasse la taille maximale de " + strconv.FormatInt(max>>20, 10) + " Mo."
	}
	return "L'envoi a été interrompu avant la fin : rien n'a été enregistré, recommencez."
}

// uploadRefused answers a refused upload: a problem document for the API
// (through handleError), the candidacy page with the message for a browser.
func (s *Server) uploadRefused(c echo.Context, cd *portfolio.Candidacy, status int, msg string) error {
	if wantsJSON(c) {
		if status == http.StatusConflict {
			return fail(status, msg) // the dossier is locked, whatever the file
		}
		return failField(status, "file", msg)
	}
	v, err := s.buildCandidacyView(c, cd, FormErrors{"file_" + c.Param("code"): msg})
	if err != nil {
		return err
	}
	return s.render.render(c, status, "candidacy", v)
}

// documentDownload serves a file as an attachment, never inline, and logs
// the read: opening a candidate's document is a sensitive access.
func (s *Server) documentDownload(c echo.Context, at documentAt) error {
	d := at.Document
	f, err := s.blobs.OpenContext(c.Request().Context(), d.SHA256)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := audit.RecordNow(c.Request().Context(), s.db, actor(c).Entry("document.read", "document", itoa(d.ID), map[string]int64{"candidacy_id": d.CandidacyID})); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, attachment(d.FileName))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set(echo.HeaderContentLength, strconv.FormatInt(d.Size, 10))
	return c.Stream(http.StatusOK, d.MIME, f)
}

func (s *Server) documentDelete(c echo.Context, at documentAt) error {
	d, cd := at.Document, at.Candidacy
	err := s.portfolio.DeleteDocument(c.Request().Context(), actor(c), d.ID)
	if errors.Is(err, portfolio.ErrLocked) {
		return s.renderCandidacyErrors(c, cd, FormErrors{"": "Le dossier est déposé : on ne peut plus supprimer de document."})
	}
	if err != nil {
		return formError(err, func(errs FormErrors) error { return s.renderCandidacyErrors(c, cd, errs) })
	}
	return redirectWith(c, candidacyPath(d.CandidacyID), "Document supprimé (il reste dans l'historique).")
}
