package portfolio

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/mail"
	"acquis/internal/referentiel"
)

// DepositFile is one file as the receipt lists it.
type DepositFile struct {
	DocumentID      int64     `json:"document_id"`
	BlockCode       string    `json:"block_code"`
	DeliverableCode string    `json:"deliverable_code"`
	DeliverableName string    `json:"deliverable_name"`
	FileName        string    `json:"file_name"`
	Version         int       `json:"version"`
	Size            int64     `json:"size"`
	SHA256          string    `json:"sha256"`
	UploadedAt      time.Time `json:"uploaded_at"`
	// Blocks names every bloc a shared file serves (CASP's mémoire for
	// blocs 1 and 2): the receipt lists the file once, with each bloc,
	// since it is one file with one hash handed in once.
	Blocks []string `json:"blocks,omitempty"`
}

// BlocksLabel names the blocs the file serves, for the receipt.
func (f DepositFile) BlocksLabel() string {
	if len(f.Blocks) > 1 {
		return strings.Join(f.Blocks, ", ")
	}
	return f.BlockCode
}

// Deposit is a submitted dossier and its receipt.
type Deposit struct {
	ID            int64         `db:"id" json:"id"`
	CandidacyID   int64         `db:"candidacy_id" json:"candidacy_id"`
	Number        int           `db:"number" json:"number"`
	SubmittedAt   time.Time     `db:"submitted_at" json:"submitted_at"`
	SubmittedBy   int64         `db:"submitted_by" json:"submitted_by"`
	FilesJSON     []byte        `db:"files" json:"-"`
	Files         []DepositFile `db:"-" json:"files"`
	CandidateName string        `db:"candidate_name" json:"candidate_name"`
}

// Missing lists, per targeted bloc, the deliverables that still have no
// file; an oral interview needs none. A shared file, once deposited,
// serves each of its blocs.
func Missing(cert *referentiel.Certification, c *Candidacy, docs []Document) map[string][]referentiel.Deliverable {
	have := map[string]bool{}
	for _, d := range docs {
		if d.DeletedAt == nil {
			have[d.DeliverableCode] = true
		}
	}
	out := map[string][]referentiel.Deliverable{}
	for _, t := range c.Blocks {
		for _, b := range cert.Blocks {
			if b.Code != t.BlockCode {
				continue
			}
			for _, d := range b.Deliverables {
				if d.Upload && !have[d.FileKey()] {
					out[b.Code] = append(out[b.Code], d)
				}
			}
		}
	}
	return out
}

// SwornStatement is what the candidate certifies by ticking the box before
// the deposit; the audit entry of the deposit records it.
const SwornStatement = "Je certifie sur l'honneur que ce dossier est mon œuvre personnelle, que les activités décrites sont celles que j'ai exercées et que les pièces jointes sont authentiques."

// SubmitSworn is Submit from the candidate's form: the sworn statement
// must be ticked, else nothing changes and the form says why.
func (s *Store) SubmitSworn(ctx context.Context, actor audit.Actor, id int64, sworn bool) (*Deposit, error) {
	if !sworn {
		return nil, invalid("attestation", "Cochez l'attestation sur l'honneur pour déposer votre dossier : le jury évalue votre propre travail.")
	}
	return s.submit(ctx, actor, id, true)
}

// DepositPreview lists what a deposit would hold now, for the summary the
// candidate reads before the irreversible deposit.
func DepositPreview(cert *referentiel.Certification, c *Candidacy, docs []Document) []DepositFile {
	return latestFiles(cert, c, docs)
}

// Submit deposits the dossier: every deliverable that needs a file must
// have one; the dossier is then locked and a receipt lists each current
// file with its SHA-256. Callers that do not go through the candidate's
// form (demo data, tests) use it; the form uses SubmitSworn.
func (s *Store) Submit(ctx context.Context, actor audit.Actor, id int64) (*Deposit, error) {
	return s.submit(ctx, actor, id, false)
}

func (s *Store) submit(ctx context.Context, actor audit.Actor, id int64, sworn bool) (*Deposit, error) {
	c, err := s.Candidacy(ctx, id)
	if err != nil {
		return nil, err
	}
	cert, err := s.refs.Version(ctx, c.VersionID)
	if err != nil {
		return nil, err
	}
	if len(c.Blocks) == 0 {
		return nil, invalid("dossier", "Tous les blocs visés le sont par équivalence : il n'y a pas de dossier à déposer pour un jury, le certificateur statue sur vos preuves.")
	}
	var depID int64
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		// The transition locks the row first; documents read after it are
		// those the receipt must list, no upload can slip in between.
		if err := s.transitionTx(ctx, tx, actor, id, DossierSubmitted, account.RoleCandidate, ""); err != nil {
			return err
		}
		var docs []Document
		if err := tx.SelectContext(ctx, &docs, `SELECT `+documentColumns+` FROM documents d JOIN users u ON u.id = d.uploaded_by
			WHERE d.candidacy_id = $1 ORDER BY d.block_code, d.deliverable_code, d.version`, id); err != nil {
			return err
		}
		if missing := Missing(cert, c, docs); len(missing) > 0 {
			for _, t := range c.Blocks {
				if ds := missing[t.BlockCode]; len(ds) > 0 {
					return invalid("dossier", fmt.Sprintf("Le dossier n'est pas complet : il manque « %s » pour le bloc %s.", ds[0].Label, t.BlockCode))
				}
			}
		}
		files := latestFiles(cert, c, docs)
		raw, err := json.Marshal(files)
		if err != nil {
			return err
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT coalesce(max(number), 0) + 1 FROM deposits WHERE candidacy_id = $1`, id); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &depID, `INSERT INTO deposits (candidacy_id, number, submitted_by, files) VALUES ($1, $2, $3, $4) RETURNING id`,
			id, n, actor.UserID, raw); err != nil {
			return err
		}
		if err := mail.Notify(ctx, tx, c.CandidateID, depositNotice(id, n, cert.Title, len(files))); err != nil {
			return err
		}
		detail := map[string]any{"candidacy_id": id, "files": files}
		if sworn {
			detail["sworn_statement"] = SwornStatement
		}
		return audit.Record(ctx, tx, actor.Entry("candidacy.deposit", "deposit", strconv.FormatInt(depID, 10), detail))
	})
	if err != nil {
		return nil, err
	}
	return s.Deposit(ctx, depID)
}

// latestFiles keeps the newest live version of each deliverable of the
// blocs presented to the jury: the proof of an équivalence and the evidence
// of a prerequisite are for the certifier, not part of the dossier.
func latestFiles(cert *referentiel.Certification, c *Candidacy, docs []Document) []DepositFile {
	targeted := map[string]bool{}
	for _, t := range c.Blocks {
		targeted[t.BlockCode] = true
	}
	names := map[string]string{}
	blocks := map[string][]string{}
	for _, b := range cert.Blocks {
		if !targeted[b.Code] {
			continue
		}
		for _, d := range b.Deliverables {
			if _, seen := names[d.FileKey()]; !seen {
				names[d.FileKey()] = d.Label
			}
			blocks[d.FileKey()] = append(blocks[d.FileKey()], b.Code)
		}
	}
	latest := map[string]Document{}
	var order []string
	for _, d := range docs {
		if _, inDossier := names[d.DeliverableCode]; d.DeletedAt != nil || !inDossier {
			continue
		}
		if _, seen := latest[d.DeliverableCode]; !seen {
			order = append(order, d.DeliverableCode)
		}
		if cur, ok := latest[d.DeliverableCode]; !ok || d.Version > cur.Version {
			latest[d.DeliverableCode] = d
		}
	}
	files := make([]DepositFile, 0, len(order))
	for _, code := range order {
		d := latest[code]
		f := DepositFile{DocumentID: d.ID, BlockCode: blocks[code][0], DeliverableCode: code, DeliverableName: names[code],
			FileName: d.FileName, Version: d.Version, Size: d.Size, SHA256: d.SHA256, UploadedAt: d.UploadedAt}
		if len(blocks[code]) > 1 {
			f.Blocks = blocks[code]
		}
		files = append(files, f)
	}
	return files
}

// Deposit returns one deposit with its receipt.
func (s *Store) Deposit(ctx context.Context, id int64) (*Deposit, error) {
	var d Deposit
	if err := s.db.GetContext(ctx, &d, `SELECT dp.id, dp.candidacy_id, dp.number, dp.submitted_at, dp.submitted_by, dp.files, u.full_name AS candidate_name
		FROM deposits dp JOIN candidacies c ON c.id = dp.candidacy_id JOIN users u ON u.id = c.candidate_id WHERE dp.id = $1`, id); err != nil {
		return nil, db.NotFound(err, ErrNotFound, "portfolio")
	}
	if err := json.Unmarshal(d.FilesJSON, &d.Files); err != nil {
		return nil, fmt.Errorf("portfolio: deposit files: %w", err)
	}
	return &d, nil
}

// Deposits lists a candidacy's deposits, newest first.
func (s *Store) Deposits(ctx context.Context, candidacyID int64) ([]Deposit, error) {
	var ids []int64
	if err := s.db.SelectContext(ctx, &ids, `SELECT id FROM deposits WHERE candidacy_id = $1 ORDER BY number DESC`, candidacyID); err != nil {
		return nil, err
	}
	out := make([]Deposit, 0, len(ids))
	for _, id := range ids {
		d, err := s.Deposit(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, nil
}
