// Package demo loads a small, realistic data set so every page can be seen
// at once: the certifier, three platforms in three départements with a
// manager each, a jury pool of six, a dozen candidates and two observers;
// candidacies at every stage and jury sessions; and a national demo of the
// professionalisation plan (a platform per département, about 600
// counsellors in the plan).
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/jmoiron/sqlx"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/blob"
)

// Password is the password of every demo account; it is printed by
// `acquis demo` and must never be used outside a demonstration.
const Password = "demo-acquis-2026"

// Account is one demo login, as printed.
type Account struct {
	Email string
	Name  string
	Role  string
}

// Result is what Load created (or found), for printing and for tests.
type Result struct {
	Accounts    []Account
	PlatformIDs []int64
	CertifierID int64
	Existing    bool
}

type platformSeed struct {
	name, dept, lead, coPorteur, manager, managerEmail string
	candidates                                         []string
}

var platforms = []platformSeed{
	{"Plateforme emploi accompagné du Finistère", "29", "Association Ar Roudour", "Cap Emploi 29",
		"Gaëlle Le Bihan", "gaelle.lebihan@demo.acquis.fr",
		[]string{"Yann Kerjean", "Maëlle Guivarc'h", "Ronan Le Gall", "Soizic Tanguy"}},
	{"Plateforme emploi accompagné du Rhône", "69", "ADAPEI du Rhône", "Messidor",
		"Karim Benali", "karim.benali@demo.acquis.fr",
		[]string{"Chloé Vernet", "Mehdi Ouali", "Anaïs Perret", "Jérôme Blanchard"}},
	{"Plateforme emploi accompagné de La Réunion", "974", "Association Réunionnaise pour l'Emploi Accompagné", "",
		"Nathalie Payet", "nathalie.payet@demo.acquis.fr",
		[]string{"Didier Hoarau", "Sandrine Grondin", "Jean-Marc Técher", "Émilie Fontaine"}},
}

var juryPool = []struct{ name, email, org string }{
	{"Hélène Marchand", "helene.marchand@demo.acquis.fr", "CFEA"},
	{"Patrick Lemoine", "patrick.lemoine@demo.acquis.fr", "Association Ar Roudour"},
	{"Sophie Roussel", "sophie.roussel@demo.acquis.fr", "ADAPEI du Rhône"},
	{"Olivier Chevalier", "olivier.chevalier@demo.acquis.fr", "Entreprise Adaptée Atlantique"},
	{"Fatou Diallo", "fatou.diallo@demo.acquis.fr", "Association Réunionnaise pour l'Emploi Accompagné"},
	{"Bernard Faure", "bernard.faure@demo.acquis.fr", "Entreprise Adaptée Atlantique"},
}

// Load creates the demo data, or reports it is already there. With a blob
// store it also creates candidacies at every stage and two jury sessions
// (one signed, one open); without one, only organisations and accounts.
func Load(ctx context.Context, d *sqlx.DB, blobs *blob.Store) (*Result, error) {
	st := account.NewStore(d)
	res := &Result{}
	existing, err := st.Organisations(ctx, account.OrgCertifier)
	if err != nil {
		return nil, err
	}
	for _, o := range existing {
		if o.Name == "CFEA" {
			res.Existing = true
		}
	}
	if res.Existing {
		return res, accountsOf(res)
	}
	a := audit.Actor{Role: "demo"}
	orgIDs := map[string]int64{}
	org := func(kind account.OrgKind, name, dept string, lead int64, co ...int64) (int64, error) {
		id, err := st.CreateOrganisation(ctx, a, account.NewOrganisation{Kind: kind, Name: name, DepartementCode: dept, LeadID: lead, CoPorteurIDs: co})
		orgIDs[name] = id
		return id, err
	}
	if res.CertifierID, err = org(account.OrgCertifier, "CFEA", "", 0); err != nil {
		return nil, err
	}
	if _, err := org(account.OrgTrainingBody, "Formavision", "", 0); err != nil {
		return nil, err
	}
	if _, err := org(account.OrgEmployer, "Entreprise Adaptée Atlantique", "44", 0); err != nil {
		return nil, err
	}
	user := func(email, name string, org int64, grants ...account.Grant) error {
		_, err := st.CreateUser(ctx, a, account.NewUser{Email: email, FullName: name, Password: Password, OrganisationID: org, Grants: grants})
		if errors.Is(err, account.ErrEmailTaken) {
			return nil
		}
		return err
	}
	if err := user("admin@demo.acquis.fr", "Claire Dubois", res.CertifierID, account.Grant{Role: account.RoleAdmin}); err != nil {
		return nil, err
	}
	if err := certifierIdentity(ctx, d, a); err != nil {
		return nil, err
	}
	for _, p := range platforms {
		lead, err := org(account.OrgEmployer, p.lead, p.dept, 0)
		if err != nil {
			return nil, err
		}
		var co []int64
		if p.coPorteur != "" {
			id, err := org(account.OrgEmployer, p.coPorteur, p.dept, 0)
			if err != nil {
				return nil, err
			}
			co = append(co, id)
		}
		pid, err := org(account.OrgPlatform, p.name, p.dept, lead, co...)
		if err != nil {
			return nil, err
		}
		res.PlatformIDs = append(res.PlatformIDs, pid)
		if err := user(p.managerEmail, p.manager, pid, account.Grant{Role: account.RolePlatformManager, PlatformID: pid}); err != nil {
			return nil, err
		}
		for _, name := range p.candidates {
			if err := user(demoEmail(name), name, pid, account.Grant{Role: account.RoleCandidate}); err != nil {
				return nil, err
			}
		}
	}
	for _, j := range juryPool {
		if err := user(j.email, j.name, orgIDs[j.org], account.Grant{Role: account.RoleJuryMember}); err != nil {
			return nil, err
		}
	}
	if err := user("pilotage@demo.acquis.fr", "Marc Aubert", 0, account.Grant{Role: account.RoleObserver}); err != nil {
		return nil, err
	}
	if err := user("pilotage.bretagne@demo.acquis.fr", "Annaïg Riou", 0, account.Grant{Role: account.RoleObserver, RegionCode: "53"}); err != nil {
		return nil, err
	}
	byDept := map[string]int64{}
	for i, p := range platforms {
		byDept[p.dept] = res.PlatformIDs[i]
	}
	if err := loadNational(ctx, d, byDept); err != nil {
		return nil, err
	}
	if blobs != nil {
		if err := loadJourneys(ctx, d, blobs); err != nil {
			return nil, err
		}
	}
	if err := civilStatuses(ctx, d); err != nil {
		return nil, err
	}
	return res, accountsOf(res)
}

func accountsOf(res *Result) error {
	res.Accounts = append(res.Accounts, Account{"admin@demo.acquis.fr", "Claire Dubois", "administrateur (CFEA)"})
	for _, p := range platforms {
		res.Accounts = append(res.Accounts, Account{p.managerEmail, p.manager, "gestionnaire — " + p.name})
	}
	for _, j := range juryPool {
		res.Accounts = append(res.Accounts, Account{j.email, j.name, "membre du jury (" + j.org + ")"})
	}
	for _, p := range platforms {
		for _, c := range p.candidates {
			res.Accounts = append(res.Accounts, Account{demoEmail(c), c, "candidat — " + p.name})
		}
	}
	res.Accounts = append(res.Accounts,
		Account{"pilotage@demo.acquis.fr", "Marc Aubert", "observateur national"},
		Account{"pilotage.bretagne@demo.acquis.fr", "Annaïg Riou", "observatrice — Bretagne"})
	return nil
}

// demoEmail turns "Maëlle Guivarc'h" into maelle.guivarch@demo.acquis.fr.
func demoEmail(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		switch r {
		case 'à', 'â', 'ä':
			r = 'a'
		case 'é', 'è', 'ê', 'ë', 'É':
			r = 'e'
		case 'ï', 'î':
			r = 'i'
		case 'ô', 'ö':
			r = 'o'
		case 'ù', 'û', 'ü':
			r = 'u'
		case 'ç':
			r = 'c'
		case ' ':
			r = '.'
		case '\'', '’':
			continue
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out) + "@demo.acquis.fr"
}

// Print writes the accounts table for the person who ran `acquis demo`.
func Print(w io.Writer, res *Result) {
	if res.Existing {
		fmt.Fprintln(w, "Les données de démonstration sont déjà chargées.")
	} else {
		fmt.Fprintln(w, "Données de démonstration chargées.")
	}
	fmt.Fprintf(w, "Mot de passe de tous les comptes : %s\n\n", Password)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADRESSE\tNOM\tRÔLE")
	for _, a := range res.Accounts {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Email, a.Name, a.Role)
	}
	tw.Flush()
}

// civilStatuses gives every demo candidate without one a made-up civil
// status (the accrochage export needs it): names from the account, a
// birth date spread over 1965–1999, born in Rennes (INSEE 35238).
func civilStatuses(ctx context.Context, d *sqlx.DB) error {
	_, err := d.ExecContext(ctx, `INSERT INTO civil_status (user_id, birth_name, first_name1, birth_date, sex, birth_insee, birth_commune)
		SELECT u.id, left(coalesce(nullif(regexp_replace(u.full_name, '^\S+\s*', ''), ''), u.full_name), 60), left(split_part(u.full_name, ' ', 1), 60),
			date '1965-01-01' + ((u.id * 379) % 12400)::int, CASE WHEN u.id % 2 = 0 THEN 'F' ELSE 'M' END, '35238', 'Rennes'
		FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'candidate'
		WHERE NOT EXISTS (SELECT 1 FROM civil_status c WHERE c.user_id = u.id)
		ON CONFLICT DO NOTHING`)
	return err
}

// Journeys loads the candidates' and juries' journeys (uploaded dossiers,
// a signed session with its certified candidates, an open session) on a
// database that has the demo without them (Load with no blob store), for
// tests that need what a jury's signature produces.
func Journeys(ctx context.Context, d *sqlx.DB, blobs *blob.Store) error {
	return loadJourneys(ctx, d, blobs)
}
