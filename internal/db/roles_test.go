package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
	"acquis/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// TestServingRoleCannotBypassGuards plays SQL injected into the server:
// with the serving role's connection, nothing may switch triggers off,
// alter the schema or reach a superuser's powers.
func TestServingRoleCannotBypassGuards(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	var super bool
	if err := d.Get(&super, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`); err != nil || super {
		t.Fatalf("la connexion de service est superutilisateur (%v)", err)
	}
	for _, q := range []string{
		`SET session_replication_role = replica`,
		`ALTER TABLE jury_minutes DISABLE TRIGGER jury_minutes_frozen`,
		`DROP TRIGGER deposits_frozen ON deposits`,
		`ALTER TABLE audit_log DISABLE TRIGGER USER`,
		`CREATE TABLE intruder (x int)`,
		`CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
		`ALTER FUNCTION project_results(bigint[]) SECURITY INVOKER`,
		`TRUNCATE jury_verdicts`,
		`DELETE FROM audit_log`,
		`UPDATE goose_db_version SET is_applied = false`,
	} {
		_, err := d.Exec(q)
		if err == nil {
			t.Errorf("accepté en rôle de service : %s", q)
		} else if !db.IsCode(err, "42501") {
			t.Errorf("%s : refusé, mais pas faute de droit : %v", q, err)
		}
	}
	if err := db.CheckServingRole(context.Background(), d); err != nil {
		t.Fatalf("rôle de service refusé : %v", err)
	}
}

// TestPrivilegedRolesRefusedForServing: the server will not run as the
// owner or a superuser, whose SQL could switch the guards off.
func TestPrivilegedRolesRefusedForServing(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	for name, p := range map[string]*sqlx.DB{"propriétaire": dbtest.Owner(t, d), "superutilisateur": dbtest.Superuser(t, d)} {
		err := db.CheckServingRole(context.Background(), p)
		if !errors.Is(err, db.ErrPrivilegedRole) {
			t.Errorf("%s accepté pour servir : %v", name, err)
		}
	}
}

// TestEveryTableGrantedToServingRole: every table of the schema, those of
// migrations to come included (default privileges), is readable by the
// serving role and, unless it is append-only or a projection, writable.
func TestEveryTableGrantedToServingRole(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	owner := dbtest.Owner(t, d)
	owner.MustExec(`CREATE TABLE later_migration (id bigserial PRIMARY KEY, x int)`)
	if _, err := d.Exec(`INSERT INTO later_migration (x) VALUES (1)`); err != nil {
		t.Fatalf("une table créée par une migration ultérieure n'est pas accessible au rôle de service : %v", err)
	}
	readOnly := map[string]bool{"goose_db_version": true, "results": true, "block_results": true, "audit_legacy": true,
		// Issue 12: the generations of kept results, raised by triggers only.
		"cache_generations": true}
	appendOnly := map[string]bool{"jury_minutes": true, "deposits": true, "certificates": true, "acquired_blocks": true,
		"certification_versions": true, "blocks": true, "competences": true, "deliverables": true, "criteria": true,
		// Issue 14: the annual indicator frozen, the certifier's list of equivalent certifications.
		"plan_freezes": true, "plan_snapshots": true, "equivalent_certifications": true,
		// Issue 18: the certifier's templates of deliverables (a new one supersedes).
		"deliverable_templates": true}
	var tables []string
	if err := d.Select(&tables, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	for _, tbl := range tables {
		var p struct {
			Sel, Ins, Upd, Del, Trunc bool
		}
		err := d.QueryRow(`SELECT has_table_privilege($1, 'SELECT'), has_table_privilege($1, 'INSERT'), has_table_privilege($1, 'UPDATE'),
			has_table_privilege($1, 'DELETE'), has_table_privilege($1, 'TRUNCATE')`, tbl).Scan(&p.Sel, &p.Ins, &p.Upd, &p.Del, &p.Trunc)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case !p.Sel:
			t.Errorf("%s : illisible pour le rôle de service", tbl)
		case p.Trunc:
			t.Errorf("%s : TRUNCATE accordé au rôle de service", tbl)
		case readOnly[tbl] && (p.Ins || p.Upd || p.Del):
			t.Errorf("%s : écriture accordée au rôle de service", tbl)
		case appendOnly[tbl] && (!p.Ins || p.Upd || p.Del):
			t.Errorf("%s : devrait être en ajout seul (insert %v, update %v, delete %v)", tbl, p.Ins, p.Upd, p.Del)
		case (tbl == "audit_log" || tbl == "documents") && (!p.Ins || !p.Upd || p.Del):
			t.Errorf("%s : ajout et mise à jour gardée seulement (insert %v, update %v, delete %v)", tbl, p.Ins, p.Upd, p.Del)
		case !readOnly[tbl] && !appendOnly[tbl] && tbl != "audit_log" && tbl != "documents" && !(p.Ins && p.Upd && p.Del):
			t.Errorf("%s : droits d'écriture manquants pour le rôle de service", tbl)
		}
	}
}

// TestTruncateRefusedEvenToOwner: TRUNCATE skips row triggers; signed and
// deposited data refuse it at statement level, whoever asks.
func TestTruncateRefusedEvenToOwner(t *testing.T) {
	t.Parallel()
	owner := dbtest.Owner(t, dbtest.New(t))
	for _, tbl := range []string{"jury_verdicts", "jury_block_decisions", "jury_outcomes", "jury_minutes", "jury_sessions",
		"certificates", "deposits", "acquired_blocks", "documents", "results", "block_results", "audit_log", "audit_legacy", "criteria"} {
		_, err := owner.Exec(`TRUNCATE ` + tbl + ` CASCADE`)
		if err == nil {
			t.Errorf("TRUNCATE %s accepté", tbl)
		} else if !strings.Contains(err.Error(), "écriture unique") {
			t.Errorf("TRUNCATE %s : %v", tbl, err)
		}
	}
}

// TestResultsWrittenOnlyByProjection: the serving role cannot write the
// projection at all, and the owner only through project_results.
func TestResultsWrittenOnlyByProjection(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	owner := dbtest.Owner(t, d)
	for _, q := range []string{
		`INSERT INTO results (session_id, candidacy_id, candidate_id, certification_code, session_date, pathways, outcome) VALUES (1, 1, 1, 'X', '2026-01-01', '{}', 'reussite_totale')`,
		`UPDATE results SET outcome = 'reussite_totale'`,
		`DELETE FROM block_results`,
		`UPDATE block_results SET decision = 'valide'`,
	} {
		if _, err := d.Exec(q); !db.IsCode(err, "42501") {
			t.Errorf("rôle de service : %s : %v", q, err)
		}
	}
	// The owner's hand-made write is refused by the trigger (no FK can
	// hide it: the row refers to nothing and the trigger fires first).
	if _, err := owner.Exec(`INSERT INTO results (session_id, candidacy_id, candidate_id, certification_code, session_date, pathways, outcome) VALUES (1, 1, 1, 'X', '2026-01-01', '{}', 'reussite_totale')`); err == nil || !strings.Contains(err.Error(), "projection") {
		t.Errorf("écriture à la main du propriétaire : %v", err)
	}
	// The projection itself still runs for the serving role.
	if _, err := d.Exec(`SELECT project_results('{1,2}')`); err != nil {
		t.Fatalf("project_results refusé au rôle de service : %v", err)
	}
}
