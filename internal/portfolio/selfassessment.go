package portfolio

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/audit"
	"acquis/internal/db"
)

// Level is one step of the five-level scale of mastery of a competence,
// from annex 4 of the 2014 AEFA report (004_cf991cc7ff87f963.txt, « Évaluer
// le niveau de maîtrise des compétences à s'orienter »). The labels are the
// source's word for word (its « Compétence à peu développée » included),
// except for the words that tie them to orientation, removed because here
// the scale rates each compétence of the référentiel; RemovedForOrientation
// lists them, level by level, and nothing else is removed.
type Level struct {
	Value int
	Short string
	Label string
}

// Scale is the self-assessment scale, Niv. 1 to Niv. 5.
var Scale = []Level{
	{1, "Niv. 1", "Absence de la compétence ou compétence très peu développée"},
	{2, "Niv. 2", "Compétence à peu développée et encore en deçà du niveau minimum pour être mobilisée"},
	{3, "Niv. 3", "Compétence développée au niveau minimal pour sa mobilisation dans le projet"},
	{4, "Niv. 4", "Mise en œuvre autonome de la compétence"},
	{5, "Niv. 5", "Mise en œuvre autonome de la compétence et capacité à l'améliorer"},
}

// RemovedForOrientation lists, per level, the words of the source label
// left out because they concern orientation: « à s'orienter » (levels 1, 4
// and 5), « en orientation » (level 2) and « d'orientation » (level 3).
var RemovedForOrientation = map[int][]string{
	1: {" à s'orienter"},
	2: {" en orientation"},
	3: {" d'orientation"},
	4: {" à s'orienter"},
	5: {" à s'orienter"},
}

// Assessment is the candidate's rating of one compétence.
type Assessment struct {
	CompetenceCode string    `db:"competence_code" json:"competence_code"`
	Level          int       `db:"level" json:"level"`
	Comment        string    `db:"comment" json:"comment,omitempty"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

// SelfAssessment returns the candidate's ratings, by compétence code.
func (s *Store) SelfAssessment(ctx context.Context, candidacyID int64) (map[string]Assessment, error) {
	var rows []Assessment
	if err := s.db.SelectContext(ctx, &rows, `SELECT competence_code, level, comment, updated_at FROM self_assessments WHERE candidacy_id = $1`, candidacyID); err != nil {
		return nil, err
	}
	out := make(map[string]Assessment, len(rows))
	for _, r := range rows {
		out[r.CompetenceCode] = r
	}
	return out, nil
}

// SaveSelfAssessment records the ratings of the compétences of the
// candidacy's targeted blocs; a rating of 0 clears it. All or nothing.
func (s *Store) SaveSelfAssessment(ctx context.Context, actor audit.Actor, candidacyID int64, ratings []Assessment) error {
	c, err := s.Candidacy(ctx, candidacyID)
	if err != nil {
		return err
	}
	cert, err := s.refs.Version(ctx, c.VersionID)
	if err != nil {
		return err
	}
	targeted := map[string]bool{}
	for _, t := range c.Blocks {
		targeted[t.BlockCode] = true
	}
	allowed := map[string]bool{}
	for _, b := range cert.Blocks {
		if targeted[b.Code] {
			for _, cp := range b.Competences {
				allowed[cp.Code] = true
			}
		}
	}
	for _, r := range ratings {
		if !allowed[r.CompetenceCode] {
			return invalid("level_"+r.CompetenceCode, "Cette compétence n'appartient pas aux blocs visés.")
		}
		if r.Level < 0 || r.Level > 5 {
			return invalid("level_"+r.CompetenceCode, "Le niveau va de 1 à 5.")
		}
		if len([]rune(r.Comment)) > 4000 {
			return invalid("comment_"+r.CompetenceCode, "Le commentaire ne peut dépasser 4 000 caractères.")
		}
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := lockEditable(ctx, tx, candidacyID); err != nil {
			return err
		}
		for _, r := range ratings {
			if r.Level == 0 {
				if _, err := tx.ExecContext(ctx, `DELETE FROM self_assessments WHERE candidacy_id = $1 AND competence_code = $2`, candidacyID, r.CompetenceCode); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO self_assessments (candidacy_id, competence_code, level, comment) VALUES ($1, $2, $3, $4)
				ON CONFLICT (candidacy_id, competence_code) DO UPDATE SET level = EXCLUDED.level, comment = EXCLUDED.comment, updated_at = now()`,
				candidacyID, r.CompetenceCode, r.Level, strings.TrimSpace(r.Comment)); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor.Entry("candidacy.self_assessment", "candidacy", strconv.FormatInt(candidacyID, 10), ratings))
	})
}
