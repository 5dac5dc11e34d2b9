package accrochage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/accrochage"
	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/db/dbtest"
	"acquis/internal/db/dbtest/seed"
	"acquis/internal/demo"
	"acquis/internal/fielderr"
	"acquis/internal/jury"
)

func TestMain(m *testing.M) { dbtest.Main(m, seed.Referentiels) }

// schema is the official XSD, in the shared folder beside the project.
const schema = "testdata/cdc-accrochage-1.1.2.xsd"

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// history: three people certified in 2025 (two by VAE, one by
// formation), one with a partial result.
func history(t *testing.T, d *sqlx.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	users := map[string]int64{}
	err := db.InTx(ctx, d, func(tx *sqlx.Tx) error {
		h, err := demo.NewHistory(ctx, tx)
		if err != nil {
			return err
		}
		blocks := h.Blocks("RNCP37779")
		all := func(pw string) map[string]string {
			m := map[string]string{}
			for _, b := range blocks {
				m[b] = pw
			}
			return m
		}
		ok := map[string]string{}
		for _, b := range blocks {
			ok[b] = jury.Valide
		}
		s := demo.PastSession{Certification: "RNCP37779", StartsAt: time.Date(2025, 6, 12, 9, 0, 0, 0, time.UTC), Place: "Lyon", Candidacies: []demo.PastCandidacy{
			{Person: demo.Person{Key: 1, Name: "Léa Garnier"}, Pathways: all("vae"), Outcome: jury.ReussiteTotale, Decisions: ok},
			{Person: demo.Person{Key: 2, Name: "Noël L'Hôte"}, Pathways: all("formation"), Outcome: jury.ReussiteTotale, Decisions: ok},
			{Person: demo.Person{Key: 3, Name: "Sans État-Civil"}, Pathways: all("vae"), Outcome: jury.ReussiteTotale, Decisions: ok},
			{Person: demo.Person{Key: 4, Name: "Partielle"}, Pathways: all("vae"), Outcome: jury.ReussitePartielle,
				Decisions: map[string]string{blocks[0]: jury.Valide, blocks[1]: jury.NonValide, blocks[2]: jury.Valide}},
		}}
		if err := h.Write(ctx, []demo.PastSession{s}); err != nil {
			return err
		}
		return h.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID   int64
		Name string `db:"full_name"`
	}
	if err := d.Select(&rows, `SELECT id, full_name FROM users`); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		users[r.Name] = r.ID
	}
	return users
}

func xmllint(t *testing.T, doc []byte) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Fatal("xmllint manque : apt-get install libxml2-utils (.ci/run l'installe)")
	}
	f := filepath.Join(t.TempDir(), "flux.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("xmllint", "--noout", "--schema", schema, f).CombinedOutput()
	if err != nil {
		t.Fatalf("le flux n'est pas valide selon le schéma : %v\n%s\n%s", err, out, doc)
	}
}

func TestExportValidAgainstXSD(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	users := history(t, d)
	s := accrochage.NewStore(d)
	sys := audit.Actor{Role: "test"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.SaveCivilStatus(ctx, sys, accrochage.CivilStatus{UserID: users["Léa Garnier"], BirthName: "Garnier", UsageName: "Martin-Garnier", FirstName1: "Léa",
		FirstName2: "Anne", BirthDate: time.Date(1988, 2, 29, 0, 0, 0, 0, time.UTC), Sex: "F", BirthINSEE: "35238", BirthCommune: "Rennes"}, now))
	must(s.SaveCivilStatus(ctx, sys, accrochage.CivilStatus{UserID: users["Noël L'Hôte"], BirthName: "L'Hôte", FirstName1: "Noël",
		BirthDate: time.Date(1979, 12, 3, 0, 0, 0, 0, time.UTC), Sex: "M", BirthINSEE: "2a004"}, now))
	var fe *fielderr.Error
	for _, bad := range []accrochage.CivilStatus{
		{UserID: users["Partielle"], FirstName1: "P", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "F", BirthINSEE: "35238"},
		{UserID: users["Partielle"], BirthName: "P", FirstName1: "P", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "X", BirthINSEE: "35238"},
		{UserID: users["Partielle"], BirthName: "P", FirstName1: "P", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "F", BirthINSEE: "Rennes"},
		{UserID: users["Partielle"], BirthName: "P", FirstName1: "P", BirthDate: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "F", BirthINSEE: "35238"},
		{UserID: users["Partielle"], BirthName: strings.Repeat("é", 61), FirstName1: "P", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "F", BirthINSEE: "35238"},
		// Well formed but no commune of the official list has it.
		{UserID: users["Partielle"], BirthName: "P", FirstName1: "P", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "F", BirthINSEE: "35999"},
	} {
		if err := s.SaveCivilStatus(ctx, sys, bad, now); !errors.As(err, &fe) {
			t.Fatalf("état civil invalide accepté : %+v (%v)", bad, err)
		}
	}
	if cs, _ := s.CivilStatus(ctx, users["Partielle"]); cs != nil {
		t.Fatal("un état civil refusé a été enregistré")
	}

	ids := accrochage.IDs{Client: "ABCD1234", Contract: "MCFCER000123"}
	if _, _, err := s.Export(ctx, sys, &bytes.Buffer{}, accrochage.IDs{Client: "court"}, now, now, now); err == nil {
		t.Fatal("identifiant client invalide accepté")
	}
	var buf bytes.Buffer
	skipped, n, err := s.Export(ctx, sys, &buf, ids, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), now)
	must(err)
	if n != 2 || len(skipped) != 1 || skipped[0].Name != "Sans État-Civil" {
		t.Fatalf("déclarés %d, écartés %+v", n, skipped)
	}
	doc := buf.Bytes()
	xmllint(t, doc)
	for _, want := range []string{"<cpf:modaliteAcces>VAE</cpf:modaliteAcces>", "<cpf:voieAccessVAE>VAE_CLASSIQUE</cpf:voieAccessVAE>",
		"<cpf:modaliteAcces>FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION</cpf:modaliteAcces>", "<cpf:obtentionCertification>PAR_ADMISSION</cpf:obtentionCertification>",
		"<cpf:nomNaissance>L&#39;Hôte</cpf:nomNaissance>", `<cpf:nomUsage xsi:nil="true"></cpf:nomUsage>`, "<cpf:codeInsee>2A004</cpf:codeInsee>",
		"<cpf:jourNaissance>29</cpf:jourNaissance>", "<cpf:idTechnique>RNCP37779-2025-00001</cpf:idTechnique>", "<cpf:dateDebutExamen>2025-06-12</cpf:dateDebutExamen>"} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Fatalf("%s absent du flux :\n%s", want, doc)
		}
	}
	// Sent again, the same awards carry the same idTechnique.
	var again bytes.Buffer
	_, _, err = s.Export(ctx, sys, &again, ids, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), now.Add(time.Hour))
	must(err)
	techIDs := func(b []byte) string {
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, "idTechnique") {
				out = append(out, strings.TrimSpace(l))
			}
		}
		return strings.Join(out, ",")
	}
	if techIDs(doc) != techIDs(again.Bytes()) || techIDs(doc) == "" {
		t.Fatalf("identifiants techniques instables : %s / %s", techIDs(doc), techIDs(again.Bytes()))
	}
	var audited int
	if err := d.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'accrochage.exported'`); err != nil {
		t.Fatal(err)
	}
	if audited != 2 {
		t.Fatalf("%d exports audités", audited)
	}
	// The schema wants at least one certification: an empty period is
	// refused, and writes nothing.
	var empty bytes.Buffer
	if _, _, err := s.Export(ctx, sys, &empty, ids, now, now, now); !errors.Is(err, accrochage.ErrNothing) || empty.Len() != 0 {
		t.Fatalf("période vide : %v, %d octets", err, empty.Len())
	}
}
