package staff

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/fielderr"
	"acquis/internal/portfolio"
)

func TestMain(m *testing.M) { dbtest.Main(m, seed.Referentiels) }

var sys = audit.Actor{Role: "test"}

type fx struct {
	t        *testing.T
	d        *sqlx.DB
	s        *Store
	platform int64
	ctx      context.Context
}

func newFx(t *testing.T) *fx {
	t.Helper()
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	id, err := account.NewStore(d).CreateOrganisation(ctx, sys, account.NewOrganisation{Kind: account.OrgPlatform, Name: "Plateforme de l'Hérault", DepartementCode: "34"})
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(d)
	s.now = func() time.Time { return d0("2027-05-15") }
	return &fx{t: t, d: d, s: s, platform: id, ctx: ctx}
}

func d0(s string) time.Time { return d(s) }

func (f *fx) count() int {
	var n int
	if err := f.d.Get(&n, `SELECT count(*) FROM staff`); err != nil {
		f.t.Fatal(err)
	}
	return n
}

const header = "nom;email;fonction;etp;date_prise_de_poste;statut;date_statut;annee_prevue\r\n"

func TestImportAllOrNothing(t *testing.T) {
	f := newFx(t)
	bad := header +
		"Élodie Lefèvre;elodie@exemple.fr;conseiller;0,8;01/09/2019;non engagé;;2027\r\n" +
		"Jérôme Câlin;jerome@exemple.fr;conseiller;1,5;01/09/2020;formation;01/02/2027;\r\n" + // FTE out of range
		"Anaïs Perret;anais@exemple.fr;conseiller;1;01/09/2030;non engagé;;\r\n" + // hired in the future
		"Luc Martin;elodie@exemple.fr;chef de service;1;01/01/2015;non engagé;;\r\n" + // duplicate e-mail in the file
		"Zoé Bernard;zoe@exemple.fr;conseiller;1;01/01/2021;non engagé;;2031\r\n" // planned year outside the plan
	p, err := f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{3: "etp", 4: "date_prise_de_poste", 5: "email", 6: "annee_prevue"}
	if len(p.Errors) != len(want) {
		t.Fatalf("erreurs : %v", p.Errors)
	}
	for _, e := range p.Errors {
		if want[e.Line] != e.Field || !strings.Contains(e.Error(), "line") {
			t.Errorf("erreur inattendue : %v (champ %s)", e, e.Field)
		}
	}
	if _, err := f.s.Import(f.ctx, sys, f.platform, p); err == nil || f.count() != 0 {
		t.Fatalf("import d'un fichier invalide : %v, %d lignes écrites", err, f.count())
	}
	// Windows-1252, comma-separated, accents in headers: accepted.
	good := "Nom,E-mail,Fonction,ETP,Date prise de poste,Statut,Date statut,Année prévue\r\n" +
		"Élodie Lefèvre,elodie@exemple.fr,Conseiller en emploi accompagné,80 %,01/09/2019,Non engagé,,2027\r\n" +
		"Jérôme Câlin,,Chef de service,1,2015-01-01,non engagé,,\r\n"
	enc, err := charmap.Windows1252.NewEncoder().Bytes([]byte(strings.ReplaceAll(good, "E-mail", "email")))
	if err != nil {
		t.Fatal(err)
	}
	p, err = f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", enc)
	if err != nil || len(p.Errors) != 0 || len(p.Rows) != 2 {
		t.Fatalf("fichier Windows-1252 : %v %v", err, p.Errors)
	}
	if p.Rows[0].Member.FullName != "Élodie Lefèvre" || p.Rows[0].Member.FTE != 0.8 {
		t.Fatalf("ligne lue : %+v", p.Rows[0].Member)
	}
	if n, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil || n != 2 || f.count() != 2 {
		t.Fatalf("import : %d, %v", n, err)
	}
	// Imported again: the line with an e-mail updates, nothing duplicates.
	p, _ = f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", enc)
	if p.Rows[0].Action != ActionUnchanged {
		t.Error("la ligne déjà connue n'est pas une mise à jour")
	}
	// UTF-16 is refused with a message, not read as garbage.
	p, _ = f.s.ParseRoster(f.ctx, f.platform, "x.csv", []byte("\xff\xfen\x00o\x00m\x00"))
	if len(p.Errors) == 0 || !strings.Contains(p.Errors[0].Message, "Encodage") {
		t.Errorf("UTF-16 : %v", p.Errors)
	}
	// A wrong header names the column.
	p, _ = f.s.ParseRoster(f.ctx, f.platform, "x.csv", []byte("nom;salaire\r\nA;1\r\n"))
	if len(p.Errors) == 0 || !strings.Contains(p.Errors[0].Message, "salaire") {
		t.Errorf("en-tête inconnu : %v", p.Errors)
	}
}

func TestImportXLSXAndExportRoundTrip(t *testing.T) {
	f := newFx(t)
	// The equivalent title must be in the certifier's list (issue 14 #8).
	if _, err := f.s.AddEquivalent(f.ctx, sys, "DEES", "Décision du certificateur n° 2026-03", ptr(d("2026-03-02"))); err != nil {
		t.Fatal(err)
	}
	x := excelize.NewFile()
	rows := [][]any{
		{"nom", "email", "fonction", "etp", "date_prise_de_poste", "statut", "date_statut", "certification_equivalente"},
		{"Maëlle Guivarc'h", "maelle@exemple.fr", "conseiller", 1, "15/03/2018", "équivalent", "01/07/2026", "DEES"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		_ = x.SetSheetRow("Sheet1", cell, &r)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p, err := f.s.ParseRoster(f.ctx, f.platform, "effectif.xlsx", buf.Bytes())
	if err != nil || len(p.Errors) != 0 {
		t.Fatalf("XLSX : %v %v", err, p.Errors)
	}
	if _, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil {
		t.Fatal(err)
	}
	roster, _ := f.s.Roster(f.ctx, f.platform)
	csvOut := RosterCSV(roster)
	if !bytes.HasPrefix(csvOut, []byte("\xef\xbb\xbf")) || !bytes.Contains(csvOut, []byte("Maëlle Guivarc'h")) {
		t.Fatalf("export CSV : %q", csvOut)
	}
	p, err = f.s.ParseRoster(f.ctx, f.platform, "export.csv", csvOut)
	if err != nil || len(p.Errors) != 0 || p.Rows[0].Action != ActionUnchanged || p.Rows[0].Member.Status != Equivalent {
		t.Fatalf("réimport de l'export : %v %+v", p.Errors, p.Rows)
	}
	wb, err := WorkbookXLSX(roster, BuildPlan(roster, nil, d("2027-05-15")))
	if err != nil {
		t.Fatal(err)
	}
	xf, err := excelize.OpenReader(bytes.NewReader(wb))
	if err != nil || len(xf.GetSheetList()) != 2 {
		t.Fatalf("classeur exporté : %v", err)
	}
}

// TestStatusFollowsCandidacy: once the staff member's account has a
// candidacy for the title, the roster shows it, then the certificate.
func TestStatusFollowsCandidacy(t *testing.T) {
	f := newFx(t)
	acc := account.NewStore(f.d)
	uid, err := acc.CreateUser(f.ctx, sys, account.NewUser{Email: "yann@exemple.fr", FullName: "Yann Kerjean", OrganisationID: f.platform, Grants: []account.Grant{{Role: account.RoleCandidate}}})
	if err != nil {
		t.Fatal(err)
	}
	email := "Yann@Exemple.fr"
	m := &Member{PlatformID: f.platform, FullName: "Yann Kerjean", Email: &email, Function: Counsellor, FTE: 1, HiredOn: d("2019-09-01"), Status: NotEngaged}
	if err := f.s.Save(f.ctx, sys, m); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.Member(f.ctx, m.ID)
	if got.UserID == nil || *got.UserID != uid || got.FromCandidacy || got.Status != NotEngaged {
		t.Fatalf("avant candidature : %+v", got)
	}
	pf := portfolio.NewStore(f.d)
	cid, err := pf.Create(f.ctx, audit.Actor{UserID: uid, Role: "candidate"}, portfolio.NewCandidacy{CandidateID: uid, CertificationCode: Title,
		Pathways: map[string]portfolio.Pathway{"RNCP37779BC01": portfolio.VAE, "RNCP37779BC02": portfolio.Formation, "RNCP37779BC03": portfolio.Formation}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pf.Transition(f.ctx, audit.Actor{UserID: uid, Role: "candidate"}, cid, portfolio.AdmissibilitySubmitted, account.RoleCandidate, ""); err != nil {
		t.Fatal(err)
	}
	got, _ = f.s.Member(f.ctx, m.ID)
	if !got.FromCandidacy || got.Status != VAE || got.StatusOn == nil || got.CandidacyID == nil || *got.CandidacyID != cid {
		t.Fatalf("pendant la candidature : %+v", got)
	}
	tx := f.d.MustBegin()
	for _, b := range []string{"RNCP37779BC01", "RNCP37779BC02", "RNCP37779BC03"} {
		if _, err := portfolio.Acquire(f.ctx, tx, sys, uid, Title, b, d("2026-04-02"), "jury", "test", cid); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got, _ = f.s.Member(f.ctx, m.ID)
	if got.Status != Holder || got.CertificateNumber == "" || !got.StatusOn.Equal(d("2026-04-02")) {
		t.Fatalf("après certification : %+v", got)
	}
}

func TestSaveRefusals(t *testing.T) {
	f := newFx(t)
	e := "a@exemple.fr"
	ok := Member{PlatformID: f.platform, FullName: "A", Email: &e, Function: Counsellor, FTE: 1, HiredOn: d("2020-01-01"), Status: NotEngaged}
	if err := f.s.Save(f.ctx, sys, &ok); err != nil {
		t.Fatal(err)
	}
	left := d("2019-01-01")
	year := 2031
	for name, change := range map[string]func(m *Member){
		"email":        func(m *Member) {}, // duplicate of the first
		"fte":          func(m *Member) { m.FTE = 0 },
		"hired_on":     func(m *Member) { m.HiredOn = d("2030-01-01") },
		"left_on":      func(m *Member) { m.LeftOn = &left },
		"planned_year": func(m *Member) { m.PlannedYear = &year },
		"status_on":    func(m *Member) { m.Status = Training },
	} {
		m := ok
		m.ID = 0
		if name != "email" {
			m.Email = nil
		}
		change(&m)
		err := f.s.Save(f.ctx, sys, &m)
		ve, isVE := err.(*fielderr.Error)
		if !isVE || ve.Field != name {
			t.Errorf("%s : %v", name, err)
		}
	}
	if f.count() != 1 {
		t.Errorf("%d lignes après les refus", f.count())
	}
	if err := f.s.SetTarget(f.ctx, sys, f.platform, 2027, 3, " "); err == nil {
		t.Error("objectif changé sans motif")
	}
}

// TestTargetsOfEveryPlatform: Targets with no platform given lists every
// platform's changed targets (the national view and the freeze read them
// so); it listed none, a NULL array having no cardinality.
func TestTargetsOfEveryPlatform(t *testing.T) {
	f := newFx(t)
	var manager int64
	if err := f.d.Get(&manager, `INSERT INTO users (email, full_name, organisation_id) VALUES ('gestion@herault.fr', 'Gestion', $1) RETURNING id`, f.platform); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetTarget(f.ctx, audit.Actor{UserID: manager, Role: "test"}, f.platform, 2027, 3, "Recrutements"); err != nil {
		t.Fatal(err)
	}
	all, err := f.s.Targets(f.ctx)
	if err != nil || len(all) != 1 || all[0].PlatformID != f.platform || all[0].Target != 3 {
		t.Fatalf("every platform: %+v %v", all, err)
	}
	if some, err := f.s.Targets(f.ctx, f.platform+1); err != nil || len(some) != 0 {
		t.Fatalf("another platform: %+v %v", some, err)
	}
}
