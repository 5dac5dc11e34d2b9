package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db/dbtest"
)

// tamperAsSuperuser runs q with every trigger off, as an attacker holding
// the database's superuser would.
func tamperAsSuperuser(t *testing.T, d *sqlx.DB, q string, args ...any) {
	t.Helper()
	tx := dbtest.Superuser(t, d).MustBegin()
	tx.MustExec(`SET LOCAL session_replication_role = replica`)
	tx.MustExec(q, args...)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestForgedRowReported: a row inserted by SQL, not by acquis, before the
// sealer runs gets sealed like any other, but carries no valid MAC:
// verify names it.
func TestForgedRowReported(t *testing.T) {
	t.Parallel()
	for name, forged := range map[string]string{
		"sans MAC":       `INSERT INTO audit_log (actor_id, action, entity, entity_id) VALUES (2, 'user.login', 'user', '2') RETURNING id`,
		"MAC d'un autre": `INSERT INTO audit_log (actor_id, action, entity, entity_id, mac) VALUES (2, 'user.login', 'user', '2', (SELECT mac FROM audit_log ORDER BY id LIMIT 1)) RETURNING id`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			record(t, d, Entry{ActorID: 1, Action: "user.login", Entity: "user", EntityID: "1"})
			var id int64
			if err := d.Get(&id, forged); err != nil { // the serving role may insert: the MAC is the check
				t.Fatal(err)
			}
			record(t, d, Entry{ActorID: 1, Action: "user.logout", Entity: "user", EntityID: "1"})
			// The sealer seals it (the chain goes on) and reports it at once.
			n, err := Seal(context.Background(), d)
			var forgedErr *ForgedError
			if n != 3 || !errors.As(err, &forgedErr) || len(forgedErr.IDs) != 1 || forgedErr.IDs[0] != id {
				t.Fatalf("scellement : %d %v", n, err)
			}
			res, err := Verify(context.Background(), d)
			if err != nil || res.OK || res.FirstBadID != id || !strings.Contains(res.Reason, "pas été écrite par acquis") {
				t.Fatalf("ligne forgée non signalée : %+v %v", res, err)
			}
		})
	}
}

// TestRechainWithoutKeyDetected: an attacker who changes a row and
// recomputes the chain with the (public) unkeyed algorithm is caught: the
// chain is keyed.
func TestRechainWithoutKeyDetected(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	for i := 0; i < 3; i++ {
		record(t, d, Entry{Action: "a", Entity: "e", EntityID: fmt.Sprint(i)})
	}
	verifyOK(t, d, 3)
	var r Row
	if err := d.Get(&r, `SELECT `+rowColumns+` FROM audit_log WHERE chain_seq = 3`); err != nil {
		t.Fatal(err)
	}
	r.EntityID = "autre"
	tamperAsSuperuser(t, d, `UPDATE audit_log SET entity_id = $1, hash = $2 WHERE id = $3`, r.EntityID, rowHash(r), r.ID)
	res, _ := Verify(context.Background(), d)
	if res.OK || res.FirstBadID != r.ID {
		t.Fatalf("chaîne recalculée sans la clé acceptée : %+v", res)
	}
}

// TestTailDeletionDetected: removing the newest sealed rows leaves a chain
// that is intact by itself; the head written outside the database when
// they were sealed tells. Not parallel: it sets the process's heads file.
func TestTailDeletionDetected(t *testing.T) {
	heads := filepath.Join(t.TempDir(), HeadsFile)
	key := currentKey()
	Configure(key, heads)
	t.Cleanup(func() { Configure(key, "") })
	d := dbtest.New(t)
	for i := 0; i < 5; i++ {
		record(t, d, Entry{Action: "a", Entity: "e", EntityID: fmt.Sprint(i)})
		if _, err := Seal(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	verifyOK(t, d, 5)
	b, err := os.ReadFile(heads)
	if err != nil || strings.Count(string(b), "\n") != 5 {
		t.Fatalf("têtes enregistrées : %q %v", b, err)
	}
	head, err := LastHead(context.Background(), d)
	if err != nil || head.Seq != 5 {
		t.Fatalf("tête : %+v %v", head, err)
	}
	tamperAsSuperuser(t, d, `DELETE FROM audit_log WHERE chain_seq > 3`)
	res, err := Verify(context.Background(), d)
	if err != nil || res.OK || !strings.Contains(res.Reason, "ont disparu") {
		t.Fatalf("suppression de la fin non détectée : %+v %v", res, err)
	}
	if err := CheckHead(context.Background(), d, head); err == nil {
		t.Fatal("tête imprimée introuvable mais acceptée")
	}
}

// TestLoadKey: generated once, mode 0600, stable; a key readable by
// others is refused; the environment's key wins.
func TestLoadKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k1, err := LoadKey(dir, "")
	if err != nil || len(k1) != 32 {
		t.Fatalf("clé : %v", err)
	}
	st, _ := os.Stat(filepath.Join(dir, KeyFile))
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	if k2, _ := LoadKey(dir, ""); string(k2) != string(k1) {
		t.Fatal("clé régénérée")
	}
	if k, _ := LoadKey(dir, strings.Repeat("k", 40)); string(k) != strings.Repeat("k", 40) {
		t.Fatal("ACQUIS_AUDIT_KEY ignorée")
	}
	os.Chmod(filepath.Join(dir, KeyFile), 0o644)
	if _, err := LoadKey(dir, ""); err == nil {
		t.Fatal("clé lisible par tous acceptée")
	}
}

// TestLegacyRowsStillVerify: rows written and sealed before keyed sealing
// (no MAC, unkeyed hash) verify as long as they lie within audit_legacy;
// a MAC-less row after it is reported.
func TestLegacyRowsStillVerify(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	var r Row
	super := dbtest.Superuser(t, d)
	if err := super.Get(&r, `INSERT INTO audit_log (action, entity) VALUES ('ancien', 'e') RETURNING `+rowColumns); err != nil {
		t.Fatal(err)
	}
	seq := int64(1)
	r.ChainSeq, r.PrevHash = &seq, genesis
	tamperAsSuperuser(t, d, `UPDATE audit_log SET chain_seq = 1, prev_hash = $1, hash = $2 WHERE id = $3`, genesis, rowHash(r), r.ID)
	tamperAsSuperuser(t, d, `UPDATE audit_legacy SET last_id = $1`, r.ID)
	record(t, d, Entry{Action: "nouveau", Entity: "e"})
	verifyOK(t, d, 2)
	var id int64
	if err := d.Get(&id, `INSERT INTO audit_log (action, entity) VALUES ('forgé', 'e') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if res, _ := Verify(context.Background(), d); res.OK || res.FirstBadID != id {
		t.Fatalf("ligne sans MAC après la migration acceptée : %+v", res)
	}
}
