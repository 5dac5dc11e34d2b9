package referentiel

import (
	"context"
	"errors"
	"strings"
	"testing"

	"acquis/internal/audit"
	"acquis/internal/db/dbtest"
	"acquis/referentiels"
)

// TestTemplates: the certifier's template for a deliverable (issue 18 #6)
// is recorded with its audit row, a new one supersedes it while the old
// one stays, only a deliverable of the certification takes one, and
// neither the row nor the history can be changed.
func TestTemplates(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := NewStore(d)
	ctx := context.Background()
	certs, err := ParseFS(referentiels.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, certs); err != nil {
		t.Fatal(err)
	}
	var uid int64
	if err := d.Get(&uid, `INSERT INTO users (email, full_name) VALUES ('certif@exemple.fr', 'Certificateur') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	who := audit.Actor{UserID: uid, Role: "admin"}
	if _, err := s.Template(ctx, "RNCP36625", "RNCP36625BC01-D01"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("aucun modèle au départ : %v", err)
	}
	add := func(code, sha string) (Template, error) {
		return s.AddTemplate(ctx, who, Template{CertificationCode: "RNCP36625", DeliverableCode: code, FileName: "modèle mémoire.docx",
			SHA256: strings.Repeat(sha, 64), Size: 4096, Kind: "docx", MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
	}
	if _, err := add("RNCP36625BC01-D01", "a"); err != nil {
		t.Fatal(err)
	}
	second, err := add("RNCP36625BC01-D01", "b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := add("RNCP37779BC01-D01", "c"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("livrable d'une autre certification accepté : %v", err)
	}
	cur, err := s.Template(ctx, "RNCP36625", "RNCP36625BC01-D01")
	if err != nil || cur.ID != second.ID || cur.SHA256 != strings.Repeat("b", 64) {
		t.Fatalf("modèle en vigueur : %+v %v", cur, err)
	}
	all, err := s.Templates(ctx, "RNCP36625")
	if err != nil || len(all) != 1 || all["RNCP36625BC01-D01"].ID != second.ID {
		t.Fatalf("modèles : %+v %v", all, err)
	}
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'referentiel.template' AND actor_id = $1`, uid); err != nil || n != 2 {
		t.Fatalf("%d lignes d'audit (%v)", n, err)
	}
	if _, err := d.Exec(`UPDATE deliverable_templates SET file_name = 'x' WHERE id = $1`, second.ID); err == nil {
		t.Fatal("un modèle enregistré se modifie")
	}
	if err := d.Get(&n, `SELECT count(*) FROM deliverable_templates`); err != nil || n != 2 {
		t.Fatalf("historique : %d (%v)", n, err)
	}
}
