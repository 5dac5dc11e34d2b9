package referentiel

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/db/dbtest"
	"acquis/referentiels"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

func TestLoadIdempotentAndVersioned(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := NewStore(d)
	ctx := context.Background()
	certs, err := ParseFS(referentiels.FS)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Load(ctx, certs)
	if err != nil || len(res) != 2 || !res[0].Created {
		t.Fatalf("premier chargement : %+v %v", res, err)
	}
	again, err := s.Load(ctx, certs)
	if err != nil || again[0].Created || again[0].VersionID != res[0].VersionID {
		t.Fatalf("second chargement : %+v %v", again, err)
	}
	var versions int
	if err := d.Get(&versions, `SELECT count(*) FROM certification_versions`); err != nil {
		t.Fatal(err)
	}
	if versions != 2 {
		t.Fatalf("%d versions", versions)
	}
	// A changed file becomes a new version; the old one stays as it was.
	data, _ := referentiels.FS.ReadFile("rncp37779.yaml")
	changed, err := Parse("rncp37779.yaml", []byte(strings.Replace(string(data), "title: Conseiller en emploi accompagné", "title: Conseiller en emploi accompagné (v2)", 1)))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.Load(ctx, []*Certification{changed})
	if err != nil || !r2[0].Created || r2[0].VersionID == res[1].VersionID {
		t.Fatalf("nouvelle version : %+v %v", r2, err)
	}
	cur, err := s.Certification(ctx, "RNCP37779")
	if err != nil || cur.Title != "Conseiller en emploi accompagné (v2)" {
		t.Fatalf("version courante : %v %v", cur, err)
	}
	var old *Certification
	for _, r := range res {
		if r.Code == "RNCP37779" {
			old, err = s.Version(ctx, r.VersionID)
		}
	}
	if err != nil || old.Title != "Conseiller en emploi accompagné" || len(old.Blocks) != 3 || len(old.Blocks[0].Criteria) != 9 {
		t.Fatalf("ancienne version : %+v %v", old, err)
	}
	// Versions are frozen in the database itself.
	for _, q := range []string{
		`UPDATE criteria SET label = 'modifié'`,
		`DELETE FROM blocks`,
		`UPDATE certification_versions SET title = 'x'`,
	} {
		if _, err := d.Exec(q); err == nil {
			t.Errorf("%s accepté", q)
		}
	}
	if _, err := s.Certification(ctx, "RNCP99999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("inconnu : %v", err)
	}
}

func TestRoundTripKeepsOrderAndContent(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := NewStore(d)
	ctx := context.Background()
	certs, _ := ParseFS(referentiels.FS)
	if _, err := s.Load(ctx, certs); err != nil {
		t.Fatal(err)
	}
	for _, want := range certs {
		got, err := s.Certification(ctx, want.Code)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range want.Blocks {
			gb := got.Blocks[i]
			if gb.Code != b.Code || len(gb.Criteria) != len(b.Criteria) || len(gb.Activities) != len(b.Activities) {
				t.Fatalf("%s : bloc %d", want.Code, i)
			}
			for j := range b.Criteria {
				if gb.Criteria[j] != b.Criteria[j] {
					t.Errorf("%s : %+v ≠ %+v", b.Code, gb.Criteria[j], b.Criteria[j])
				}
			}
			for j, del := range b.Deliverables {
				g := gb.Deliverables[j]
				if g.Code != del.Code || g.MaxPages != del.MaxPages || g.Upload != del.Upload || strings.Join(g.AcceptedTypes, ",") != strings.Join(del.AcceptedTypes, ",") || len(g.Contents) != len(del.Contents) {
					t.Errorf("%s : livrable %+v ≠ %+v", b.Code, g, del)
				}
			}
			for j, cp := range b.Competences {
				if gb.Competences[j].Label != cp.Label || len(gb.Competences[j].Items) != len(cp.Items) {
					t.Errorf("%s : compétence %d", b.Code, j)
				}
			}
		}
		if len(got.Prerequisites) != len(want.Prerequisites) {
			t.Errorf("%s : prérequis", want.Code)
		}
	}
	list, err := s.Certifications(ctx)
	if err != nil || len(list) != 2 || list[0].Criteria != 52 || list[1].Criteria != 17 {
		t.Fatalf("liste : %+v %v", list, err)
	}
}

// TestConcurrentLoaders: two instances starting at once load the same
// files without creating two versions.
func TestConcurrentLoaders(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	certs, _ := ParseFS(referentiels.FS)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = NewStore(d).Load(context.Background(), certs)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var versions int
	if err := d.Get(&versions, `SELECT count(*) FROM certification_versions`); err != nil {
		t.Fatal(err)
	}
	if versions != 2 {
		t.Fatalf("%d versions après chargements concurrents", versions)
	}
}

// TestMigrationsRerunAndConcurrent: migrating an up-to-date database does
// nothing; two migrators at once on an empty one take turns.
func TestMigrationsRerunAndConcurrent(t *testing.T) {
	t.Parallel()
	// Migrations run as the schema's owner, as `acquis migrate` does.
	d := dbtest.Owner(t, dbtest.New(t))
	n, err := db.Migrate(context.Background(), d, nil)
	if err != nil || n != 0 {
		t.Fatalf("seconde migration : %d %v", n, err)
	}
	// An empty database: drop the schema and migrate from two pools.
	if _, err := d.Exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	counts := make([]int, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			counts[i], errs[i] = db.Migrate(context.Background(), d, nil)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if counts[0]+counts[1] == 0 || (counts[0] != 0 && counts[1] != 0) {
		t.Fatalf("migrations appliquées : %v (une instance applique tout, l'autre rien)", counts)
	}
	var tables int
	if err := d.Get(&tables, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'audit_log'`); err != nil {
		t.Fatal(err)
	}
	if tables != 1 {
		t.Fatal("schéma incomplet")
	}
}

// TestInstallSurvivesRestart: a version the certifier installs from a file
// becomes current, is audited, and stays current when acquis restarts and
// loads its embedded référentiels again; a new embedded version (a new
// binary) takes over.
func TestInstallSurvivesRestart(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	s := NewStore(d)
	certs, err := ParseFS(referentiels.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, certs); err != nil {
		t.Fatal(err)
	}
	const code = "RNCP37779"
	data, err := fs.ReadFile(referentiels.FS, "rncp37779.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed, err := Parse("fichier.yaml", []byte(strings.Replace(string(data), "title: ", "title: Révisé — ", 1)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Install(ctx, changed, audit.Actor{Role: "cli"}, "fichier.yaml")
	if err != nil || !res.Created {
		t.Fatalf("install : %+v %v", res, err)
	}
	current := func() int64 {
		var id int64
		if err := d.GetContext(ctx, &id, `SELECT current_version_id FROM certifications WHERE code = $1`, code); err != nil {
			t.Fatal(err)
		}
		return id
	}
	if current() != res.VersionID {
		t.Fatal("la version installée n'est pas en vigueur")
	}
	var audited int
	if err := d.GetContext(ctx, &audited, `SELECT count(*) FROM audit_log WHERE action = 'referentiel.install'`); err != nil || audited != 1 {
		t.Fatalf("installation non auditée : %d %v", audited, err)
	}
	again, err := ParseFS(referentiels.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, again); err != nil {
		t.Fatal(err)
	}
	if current() != res.VersionID {
		t.Fatal("un redémarrage a remis la version intégrée en vigueur")
	}
	newer, err := Parse("rncp37779.yaml", []byte(strings.Replace(string(data), "title: ", "title: Nouvelle édition — ", 1)))

	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.Load(ctx, []*Certification{newer})
	if err != nil || !r2[0].Created || current() != r2[0].VersionID {
		t.Fatalf("une nouvelle version intégrée ne prend pas le relais : %+v %v", r2, err)
	}
}

// TestVersionReadOnce: a version is read from the database once, then
// served from memory (here, after its connection pool is closed), and a
// caller that changes what it got does not change what the next one gets.
func TestVersionReadOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := dbtest.DSN(t)
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	certs, err := ParseFS(referentiels.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewStore(d).Load(ctx, certs); err != nil {
		t.Fatal(err)
	}
	own, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(own)
	first, err := s.Version(ctx, certs[0].VersionID)
	if err != nil {
		t.Fatal(err)
	}
	own.Close()
	first.Blocks[0].Criteria[0].Label = "modifié par un appelant"
	first.Blocks = nil
	again, err := s.Version(ctx, certs[0].VersionID)
	if err != nil {
		t.Fatalf("la version n'est pas gardée en mémoire : %v", err)
	}
	if len(again.Blocks) == 0 || again.Blocks[0].Criteria[0].Label == "modifié par un appelant" {
		t.Fatal("un appelant a modifié la version gardée en mémoire")
	}
	fresh, err := NewStore(d).Version(ctx, certs[0].VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.ContentHash != again.ContentHash || len(fresh.Blocks) != len(again.Blocks) || fresh.Blocks[0].Criteria[0] != again.Blocks[0].Criteria[0] {
		t.Fatal("la version en mémoire diffère de la base")
	}
}
