package referentiel

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// ErrNotFound is returned when no certification or version has that code or id.
var ErrNotFound = errors.New("référentiel introuvable")

// Store keeps référentiels in PostgreSQL.
type Store struct {
	db       *sqlx.DB
	versions versionCache
}

// NewStore returns a Store on d.
func NewStore(d *sqlx.DB) *Store { return &Store{db: d} }

// LoadResult says what Load did with one certification file.
type LoadResult struct {
	Code      string
	VersionID int64
	Created   bool // false when that exact content was already loaded
}

// Load stores each certification as a version keyed by its content hash,
// as acquis does at every start-up with the référentiels it embeds. A new
// version becomes the current one; a version already stored becomes
// current only when its certification has none, so that a version the
// certifier installed afterwards from a file (Install) survives a restart
// of the same binary. Loading the same content again changes nothing, so it
// is safe from several instances at once.
func (s *Store) Load(ctx context.Context, certs []*Certification) ([]LoadResult, error) {
	var out []LoadResult
	for _, c := range certs {
		var res LoadResult
		err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
			// Serialise loaders: two instances starting together would
			// otherwise both insert the same new version.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('acquis.referentiel'))`); err != nil {
				return err
			}
			r, err := loadOne(ctx, tx, c, false)
			res = r
			return err
		})
		if err != nil {
			return out, fmt.Errorf("referentiel: load %s: %w", c.Code, err)
		}
		c.VersionID = res.VersionID
		out = append(out, res)
	}
	return out, nil
}

// Install stores one certification read from a file (already checked by
// Parse, as strictly as the embedded ones) and makes it the current
// version, whether or not that content was stored before, in one
// transaction with its audit row. Candidacies keep the version they were
// opened on.
func (s *Store) Install(ctx context.Context, c *Certification, actor audit.Actor, file string) (LoadResult, error) {
	var res LoadResult
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('acquis.referentiel'))`); err != nil {
			return err
		}
		var err error
		if res, err = loadOne(ctx, tx, c, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor.Entry("referentiel.install", "certification_version", strconv.FormatInt(res.VersionID, 10),
			map[string]any{"code": c.Code, "content_hash": c.ContentHash, "file": file, "new_version": res.Created}))
	})
	if err != nil {
		return res, fmt.Errorf("referentiel: install %s: %w", c.Code, err)
	}
	c.VersionID = res.VersionID
	return res, nil
}

// loadOne stores c's version if new; force makes it current even when it
// was stored before.
func loadOne(ctx context.Context, tx *sqlx.Tx, c *Certification, force bool) (LoadResult, error) {
	res := LoadResult{Code: c.Code}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO certifications (code, title, level, certifier) VALUES ($1, $2, $3, $4)
		ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, level = EXCLUDED.level, certifier = EXCLUDED.certifier`,
		c.Code, c.Title, c.Level, c.Certifier); err != nil {
		return res, err
	}
	err := tx.GetContext(ctx, &res.VersionID, `SELECT id FROM certification_versions WHERE content_hash = $1`, c.ContentHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res.Created = true
		if res.VersionID, err = insertVersion(ctx, tx, c); err != nil {
			return res, err
		}
	case err != nil:
		return res, err
	}
	q := `UPDATE certifications SET current_version_id = $2 WHERE code = $1`
	if !force && !res.Created {
		q += ` AND current_version_id IS NULL`
	}
	_, err = tx.ExecContext(ctx, q, c.Code, res.VersionID)
	return res, err
}

func insertVersion(ctx context.Context, tx *sqlx.Tx, c *Certification) (int64, error) {
	prereq, err := json.Marshal(nonNil(c.Prerequisites))
	if err != nil {
		return 0, err
	}
	equiv, err := json.Marshal(nonNil(c.Equivalences))
	if err != nil {
		return 0, err
	}
	var vid int64
	if err := tx.GetContext(ctx, &vid, `
		INSERT INTO certification_versions (certification_code, content_hash, title, level, certifier, source, notes, prerequisites, equivalences)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		c.Code, c.ContentHash, c.Title, c.Level, c.Certifier, c.Source, c.Notes, prereq, equiv); err != nil {
		return 0, err
	}
	for bi, b := range c.Blocks {
		acts, _ := json.Marshal(nonNil(b.Activities))
		var bid int64
		if err := tx.GetContext(ctx, &bid, `
			INSERT INTO blocks (version_id, code, position, title, activities) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			vid, b.Code, bi+1, b.Title, acts); err != nil {
			return 0, err
		}
		for i, cp := range b.Competences {
			items, _ := json.Marshal(nonNil(cp.Items))
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO competences (block_id, code, position, label, items) VALUES ($1, $2, $3, $4, $5)`,
				bid, cp.Code, i+1, cp.Label, items); err != nil {
				return 0, err
			}
		}
		for i, d := range b.Deliverables {
			contents, _ := json.Marshal(nonNil(d.Contents))
			var maxPages sql.NullInt64
			if d.MaxPages > 0 {
				maxPages = sql.NullInt64{Int64: int64(d.MaxPages), Valid: true}
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO deliverables (block_id, code, position, kind, label, description, contents, max_pages, upload, accepted_types, shared_key)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, ''))`,
				bid, d.Code, i+1, d.Kind, d.Label, d.Description, contents, maxPages, d.Upload, pq.Array(nonNil(d.AcceptedTypes)), d.Shared); err != nil {
				return 0, err
			}
		}
		for i, cr := range b.Criteria {
			var comp sql.NullString
			if cr.Competence != "" {
				comp = sql.NullString{String: cr.Competence, Valid: true}
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO criteria (block_id, code, position, label, competence_code) VALUES ($1, $2, $3, $4, $5)`,
				bid, cr.Code, i+1, cr.Label, comp); err != nil {
				return 0, err
			}
		}
	}
	return vid, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Summary is one line of the list of certifications.
type Summary struct {
	Code      string `db:"code" json:"code"`
	Title     string `db:"title" json:"title"`
	Level     int    `db:"level" json:"level"`
	Certifier string `db:"certifier" json:"certifier"`
	VersionID int64  `db:"version_id" json:"version_id"`
	Blocks    int    `db:"blocks" json:"blocks"`
	Criteria  int    `db:"criteria" json:"criteria"`
}

// Certifications lists every certification at its current version.
func (s *Store) Certifications(ctx context.Context) ([]Summary, error) {
	var out []Summary
	err := s.db.SelectContext(ctx, &out, `
		SELECT c.code, v.title, v.level, v.certifier, v.id AS version_id,
		       (SELECT count(*) FROM blocks b WHERE b.version_id = v.id) AS blocks,
		       (SELECT count(*) FROM criteria cr JOIN blocks b ON b.id = cr.block_id WHERE b.version_id = v.id) AS criteria
		FROM certifications c JOIN certification_versions v ON v.id = c.current_version_id
		ORDER BY c.code`)
	if err != nil {
		return nil, fmt.Errorf("referentiel: list: %w", err)
	}
	return out, nil
}

// Certification returns the current version of a certification with its
// whole tree, in the document's order.
func (s *Store) Certification(ctx context.Context, code string) (*Certification, error) {
	vid, err := s.CurrentVersionID(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.Version(ctx, vid)
}

// CurrentVersionID returns the id of a certification's current version:
// the one mutable fact of a référentiel page, read on each request so
// that a newly published version shows at once on every instance; what
// the version holds is immutable and may be kept.
func (s *Store) CurrentVersionID(ctx context.Context, code string) (int64, error) {
	var vid int64
	err := s.db.GetContext(ctx, &vid, `SELECT current_version_id FROM certifications WHERE code = $1 AND current_version_id IS NOT NULL`, code)
	if err != nil {
		return 0, db.NotFound(err, ErrNotFound, "referentiel")
	}
	return vid, nil
}

// Version returns one version of a certification, current or not; a
// candidacy reads its référentiel through the version it was opened on.
//
// Versions are immutable, so each is read from the database once per
// Store; every call returns a copy of its own.
func (s *Store) Version(ctx context.Context, versionID int64) (*Certification, error) {
	if c, ok := s.versions.get(versionID); ok {
		return c, nil
	}
	c, err := s.readVersion(ctx, versionID)
	if err != nil {
		return nil, err
	}
	s.versions.put(c)
	return c, nil
}

func (s *Store) readVersion(ctx context.Context, versionID int64) (*Certification, error) {
	var v struct {
		ID            int64  `db:"id"`
		Code          string `db:"certification_code"`
		Hash          string `db:"content_hash"`
		Title         string `db:"title"`
		Level         int    `db:"level"`
		Certifier     string `db:"certifier"`
		Source        string `db:"source"`
		Notes         string `db:"notes"`
		Prerequisites []byte `db:"prerequisites"`
		Equivalences  []byte `db:"equivalences"`
	}
	err := s.db.GetContext(ctx, &v, `
		SELECT id, certification_code, content_hash, title, level, certifier, source, notes, prerequisites, equivalences
		FROM certification_versions WHERE id = $1`, versionID)
	if err != nil {
		return nil, db.NotFound(err, ErrNotFound, "referentiel")
	}
	c := &Certification{Code: v.Code, Title: v.Title, Level: v.Level, Certifier: v.Certifier,
		Source: v.Source, Notes: v.Notes, VersionID: v.ID, ContentHash: v.Hash}
	if err := json.Unmarshal(v.Prerequisites, &c.Prerequisites); err != nil {
		return nil, fmt.Errorf("referentiel: prerequisites: %w", err)
	}
	if err := json.Unmarshal(v.Equivalences, &c.Equivalences); err != nil {
		return nil, fmt.Errorf("referentiel: equivalences: %w", err)
	}
	var blocks []struct {
		ID         int64  `db:"id"`
		Code       string `db:"code"`
		Title      string `db:"title"`
		Activities []byte `db:"activities"`
	}
	if err := s.db.SelectContext(ctx, &blocks, `SELECT id, code, title, activities FROM blocks WHERE version_id = $1 ORDER BY position`, versionID); err != nil {
		return nil, fmt.Errorf("referentiel: blocks: %w", err)
	}
	index := map[int64]int{}
	for i, b := range blocks {
		blk := Block{Code: b.Code, Title: b.Title}
		if err := json.Unmarshal(b.Activities, &blk.Activities); err != nil {
			return nil, fmt.Errorf("referentiel: activities: %w", err)
		}
		c.Blocks = append(c.Blocks, blk)
		index[b.ID] = i
	}
	var comps []struct {
		BlockID int64  `db:"block_id"`
		Code    string `db:"code"`
		Label   string `db:"label"`
		Items   []byte `db:"items"`
	}
	if err := s.db.SelectContext(ctx, &comps, `
		SELECT cp.block_id, cp.code, cp.label, cp.items FROM competences cp JOIN blocks b ON b.id = cp.block_id
		WHERE b.version_id = $1 ORDER BY b.position, cp.position`, versionID); err != nil {
		return nil, fmt.Errorf("referentiel: competences: %w", err)
	}
	for _, cp := range comps {
		comp := Competence{Code: cp.Code, Label: cp.Label}
		if err := json.Unmarshal(cp.Items, &comp.Items); err != nil {
			return nil, fmt.Errorf("referentiel: items: %w", err)
		}
		b := &c.Blocks[index[cp.BlockID]]
		b.Competences = append(b.Competences, comp)
	}
	var dels []struct {
		BlockID     int64          `db:"block_id"`
		Code        string         `db:"code"`
		Kind        string         `db:"kind"`
		Label       string         `db:"label"`
		Description string         `db:"description"`
		Contents    []byte         `db:"contents"`
		MaxPages    sql.NullInt64  `db:"max_pages"`
		Upload      bool           `db:"upload"`
		Accepted    pq.StringArray `db:"accepted_types"`
		Shared      sql.NullString `db:"shared_key"`
	}
	if err := s.db.SelectContext(ctx, &dels, `
		SELECT d.block_id, d.code, d.kind, d.label, d.description, d.contents, d.max_pages, d.upload, d.accepted_types, d.shared_key
		FROM deliverables d JOIN blocks b ON b.id = d.block_id
		WHERE b.version_id = $1 ORDER BY b.position, d.position`, versionID); err != nil {
		return nil, fmt.Errorf("referentiel: deliverables: %w", err)
	}
	for _, d := range dels {
		del := Deliverable{Code: d.Code, Kind: d.Kind, Label: d.Label, Description: d.Description,
			MaxPages: int(d.MaxPages.Int64), Upload: d.Upload, AcceptedTypes: []string(d.Accepted), Shared: d.Shared.String}
		if err := json.Unmarshal(d.Contents, &del.Contents); err != nil {
			return nil, fmt.Errorf("referentiel: contents: %w", err)
		}
		b := &c.Blocks[index[d.BlockID]]
		b.Deliverables = append(b.Deliverables, del)
	}
	var crits []struct {
		BlockID    int64          `db:"block_id"`
		Code       string         `db:"code"`
		Label      string         `db:"label"`
		Competence sql.NullString `db:"competence_code"`
	}
	if err := s.db.SelectContext(ctx, &crits, `
		SELECT cr.block_id, cr.code, cr.label, cr.competence_code FROM criteria cr JOIN blocks b ON b.id = cr.block_id
		WHERE b.version_id = $1 ORDER BY b.position, cr.position`, versionID); err != nil {
		return nil, fmt.Errorf("referentiel: criteria: %w", err)
	}
	for _, cr := range crits {
		b := &c.Blocks[index[cr.BlockID]]
		b.Criteria = append(b.Criteria, Criterion{Code: cr.Code, Label: cr.Label, Competence: cr.Competence.String})
	}
	return c, nil
}
