package portfolio

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// Document is one version of one file given for a deliverable.
type Document struct {
	ID              int64      `db:"id" json:"id"`
	CandidacyID     int64      `db:"candidacy_id" json:"candidacy_id"`
	BlockCode       string     `db:"block_code" json:"block_code"`
	DeliverableCode string     `db:"deliverable_code" json:"deliverable_code"`
	Version         int        `db:"version" json:"version"`
	FileName        string     `db:"file_name" json:"file_name"`
	SHA256          string     `db:"sha256" json:"sha256"`
	Size            int64      `db:"size_bytes" json:"size"`
	Kind            string     `db:"kind" json:"kind"`
	MIME            string     `db:"mime" json:"mime"`
	UploadedBy      int64      `db:"uploaded_by" json:"uploaded_by"`
	UploadedByName  string     `db:"uploaded_by_name" json:"uploaded_by_name"`
	UploadedAt      time.Time  `db:"uploaded_at" json:"uploaded_at"`
	DeletedAt       *time.Time `db:"deleted_at" json:"deleted_at,omitempty"`
	// Blocks are the presented blocs the file serves, filled by
	// DossierDocuments only (a shared file serves several).
	Blocks pq.StringArray `db:"blocks" json:"-"`
}

// NewDocument is a file already safely in the blob store, to record.
type NewDocument struct {
	CandidacyID     int64
	BlockCode       string
	DeliverableCode string
	FileName        string
	SHA256          string
	Size            int64
	Kind            string
	MIME            string
	// SharedBlocks names the blocs of the candidacy a shared file serves;
	// AddDocument fills it, for the audit row.
	SharedBlocks []string
}

// sharedFile points n at the shared key when its deliverable shares its
// file with other blocs, and names the candidacy's blocs it serves.
func (s *Store) sharedFile(ctx context.Context, n *NewDocument) error {
	c, err := s.Candidacy(ctx, n.CandidacyID)
	if err != nil {
		return err
	}
	cert, err := s.refs.Version(ctx, c.VersionID)
	if err != nil {
		return err
	}
	_, del := cert.Deliverable(n.DeliverableCode)
	if del == nil || del.Shared == "" {
		return nil
	}
	n.DeliverableCode, n.SharedBlocks = del.Shared, nil
	targeted := map[string]bool{}
	for _, t := range c.Blocks {
		targeted[t.BlockCode] = true
	}
	for _, b := range cert.SharedBlocks(del.Shared) {
		if targeted[b] {
			n.SharedBlocks = append(n.SharedBlocks, b)
		}
	}
	return nil
}

// AddDocument records a new version of a deliverable's file. It is called
// only once the file is durably stored, so a recorded document always has
// its bytes; the candidacy row is locked so the dossier cannot be submitted
// halfway through. A deliverable whose file several blocs share (the
// référentiel's shared key) is stored once under that key, for each bloc.
func (s *Store) AddDocument(ctx context.Context, actor audit.Actor, n NewDocument) (Document, error) {
	var d Document
	if err := s.sharedFile(ctx, &n); err != nil {
		return d, err
	}
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := lockEditable(ctx, tx, n.CandidacyID); err != nil {
			return err
		}
		var version int
		var err error
		if d.ID, version, err = insertDocument(ctx, tx, actor, n); err != nil {
			return err
		}
		detail := map[string]any{
			"candidacy_id": n.CandidacyID, "deliverable": n.DeliverableCode, "version": version, "file_name": n.FileName, "sha256": n.SHA256, "size": n.Size,
		}
		if len(n.SharedBlocks) > 1 {
			detail["blocks"] = n.SharedBlocks
		}
		return audit.Record(ctx, tx, actor.Entry("document.upload", "document", strconv.FormatInt(d.ID, 10), detail))
	})
	if err != nil {
		return d, err
	}
	return s.Document(ctx, d.ID)
}

const documentColumns = `d.id, d.candidacy_id, d.block_code, d.deliverable_code, d.version, d.file_name, d.sha256, d.size_bytes,
	d.kind, d.mime, d.uploaded_by, u.full_name AS uploaded_by_name, d.uploaded_at, d.deleted_at`

// Document returns one document version.
func (s *Store) Document(ctx context.Context, id int64) (Document, error) {
	var d Document
	err := s.db.GetContext(ctx, &d, `SELECT `+documentColumns+` FROM documents d JOIN users u ON u.id = d.uploaded_by WHERE d.id = $1`, id)
	if err != nil {
		return d, db.NotFound(err, ErrNotFound, "portfolio")
	}
	return d, nil
}

// Documents lists every version of every file of a candidacy, deleted ones
// included (they stay in the history), in deliverable then version order.
func (s *Store) Documents(ctx context.Context, candidacyID int64) ([]Document, error) {
	var out []Document
	err := s.db.SelectContext(ctx, &out, `SELECT `+documentColumns+` FROM documents d JOIN users u ON u.id = d.uploaded_by
		WHERE d.candidacy_id = $1 ORDER BY d.block_code, d.deliverable_code, d.version`, candidacyID)
	if err != nil {
		return nil, fmt.Errorf("portfolio: documents: %w", err)
	}
	return out, nil
}

// DossierDocuments lists the files the jury assesses: exactly the
// versions listed on the candidacy's latest deposit receipt, the one
// current when the candidate deposited. A version superseded before the
// deposit, or uploaded after it (the certifier reopened the dossier and
// the candidate has not deposited again), is not the dossier the jury
// judges. Never the proof of an équivalence nor the evidence of a
// prerequisite either, which are the certifier's to judge (the receipt
// leaves them out; older receipts are filtered again here). Each names
// the presented blocs it serves: a file shared by blocs (a CASP mémoire)
// is listed once, with each of them.
func (s *Store) DossierDocuments(ctx context.Context, candidacyID int64) ([]Document, error) {
	var out []Document
	err := s.db.SelectContext(ctx, &out, `SELECT `+documentColumns+`, p.blocks FROM documents d JOIN users u ON u.id = d.uploaded_by
		CROSS JOIN LATERAL (SELECT array_agg(cb.block_code ORDER BY cb.position) AS blocks
			FROM candidacy_blocks cb JOIN candidacies c ON c.id = cb.candidacy_id
			JOIN blocks b ON b.version_id = c.version_id AND b.code = cb.block_code
			JOIN deliverables dl ON dl.block_id = b.id AND coalesce(dl.shared_key, dl.code) = d.deliverable_code
			WHERE cb.candidacy_id = d.candidacy_id) p
		WHERE d.candidacy_id = $1 AND p.blocks IS NOT NULL AND d.id IN (`+depositedIDs+`)
		ORDER BY d.block_code, d.deliverable_code, d.version`, candidacyID)
	if err != nil {
		return nil, fmt.Errorf("portfolio: dossier documents: %w", err)
	}
	return out, nil
}

// depositedIDs selects the document ids on the latest deposit receipt of
// candidacy $1.
const depositedIDs = `SELECT (f->>'document_id')::bigint FROM deposits dp CROSS JOIN jsonb_array_elements(dp.files) f
	WHERE dp.candidacy_id = $1 AND dp.number = (SELECT max(number) FROM deposits WHERE candidacy_id = $1)`

// Deposited tells whether document docID of candidacyID is on the latest
// deposit receipt: what a jury member may open.
func (s *Store) Deposited(ctx context.Context, candidacyID, docID int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT $2 IN (`+depositedIDs+`)`, candidacyID, docID)
	if err != nil {
		return false, fmt.Errorf("portfolio: deposited: %w", err)
	}
	return ok, nil
}

// DeleteDocument withdraws a version before submission. The row and the
// bytes stay (marked deleted) so the audit trail remains complete.
func (s *Store) DeleteDocument(ctx context.Context, actor audit.Actor, id int64) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var row struct {
			CandidacyID int64      `db:"candidacy_id"`
			DeletedAt   *time.Time `db:"deleted_at"`
		}
		if err := tx.GetContext(ctx, &row, `SELECT candidacy_id, deleted_at FROM documents WHERE id = $1`, id); err != nil {
			return db.NotFound(err, ErrNotFound, "portfolio")
		}
		if err := lockEditable(ctx, tx, row.CandidacyID); err != nil {
			return err
		}
		if row.DeletedAt != nil {
			return invalid("document", "Ce document est déjà supprimé.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET deleted_at = now(), deleted_by = $2 WHERE id = $1`, id, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("document.delete", "document", strconv.FormatInt(id, 10), map[string]int64{"candidacy_id": row.CandidacyID}))
	})
}

// lockEditable locks a candidacy for a change by its candidate and
// refuses it with ErrLocked once deposited or closed; an unknown
// candidacy is ErrNotFound.
func lockEditable(ctx context.Context, tx *sqlx.Tx, candidacyID int64) error {
	var st struct {
		State  State `db:"state"`
		Locked bool  `db:"locked"`
	}
	if err := tx.GetContext(ctx, &st, `SELECT state, locked FROM candidacies WHERE id = $1 FOR UPDATE`, candidacyID); err != nil {
		return db.NotFound(err, ErrNotFound, "portfolio")
	}
	if st.Locked || !st.State.Editable() {
		return ErrLocked
	}
	return nil
}

// insertDocument stores n as the next version of its deliverable in the
// candidacy (deliverables, équivalence proofs and prerequisite evidence
// alike); the caller holds the candidacy's lock and writes the audit row.
func insertDocument(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, n NewDocument) (id int64, version int, err error) {
	if err = tx.GetContext(ctx, &version, `SELECT coalesce(max(version), 0) + 1 FROM documents WHERE candidacy_id = $1 AND deliverable_code = $2`,
		n.CandidacyID, n.DeliverableCode); err != nil {
		return 0, 0, err
	}
	err = tx.GetContext(ctx, &id, `INSERT INTO documents (candidacy_id, block_code, deliverable_code, version, file_name, sha256, size_bytes, kind, mime, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		n.CandidacyID, n.BlockCode, n.DeliverableCode, version, n.FileName, n.SHA256, n.Size, n.Kind, n.MIME, actor.UserID)
	return id, version, err
}
