package staff

import "strings"

// Columns are the roster file's columns, in the order exports write them.
// Imports accept them in any order, and as a person writes them (see
// columnFor): « Date de prise de poste », « E-mail », « NOM ».
// The id column, last, is the stable key that makes a re-import of an
// export change nothing.
var Columns = []string{"nom", "email", "fonction", "etp", "date_prise_de_poste", "date_depart", "motif_depart", "employeur", "statut", "date_statut",
	"numero_certificat", "certification_equivalente", "organisme_formation", "fin_prevue", "annee_prevue",
	"formation_encadrement", "date_formation_encadrement", "personnes_accompagnees", "dont_en_veille", "id"}

// firstNameColumn is read with nom when a file splits the name in two.
const firstNameColumn = "prenom"

// columnAliases are other names managers give the columns.
var columnAliases = map[string][]string{
	"id":                         {"identifiant", "n_acquis", "numero_acquis", "ref", "reference"},
	"nom":                        {"nom_prenom", "prenom_nom", "nom_et_prenom", "nom_complet", "nom_de_famille", "personne", "salarie", "salariee"},
	firstNameColumn:              {"prenoms"},
	"email":                      {"e_mail", "mail", "courriel", "adresse_email", "adresse_e_mail", "adresse_mail", "adresse_electronique", "adresse_courriel"},
	"fonction":                   {"poste", "emploi", "metier", "intitule_du_poste"},
	"etp":                        {"temps_de_travail", "quotite", "quotite_de_travail", "equivalent_temps_plein"},
	"date_prise_de_poste":        {"prise_de_poste", "date_d_embauche", "date_embauche", "embauche", "date_entree", "date_d_entree", "entree", "date_de_recrutement"},
	"date_depart":                {"depart", "date_de_sortie", "sortie", "date_fin_de_contrat"},
	"motif_depart":               {"motif_de_sortie", "raison_du_depart"},
	"employeur":                  {"structure", "structure_employeuse", "organisme_employeur"},
	"statut":                     {"statut_titre", "statut_rncp37779", "certification"},
	"date_statut":                {"date_du_statut", "date_d_obtention", "date_obtention", "date_d_entree_en_formation"},
	"numero_certificat":          {"n_certificat", "numero_du_certificat", "certificat"},
	"certification_equivalente":  {"equivalence", "titre_equivalent"},
	"organisme_formation":        {"organisme", "organisme_de_formation"},
	"fin_prevue":                 {"date_de_fin_prevue", "fin_de_formation", "date_fin_prevue"},
	"annee_prevue":               {"annee_de_certification_prevue", "annee"},
	"formation_encadrement":      {"formation_d_encadrement", "formation_encadrant"},
	"date_formation_encadrement": {"date_de_formation_d_encadrement", "date_de_la_formation_d_encadrement"},
	"personnes_accompagnees": {"nombre_de_personnes_accompagnees", "nb_de_personnes_accompagnees", "nb_personnes_accompagnees", "nbre_de_personnes_accompagnees",
		"personnes_suivies", "nombre_de_personnes_suivies", "nb_personnes_suivies", "accompagnes", "accompagnements", "file_active", "beneficiaires_accompagnes",
		"nombre_de_beneficiaires", "nombre_d_accompagnes"},
	"dont_en_veille": {"en_veille", "veille", "personnes_en_veille", "dont_veille", "nombre_en_veille", "nb_en_veille", "nombre_de_personnes_en_veille",
		"nb_de_personnes_en_veille", "dont_personnes_en_veille", "beneficiaires_en_veille", "accompagnements_en_veille"},
}

// stopWords are dropped when headers are compared, so « Date de prise de
// poste » and « date_prise_poste » are the same column.
var stopWords = map[string]bool{"de": true, "du": true, "des": true, "d": true, "la": true, "le": true, "l": true, "en": true, "a": true, "au": true}

// headerKey folds a header: key (case, accents, separators), without its
// little words and without the separators themselves (spaces ignored).
func headerKey(h string) string {
	var b strings.Builder
	for _, w := range strings.Split(key(h), "_") {
		if !stopWords[w] {
			b.WriteString(w)
		}
	}
	return b.String()
}

// headerIndex maps every folded header and alias to its column.
var headerIndex = func() map[string]string {
	m := map[string]string{headerKey(firstNameColumn): firstNameColumn}
	for _, c := range Columns {
		m[headerKey(c)] = c
	}
	for c, as := range columnAliases {
		for _, a := range as {
			m[headerKey(a)] = c
		}
	}
	return m
}()

// columnFor names the column a header means, or "" when none.
func columnFor(header string) string { return headerIndex[headerKey(header)] }
