package staff

import (
	"context"
	"time"

	"acquis/internal/account"
)

// Dashboard is what a platform's page shows of its staff on one day: the
// roster with where each person stands, the plan per year and the annual
// indicator.
type Dashboard struct {
	// Members is the roster as read, for the exports.
	Members []Member
	Roster  []RosterLine
	Plan    Plan
	// Annual is the annual indicator: the years frozen at 31 December,
	// then the current year, provisional.
	Annual []AnnualFigures
}

// RosterLine is one person with where they stand on the dashboard's day.
type RosterLine struct {
	Member
	Compliance Compliance
	Active     bool
}

// Dashboard reads one platform's roster, targets and apportioned default
// targets, and builds its plan and annual indicator as of today.
func (s *Store) Dashboard(ctx context.Context, platformID int64, today time.Time) (Dashboard, error) {
	roster, err := s.Roster(ctx, platformID)
	if err != nil {
		return Dashboard{}, err
	}
	targets, err := s.Targets(ctx, platformID)
	if err != nil {
		return Dashboard{}, err
	}
	defaults, err := s.NationalDefaults(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Members: roster, Plan: BuildPlanWith(roster, targets, defaults[platformID], today)}
	if d.Annual, err = s.Series(ctx, ScopePlatform, platformID, "", d.Plan, today); err != nil {
		return Dashboard{}, err
	}
	for i := range roster {
		d.Roster = append(d.Roster, RosterLine{Member: roster[i], Compliance: roster[i].ComplianceOn(today), Active: roster[i].Active(today)})
	}
	return d, nil
}

// NationalPlan aggregates the plan of the platforms given (of one région
// when region is not empty) as of today: every staff member with their
// effective status, the changed targets, the national apportionment.
// Default targets come from the apportionment over every platform's
// staff, whatever région is shown, and Aggregate reads the members of the
// listed platforms only.
func (s *Store) NationalPlan(ctx context.Context, platforms []account.Organisation, region string, today time.Time, sortBy string) (National, error) {
	var list []account.Organisation
	for _, o := range platforms {
		if region == "" || o.RegionCode == region {
			list = append(list, o)
		}
	}
	members, err := s.AllStaff(ctx)
	if err != nil {
		return National{}, err
	}
	targets, err := s.Targets(ctx)
	if err != nil {
		return National{}, err
	}
	return Aggregate(list, members, targets, Defaults(members, today), today, sortBy), nil
}

// AreaSeries is the annual indicator of the nation, or of one région when
// region is not empty: the frozen years, then the live current year.
func (s *Store) AreaSeries(ctx context.Context, region string, live Plan, today time.Time) ([]AnnualFigures, error) {
	scope := ScopeNation
	if region != "" {
		scope = ScopeRegion
	}
	return s.Series(ctx, scope, 0, region, live, today)
}
