package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/geo"
	"acquis/internal/staff"
)

// The national demo follows the seed's figures (001, box « PLAN DE MONTÉE
// EN COMPÉTENCES… »): one platform per département, « une base estimée de
// 600 professionnels en poste » without the title on 2026-01-01, so about
// 120 to certify a year, « en moyenne un professionnel par an et par
// plateforme ». The spread of statuses is drawn from a fixed seed, so every
// demo shows the same figures.

var firstNames = []string{"Camille", "Nicolas", "Julie", "Thomas", "Sarah", "Antoine", "Léa", "Mathieu", "Inès", "Hugo",
	"Manon", "Karim", "Pauline", "Olivier", "Chloé", "Sébastien", "Aurélie", "Damien", "Fatima", "Guillaume",
	"Élise", "Rémi", "Nadia", "Franck", "Laure", "Yannick", "Sophie", "Bruno", "Amandine", "Jérémy"}

var lastNames = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
	"Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
	"Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand"}

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// loadNational creates a platform in every département that has none and
// fills every platform's roster; the demo platforms' candidates are on
// their roster, so their status follows their candidacies.
func loadNational(ctx context.Context, d *sqlx.DB, existing map[string]int64) error {
	st := account.NewStore(d)
	ss := staff.NewStore(d)
	a := audit.Actor{Role: "demo"}
	rng := rand.New(rand.NewPCG(2026, 2030))
	// The certifier's list of equivalent certifications (issue 14 #8):
	// the demo's equivalent holders name its one entry.
	const cesfTitle = "Diplôme d'État de conseiller en économie sociale familiale"
	listed, err := ss.Equivalents(ctx)
	if err != nil {
		return err
	}
	var cesf int64
	for _, e := range listed {
		if e.Title == cesfTitle {
			cesf = e.ID
		}
	}
	if cesf == 0 {
		if cesf, err = ss.AddEquivalent(ctx, a, cesfTitle, "Décision du certificateur CFEA n° DEMO-2025-01", date(2025, 9, 15)); err != nil {
			return err
		}
	}
	emails := map[int64][]struct{ name, email string }{}
	for _, p := range platforms {
		for _, c := range p.candidates {
			emails[existing[p.dept]] = append(emails[existing[p.dept]], struct{ name, email string }{c, demoEmail(c)})
		}
	}
	for _, dep := range geo.Departements() {
		pid, ok := existing[dep.Code]
		if !ok {
			lead, err := st.CreateOrganisation(ctx, a, account.NewOrganisation{Kind: account.OrgEmployer, Name: "Association emploi accompagné " + dep.Name + " (" + dep.Code + ")", DepartementCode: dep.Code})
			if err != nil {
				return err
			}
			if pid, err = st.CreateOrganisation(ctx, a, account.NewOrganisation{Kind: account.OrgPlatform,
				Name: "Plateforme emploi accompagné — " + dep.Name, DepartementCode: dep.Code, LeadID: lead}); err != nil {
				return err
			}
		}
		var rows []staff.ImportRow
		add := func(m staff.Member) {
			m.PlatformID = pid
			if m.FTE == 0 {
				m.FTE = []float64{1, 1, 1, 0.8, 0.5}[rng.IntN(5)]
			}
			// Persons accompanied (issue 14 #5): 14 to 23 per ETP outside
			// « veille », 0 to 2 in veille; from the line and the
			// platform, not from rng, so the rest of the demo is unchanged.
			if m.Function == staff.Counsellor && m.LeftOn == nil {
				k := len(rows) + int(pid)
				veille := k % 3
				n := int(m.FTE*float64(14+(k*7)%10)+0.5) + veille
				m.Accompanied, m.Veille = &n, &veille
			}
			rows = append(rows, staff.ImportRow{Line: len(rows) + 2, Member: m})
		}
		person := func() string {
			return firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
		}
		// The demo candidates: counsellors in post before 2026.
		for _, c := range emails[pid] {
			e := c.email
			add(staff.Member{FullName: c.name, Email: &e, Function: staff.Counsellor, HiredOn: *date(2019+rng.IntN(6), time.Month(1+rng.IntN(12)), 1), Status: staff.NotEngaged})
		}
		// Counsellors in post on 2026-01-01 without the title: 5 to 7
		// (about 600 nationally), with 2026's progress.
		plan := 5 + rng.IntN(3) - len(emails[pid])
		for i := 0; i < plan; i++ {
			m := staff.Member{FullName: person(), Function: staff.Counsellor, HiredOn: *date(2012+rng.IntN(14), time.Month(1+rng.IntN(12)), 1+rng.IntN(28))}
			year := staff.FirstYear + rng.IntN(5)
			m.PlannedYear = &year
			switch r := rng.IntN(100); {
			case r < 17: // certified in 2026
				m.Status, m.StatusOn = staff.Holder, date(2026, time.Month(3+rng.IntN(8)), 1+rng.IntN(28))
				m.CertificateNumber = fmt.Sprintf("RNCP37779-2026-%05d", 10000+rng.IntN(89999))
			case r < 27:
				m.Status, m.StatusOn, m.TrainingBody = staff.Training, date(2025+rng.IntN(2), time.Month(1+rng.IntN(10)), 1), "Formavision"
				m.TrainingEnd = date(2027, time.Month(1+rng.IntN(12)), 1)
			case r < 37:
				m.Status, m.StatusOn = staff.VAE, date(2026, time.Month(1+rng.IntN(10)), 1)
			}
			add(m)
		}
		// Some already held the title or an equivalent before 2026.
		if rng.IntN(3) == 0 {
			add(staff.Member{FullName: person(), Function: staff.Counsellor, HiredOn: *date(2016, 9, 1), Status: staff.Holder, StatusOn: date(2024, 6, 30), CertificateNumber: "TP-2024-" + dep.Code})
		}
		if rng.IntN(5) == 0 {
			add(staff.Member{FullName: person(), Function: staff.Counsellor, HiredOn: *date(2018, 3, 1), Status: staff.Equivalent, StatusOn: date(2017, 6, 30), EquivalentID: &cesf})
		}
		// One supervisor per platform, whose specific training is tracked.
		sup := staff.Member{FullName: person(), Function: []staff.Function{staff.HeadOfUnit, staff.Manager, staff.Coordinator}[rng.IntN(3)], HiredOn: *date(2015, 1, 5), Status: staff.NotEngaged}
		switch rng.IntN(3) {
		case 0:
			sup.SupervisorTraining, sup.SupervisorTrainingOn = staff.SupervisorDone, date(2026, 5, 12)
		case 1:
			sup.SupervisorTraining = staff.SupervisorPlanned
		}
		add(sup)
		// Hired since 2026-01-01: the hiring rule applies.
		for i := rng.IntN(3); i > 0; i-- {
			m := staff.Member{FullName: person(), Function: staff.Counsellor, HiredOn: *date(2026, time.Month(1+rng.IntN(10)), 1+rng.IntN(28))}
			switch rng.IntN(3) {
			case 0:
				m.Status, m.StatusOn = staff.Holder, date(2025, 6, 30)
			case 1:
				m.Status, m.StatusOn = staff.Training, date(2026, 10, 1)
			}
			add(m)
		}
		// A departure during 2026.
		if rng.IntN(4) == 0 {
			add(staff.Member{FullName: person(), Function: staff.Counsellor, HiredOn: *date(2020, 2, 1), LeftOn: date(2026, 6, 30)})
		}
		for i := range rows {
			if rows[i].Member.Status == "" {
				rows[i].Member.Status = staff.NotEngaged
			}
			if err := staff.Validate(&rows[i].Member, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)); err != nil {
				return fmt.Errorf("demo: effectif %s : %w", dep.Code, err)
			}
		}
		if _, err := ss.Import(ctx, a, pid, &staff.Preview{Rows: rows}); err != nil {
			return fmt.Errorf("demo: effectif %s : %w", dep.Code, err)
		}
	}
	return nil
}
