package staff

import (
	"errors"
	"strings"
	"testing"

	"acquis/internal/fielderr"
)

// TestEquivalentCertifications (issue 14 #8): the certifier keeps the
// list of titles recognised as equivalent (seed 001: « certification
// reconnue comme équivalente par l'autorité nationale compétente »), each
// with the reference of its decision, audited and never changed; a
// roster entry « titulaire d'une certification équivalente » names one of
// them (no free text), by form or by import under its exact title, and
// the export round trip stays « inchangé ».
func TestEquivalentCertifications(t *testing.T) {
	f := newFx(t)
	var ve *fielderr.Error
	if _, err := f.s.AddEquivalent(f.ctx, sys, "Diplôme d'État d'éducateur spécialisé", " ", ptr(d("2026-03-02"))); !errors.As(err, &ve) || ve.Field != "decision_ref" {
		t.Fatalf("sans référence de décision : %v", err)
	}
	if _, err := f.s.AddEquivalent(f.ctx, sys, "Diplôme d'État d'éducateur spécialisé", "Décision n° 2026-03", ptr(d("2099-01-01"))); !errors.As(err, &ve) || ve.Field != "decided_on" {
		t.Fatalf("décision future : %v", err)
	}
	dees, err := f.s.AddEquivalent(f.ctx, sys, "  Diplôme d'État   d'éducateur spécialisé ", "Décision du certificateur n° 2026-03", ptr(d("2026-03-02")))
	if err != nil {
		t.Fatal(err)
	}
	casf, err := f.s.AddEquivalent(f.ctx, sys, "Titre professionnel conseiller en insertion professionnelle", "Décision du certificateur n° 2026-04", ptr(d("2026-04-15")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddEquivalent(f.ctx, sys, "diplôme d'état d'éducateur spécialisé", "Autre décision", ptr(d("2026-05-01"))); !errors.As(err, &ve) || !strings.Contains(ve.Message, "figure déjà") {
		t.Fatalf("titre en double : %v", err)
	}
	list, _ := f.s.Equivalents(f.ctx)
	if len(list) != 2 || list[0].ID != dees || list[0].Title != "Diplôme d'État d'éducateur spécialisé" || list[0].DecisionRef != "Décision du certificateur n° 2026-03" {
		t.Fatalf("liste : %+v", list)
	}
	var audited int
	if err := f.d.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'equivalence.listed'`); err != nil {
		t.Fatal(err)
	}
	if audited != 2 {
		t.Errorf("%d équivalences auditées", audited)
	}
	if _, err := f.d.Exec(`UPDATE equivalent_certifications SET title = 'autre'`); err == nil {
		t.Error("une équivalence reconnue a été modifiée")
	}
	// Import: the exact title names the entry; anything else is refused
	// and names the list; equivalent without a title is refused.
	head := "nom;fonction;etp;date_prise_de_poste;statut;date_statut;certification_equivalente\r\n"
	p, _ := f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(head+
		"Maëlle Guivarc'h;conseiller;1;15/03/2018;équivalent;01/07/2025;DEES\r\n"+
		"Agnès Roux;conseiller;1;01/04/2017;équivalent;01/09/2024;\r\n"))
	if len(p.Errors) != 2 || p.Errors[0].Field != "certification_equivalente" || !strings.Contains(p.Errors[0].Message, "« Diplôme d'État d'éducateur spécialisé »") ||
		p.Errors[1].Field != "certification_equivalente" || p.Errors[1].Line != 3 {
		t.Fatalf("titres hors liste : %v", p.Errors)
	}
	p, _ = f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(head+
		"Maëlle Guivarc'h;conseiller;1;15/03/2018;équivalent;01/07/2025;Diplôme d'État d'éducateur spécialisé\r\n"+
		"Yann Kerjean;conseiller;1;01/09/2019;non engagé;;\r\n"))
	if len(p.Errors) != 0 {
		t.Fatal(p.Errors)
	}
	if _, err := f.s.Import(f.ctx, sys, f.platform, p); err != nil {
		t.Fatal(err)
	}
	roster, _ := f.s.Roster(f.ctx, f.platform)
	byName := map[string]Member{}
	for _, m := range roster {
		byName[m.FullName] = m
	}
	maelle := byName["Maëlle Guivarc'h"]
	if maelle.EquivalentID == nil || *maelle.EquivalentID != dees || maelle.EquivalentName != "Diplôme d'État d'éducateur spécialisé" {
		t.Fatalf("Maëlle : %+v", maelle)
	}
	// The form: a choice from the list, never free text.
	yann := byName["Yann Kerjean"]
	yann.Status, yann.StatusOn, yann.EquivalentName = Equivalent, ptr(d("2024-06-30")), "Mon diplôme"
	if err := f.s.Save(f.ctx, sys, &yann); !errors.As(err, &ve) || ve.Field != "equivalent_id" {
		t.Fatalf("équivalent sans choix dans la liste : %v", err)
	}
	unknown := int64(999999)
	yann.EquivalentID = &unknown
	if err := f.s.Save(f.ctx, sys, &yann); err == nil {
		t.Fatal("équivalence inconnue acceptée")
	}
	yann.EquivalentID = &casf
	if err := f.s.Save(f.ctx, sys, &yann); err != nil {
		t.Fatal(err)
	}
	got, _ := f.s.Member(f.ctx, yann.ID)
	if got.EquivalentName != "Titre professionnel conseiller en insertion professionnelle" || got.Status != Equivalent {
		t.Errorf("Yann : %q %s (le titre vient de la liste, pas de la saisie)", got.EquivalentName, got.Status)
	}
	// Round trip: the export names the titles, read back unchanged.
	roster, _ = f.s.Roster(f.ctx, f.platform)
	wb, _ := WorkbookXLSX(roster, BuildPlan(roster, nil, f.s.now()))
	for name, data := range map[string][]byte{"effectif.csv": RosterCSV(roster), "effectif.xlsx": wb} {
		p, _ := f.s.ParseRoster(f.ctx, f.platform, name, data)
		if len(p.Errors) != 0 || p.Count(ActionUnchanged) != 2 {
			t.Errorf("%s réimporté : %v, %d inchangés", name, p.Errors, p.Count(ActionUnchanged))
		}
	}
	// The status dropped: the title goes with it.
	yann.Status, yann.StatusOn = NotEngaged, nil
	if err := f.s.Save(f.ctx, sys, &yann); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.s.Member(f.ctx, yann.ID); got.EquivalentID != nil || got.EquivalentName != "" {
		t.Errorf("titre équivalent resté sans le statut : %+v", got)
	}
}
