package referentiel

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// Template is the file a certifier offers as a model for a deliverable
// (issue 18 #6). It belongs to the certification and the deliverable's
// code, not to one version: a new version of the référentiel keeps it.
type Template struct {
	ID                int64     `db:"id" json:"id"`
	CertificationCode string    `db:"certification_code" json:"certification_code"`
	DeliverableCode   string    `db:"deliverable_code" json:"deliverable_code"`
	FileName          string    `db:"file_name" json:"file_name"`
	SHA256            string    `db:"sha256" json:"sha256"`
	Size              int64     `db:"size_bytes" json:"size"`
	Kind              string    `db:"kind" json:"kind"`
	MIME              string    `db:"mime" json:"mime"`
	UploadedBy        int64     `db:"uploaded_by" json:"uploaded_by"`
	UploadedAt        time.Time `db:"uploaded_at" json:"uploaded_at"`
}

const templateColumns = `id, certification_code, deliverable_code, file_name, sha256, size_bytes, kind, mime, uploaded_by, uploaded_at`

// AddTemplate records a template already safely in the blob store, in one
// transaction with its audit row; it supersedes the deliverable's previous
// template, which stays in the history. The deliverable must be one of the
// certification's current version.
func (s *Store) AddTemplate(ctx context.Context, actor audit.Actor, t Template) (Template, error) {
	cert, err := s.Certification(ctx, t.CertificationCode)
	if err != nil {
		return t, err
	}
	if _, d := cert.Deliverable(t.DeliverableCode); d == nil {
		return t, ErrNotFound
	}
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &t.ID, `INSERT INTO deliverable_templates (certification_code, deliverable_code, file_name, sha256, size_bytes, kind, mime, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			t.CertificationCode, t.DeliverableCode, t.FileName, t.SHA256, t.Size, t.Kind, t.MIME, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("referentiel.template", "deliverable_template", strconv.FormatInt(t.ID, 10), map[string]any{
			"certification": t.CertificationCode, "deliverable": t.DeliverableCode, "file_name": t.FileName, "sha256": t.SHA256, "size": t.Size,
		}))
	})
	if err != nil {
		return t, fmt.Errorf("referentiel: template: %w", err)
	}
	return s.Template(ctx, t.CertificationCode, t.DeliverableCode)
}

// Template returns the template offered now for a deliverable, or
// ErrNotFound when the certifier provides none.
func (s *Store) Template(ctx context.Context, certCode, deliverableCode string) (Template, error) {
	var t Template
	err := s.db.GetContext(ctx, &t, `SELECT `+templateColumns+` FROM deliverable_templates
		WHERE certification_code = $1 AND deliverable_code = $2 ORDER BY id DESC LIMIT 1`, certCode, deliverableCode)
	if err != nil {
		return t, db.NotFound(err, ErrNotFound, "referentiel")
	}
	return t, nil
}

// Templates returns the templates offered now for a certification's
// deliverables, by deliverable code.
func (s *Store) Templates(ctx context.Context, certCode string) (map[string]Template, error) {
	var list []Template
	if err := s.db.SelectContext(ctx, &list, `SELECT DISTINCT ON (deliverable_code) `+templateColumns+` FROM deliverable_templates
		WHERE certification_code = $1 ORDER BY deliverable_code, id DESC`, certCode); err != nil {
		return nil, fmt.Errorf("referentiel: templates: %w", err)
	}
	out := make(map[string]Template, len(list))
	for _, t := range list {
		out[t.DeliverableCode] = t
	}
	return out, nil
}

// Deliverable finds a deliverable of c by its code, with its bloc.
func (c *Certification) Deliverable(code string) (*Block, *Deliverable) {
	for bi := range c.Blocks {
		b := &c.Blocks[bi]
		for di := range b.Deliverables {
			if b.Deliverables[di].Code == code {
				return b, &b.Deliverables[di]
			}
		}
	}
	return nil, nil
}
