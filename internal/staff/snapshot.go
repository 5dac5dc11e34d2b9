package staff

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/fielderr"
	"acquis/internal/paris"
)

// Scopes of a frozen figure: one platform, one région, the nation.
const (
	ScopePlatform = "platform"
	ScopeRegion   = "region"
	ScopeNation   = "nation"
)

// AnnualFigures is one year of the annual follow-up indicator (seed 001,
// « Nombre de professionnels titulaire du titre professionnel », « suivi
// annuel ») for one scope: frozen at 31 December, or live and
// provisional for the current year.
type AnnualFigures struct {
	Year int `db:"year" json:"year"`
	// Holders is the indicator: title holders in post on 31 December (on
	// the day, for the provisional year).
	Holders      int        `db:"holders" json:"holders"`
	Baseline     int        `db:"baseline" json:"baseline"`
	Left         int        `db:"left_plan" json:"left"`
	Certified    int        `db:"certified" json:"certified"` // plan members certified in the year
	CumTarget    int        `db:"cumulative_target" json:"cumulative_target"`
	CumCertified int        `db:"cumulative_certified" json:"cumulative_certified"`
	Provisional  bool       `db:"-" json:"provisional"`            // the live figures of a year not yet frozen
	FrozenAt     *time.Time `db:"-" json:"frozen_at,omitempty"`    // when the year was first frozen
	CorrectedAt  *time.Time `db:"-" json:"corrected_at,omitempty"` // when the figures standing were corrected
	Correction   string     `db:"-" json:"correction,omitempty"`   // why
}

// figuresOf reads a year's figures off a plan computed on that year's
// last day (or today, for the provisional year).
func figuresOf(p Plan, year int) AnnualFigures {
	f := AnnualFigures{Year: year, Holders: p.Holders, Baseline: p.Baseline, Left: p.Left}
	i := min(year, LastYear) - FirstYear
	if i >= 0 && i < len(p.Years) {
		f.CumTarget, f.CumCertified = p.Years[i].CumTarget, p.Years[i].CumDone
		if year <= LastYear {
			f.Certified = p.Years[i].Certified
		}
	}
	return f
}

// yearEnd is 31 December of a year, the day the indicator is taken.
func yearEnd(year int) time.Time { return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC) }

// Freeze takes the annual indicator of a finished year at 31 December,
// for every platform given (all of them), each région and the nation, in
// one transaction, audited. A year is frozen once: a second freeze is
// refused unless it is a correction, which must say why and is recorded
// as such (the first figures stay). It returns the freeze's id.
func (s *Store) Freeze(ctx context.Context, actor audit.Actor, platforms []account.Organisation, year int, correction string) (int64, error) {
	correction = strings.TrimSpace(correction)
	current := s.now().In(paris.Location).Year()
	switch {
	case year < FirstYear:
		return 0, invalid("year", "Le suivi annuel commence en %d : l'année %d n'en fait pas partie.", FirstYear, year)
	case year >= current:
		return 0, invalid("year", "L'année %d n'est pas terminée : ses chiffres seront arrêtés au 31 décembre.", year)
	case len(correction) > 500:
		return 0, invalid("correction", "Le motif de la correction dépasse 500 caractères.")
	}
	at := yearEnd(year)
	n, err := s.NationalPlan(ctx, platforms, "", at, "")
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var first time.Time
		err := tx.GetContext(ctx, &first, `SELECT taken_at FROM plan_freezes WHERE year = $1 AND correction IS NULL`, year)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if correction != "" {
				return invalid("correction", "L'année %d n'a pas encore été arrêtée : il n'y a rien à corriger.", year)
			}
		case err != nil:
			return err
		case correction == "":
			return &fielderr.Error{Field: "year", Message: fmt.Sprintf("L'année %d a déjà été arrêtée le %s. Pour la corriger, donnez le motif (--correction « … ») : la correction est enregistrée comme telle.",
				year, first.In(paris.Location).Format("02/01/2006 à 15:04"))}
		}
		var by *int64
		if actor.UserID != 0 {
			by = &actor.UserID
		}
		var reason *string
		if correction != "" {
			reason = &correction
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO plan_freezes (year, taken_by, correction) VALUES ($1, $2, $3) RETURNING id`, year, by, reason); err != nil {
			if db.IsUniqueViolation(err, "plan_freezes_year_key") {
				return invalid("year", "L'année %d vient d'être arrêtée par ailleurs.", year)
			}
			return err
		}
		insert := func(scope string, platform *int64, region string, p Plan) error {
			f := figuresOf(p, year)
			_, err := tx.ExecContext(ctx, `INSERT INTO plan_snapshots (freeze_id, scope, platform_id, region_code, holders, baseline, left_plan, certified, cumulative_target, cumulative_certified)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, id, scope, platform, region, f.Holders, f.Baseline, f.Left, f.Certified, f.CumTarget, f.CumCertified)
			return err
		}
		for _, pp := range n.Platforms {
			pid := pp.Platform.ID
			if err := insert(ScopePlatform, &pid, pp.Platform.RegionCode, pp.Plan); err != nil {
				return err
			}
		}
		for _, r := range n.Regions {
			if r.Code == "" {
				continue
			}
			if err := insert(ScopeRegion, nil, r.Code, r.Plan); err != nil {
				return err
			}
		}
		if err := insert(ScopeNation, nil, "", n.Total); err != nil {
			return err
		}
		action := "plan.frozen"
		if correction != "" {
			action = "plan.freeze_corrected"
		}
		return audit.Record(ctx, tx, actor.Entry(action, "plan_year", strconv.Itoa(year), map[string]any{
			"year": year, "correction": correction, "platforms": len(n.Platforms), "holders": n.Total.Holders}))
	})
	return id, err
}

// FreezeDue freezes the year just ended if nobody has yet: the server's
// housekeeping calls it, so that the first run after 31 December takes
// the indicator. It returns the year frozen, or 0 when there was nothing
// to do.
func (s *Store) FreezeDue(ctx context.Context, platforms []account.Organisation) (int, error) {
	year := s.now().In(paris.Location).Year() - 1
	if year < FirstYear {
		return 0, nil
	}
	var done bool
	if err := s.db.GetContext(ctx, &done, `SELECT EXISTS (SELECT 1 FROM plan_freezes WHERE year = $1)`, year); err != nil || done {
		return 0, err
	}
	if _, err := s.Freeze(ctx, audit.System, platforms, year, ""); err != nil {
		var ve *fielderr.Error
		if errors.As(err, &ve) {
			return 0, nil // another instance froze it meanwhile
		}
		return 0, err
	}
	return year, nil
}

// Series is the annual indicator of one scope (ScopePlatform with the
// platform's id, ScopeRegion with the région's code, ScopeNation): the
// frozen years, each with the figures standing (the latest correction),
// then the current year's live figures from plan, marked provisional,
// unless that year is frozen already.
func (s *Store) Series(ctx context.Context, scope string, platformID int64, region string, live Plan, today time.Time) ([]AnnualFigures, error) {
	var rows []struct {
		AnnualFigures
		TakenAt    time.Time      `db:"taken_at"`
		FirstAt    time.Time      `db:"first_at"`
		Correction sql.NullString `db:"correction"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT DISTINCT ON (f.year) f.year, f.taken_at, f.correction,
			(SELECT min(g.taken_at) FROM plan_freezes g WHERE g.year = f.year) AS first_at,
			p.holders, p.baseline, p.left_plan, p.certified, p.cumulative_target, p.cumulative_certified
		FROM plan_freezes f JOIN plan_snapshots p ON p.freeze_id = f.id
		WHERE p.scope = $1 AND coalesce(p.platform_id, 0) = $2 AND (p.scope <> 'region' OR p.region_code = $3)
		ORDER BY f.year, f.id DESC`, scope, platformID, region)
	if err != nil {
		return nil, fmt.Errorf("staff: annual series: %w", err)
	}
	var out []AnnualFigures
	frozen := map[int]bool{}
	for _, r := range rows {
		f := r.AnnualFigures
		first := r.FirstAt
		f.FrozenAt = &first
		if r.Correction.Valid {
			at := r.TakenAt
			f.CorrectedAt, f.Correction = &at, r.Correction.String
		}
		frozen[f.Year] = true
		out = append(out, f)
	}
	year := today.In(paris.Location).Year()
	if year >= FirstYear && !frozen[year] {
		f := figuresOf(live, year)
		f.Provisional = true
		out = append(out, f)
	}
	return out, nil
}
