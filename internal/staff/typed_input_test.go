package staff

import (
	"sort"
	"strings"
	"testing"
)

// TestImportAcceptsWhatManagersType (issue 14 #11): feminine and
// inclusive job titles, headers as a person writes them (case, accents,
// spaces, little words, a split first name), dates with a two-digit year
// or a time; and a bad line reports every error it has.
func TestImportAcceptsWhatManagersType(t *testing.T) {
	f := newFx(t)
	file := "Prénom;NOM;E-mail;Fonction;ETP;DATE DE PRISE DE POSTE;Statut;Date du statut;Formation d'encadrement\r\n" +
		"Élodie;Lefèvre;Elodie.Lefevre@Exemple.fr;Conseillère en emploi accompagné;80 %;15/03/26;non engagée;;\r\n" +
		"Zoé;Bernard;;Cheffe de service;1;15/03/2026 09:00;non engagé;;programmée\r\n" +
		"Anaïs;Perret;;Chef·fe de service;1;2021-01-02T08:30:00;non engagé;;\r\n" +
		"Lou;Martin;;Conseiller·ère en emploi accompagné;0,5;1/9/2019;VAE en cours;15/03/2026 14:00;\r\n" +
		"Sam;Roux;;Conseiller(e);1;01.09.2020;en formation;02/02/26;\r\n" +
		"Inès;Dupuis;;Coordinatrice;1;05/01/2015;non engagé;;\r\n" +
		"Noé;Vidal;;Coordinateur·rice;1;05/01/2016;non engagé;;\r\n" +
		"Ana;Lopez;;Responsable de dispositif;1;05/01/2017;non engagé;;suivie\r\n"
	p, err := f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(file))
	if err != nil || len(p.Errors) != 1 || len(p.Rows) != 7 {
		t.Fatalf("%v : %v (%d lignes)", err, p.Errors, len(p.Rows))
	}
	// Only the last line is wrong: a supervisor training « suivie » needs
	// its date.
	if e := p.Errors[0]; e.Line != 9 || e.Field != "date_formation_encadrement" {
		t.Errorf("erreur : %v", e)
	}
	want := []struct {
		name  string
		fn    Function
		hired string
	}{
		{"Élodie Lefèvre", Counsellor, "2026-03-15"}, {"Zoé Bernard", HeadOfUnit, "2026-03-15"}, {"Anaïs Perret", HeadOfUnit, "2021-01-02"},
		{"Lou Martin", Counsellor, "2019-09-01"}, {"Sam Roux", Counsellor, "2020-09-01"}, {"Inès Dupuis", Coordinator, "2015-01-05"},
		{"Noé Vidal", Coordinator, "2016-01-05"},
	}
	for i, w := range want {
		m := p.Rows[i].Member
		if m.FullName != w.name || m.Function != w.fn || !m.HiredOn.Equal(d(w.hired)) {
			t.Errorf("ligne %d : %s %s %s", i+2, m.FullName, m.Function, m.HiredOn.Format("2006-01-02"))
		}
	}
	if e := p.Rows[0].Member.Email; e == nil || *e != "elodie.lefevre@exemple.fr" || p.Rows[0].Member.FTE != 0.8 {
		t.Errorf("Élodie : %v %v", e, p.Rows[0].Member.FTE)
	}
	if m := p.Rows[3].Member; m.Status != VAE || !m.StatusOn.Equal(d("2026-03-15")) {
		t.Errorf("Lou : %s %v", m.Status, m.StatusOn)
	}
	if m := p.Rows[1].Member; m.SupervisorTraining != SupervisorPlanned {
		t.Errorf("Zoé : %s", m.SupervisorTraining)
	}
	// A line wrong in five ways says all five.
	bad := "nom;email;fonction;etp;date_prise_de_poste;statut\r\n" +
		"Personne;pas-une-adresse;astronaute;3;32/13/2020;inconnu\r\n"
	p, _ = f.s.ParseRoster(f.ctx, f.platform, "effectif.csv", []byte(bad))
	var fields []string
	for _, e := range p.Errors {
		if e.Line != 2 {
			t.Errorf("erreur hors de la ligne 2 : %v", e)
		}
		fields = append(fields, e.Field)
	}
	sort.Strings(fields)
	if got := strings.Join(fields, ","); got != "date_prise_de_poste,email,etp,fonction,statut" {
		t.Errorf("erreurs de la ligne : %s (%v)", got, p.Errors)
	}
}
