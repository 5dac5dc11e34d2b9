package audit

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
	"acquis/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

func record(t *testing.T, d *sqlx.DB, e Entry) {
	t.Helper()
	if err := RecordNow(context.Background(), d, e); err != nil {
		t.Fatal(err)
	}
}

func verifyOK(t *testing.T, d *sqlx.DB, rows int64) {
	t.Helper()
	res, err := Verify(context.Background(), d)
	if err != nil || !res.OK || res.Rows != rows {
		t.Fatalf("vérification : %+v %v (attendu %d lignes)", res, err, rows)
	}
}

func TestChainAndTamperDetection(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	record(t, d, Entry{ActorID: 7, ActorRole: "admin", Action: "user.create", Entity: "user", EntityID: "12", IP: "192.0.2.1",
		Change: map[string]any{"nom": "Éloïse « test »", "n": 1.5, "nested": map[string]any{"b": []int{1, 2}, "a": nil}}})
	err := db.InTx(ctx, d, func(tx *sqlx.Tx) error {
		for i := 0; i < 3; i++ {
			if err := Record(ctx, tx, Entry{Action: "x.y", Entity: "thing", EntityID: fmt.Sprint(i), IP: "not an ip"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A rolled-back transaction leaves no row.
	_ = db.InTx(ctx, d, func(tx *sqlx.Tx) error {
		if err := Record(ctx, tx, Entry{Action: "rolled.back", Entity: "thing"}); err != nil {
			return err
		}
		return fmt.Errorf("annulé")
	})
	record(t, d, Entry{Action: "after.rollback", Entity: "thing", IP: "2001:db8::1"})
	verifyOK(t, d, 5)

	// The database refuses changes.
	for _, q := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := d.Exec(q); err == nil {
			t.Fatalf("%s accepté", q)
		}
	}
	// An attacker with superuser rights bypasses the triggers: the chain
	// still tells.
	super := dbtest.Superuser(t, d)
	tamper := func(q string) {
		t.Helper()
		tx := super.MustBegin()
		tx.MustExec(`SET LOCAL session_replication_role = replica`)
		tx.MustExec(q)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	if err := d.Select(&ids, `SELECT id FROM audit_log ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	tamper(fmt.Sprintf(`UPDATE audit_log SET change = '{"nom":"autre"}' WHERE id = %d`, ids[0]))
	res, err := Verify(ctx, d)
	if err != nil || res.OK || res.FirstBadID != ids[0] {
		t.Fatalf("modification non détectée : %+v", res)
	}
}

func TestDeletionDetected(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	for i := 0; i < 4; i++ {
		record(t, d, Entry{Action: "a", Entity: "e", EntityID: fmt.Sprint(i)})
	}
	if n, err := Seal(context.Background(), d); err != nil || n != 4 {
		t.Fatalf("scellement : %d %v", n, err)
	}
	var ids []int64
	if err := d.Select(&ids, `SELECT id FROM audit_log ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	tx := dbtest.Superuser(t, d).MustBegin()
	tx.MustExec(`SET LOCAL session_replication_role = replica`)
	tx.MustExec(`DELETE FROM audit_log WHERE id = $1`, ids[1])
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	res, _ := Verify(context.Background(), d)
	if res.OK || res.FirstBadID != ids[2] {
		t.Fatalf("suppression non détectée : %+v", res)
	}
}

// TestSealingOnlyOnce: the guard lets the sealer fill the chain fields of
// an unsealed row, once, and nothing else.
func TestSealingOnlyOnce(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	record(t, d, Entry{Action: "a", Entity: "e"})
	if _, err := d.Exec(`UPDATE audit_log SET action = 'b'`); err == nil {
		t.Fatal("ligne non scellée modifiée")
	}
	if _, err := d.Exec(`UPDATE audit_log SET action = 'b', chain_seq = 1, prev_hash = 'x', hash = 'y'`); err == nil {
		t.Fatal("scellement avec modification du contenu accepté")
	}
	if n, _ := Seal(context.Background(), d); n != 1 {
		t.Fatal("scellement")
	}
	if _, err := d.Exec(`UPDATE audit_log SET chain_seq = 2, prev_hash = 'x', hash = 'y'`); err == nil {
		t.Fatal("second scellement accepté")
	}
	if n, _ := Seal(context.Background(), d); n != 0 {
		t.Fatal("ligne scellée deux fois")
	}
}

func TestConcurrentAppends(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- RecordNow(context.Background(), d, Entry{Action: "concurrent", Entity: "e", EntityID: fmt.Sprint(i)})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	verifyOK(t, d, 20)
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	record(t, d, Entry{ActorID: 1, Action: "candidacy.create", Entity: "candidacy", EntityID: "5"})
	record(t, d, Entry{ActorID: 1, Action: "candidacy.transition", Entity: "candidacy", EntityID: "5"})
	record(t, d, Entry{ActorID: 2, Action: "user.login", Entity: "user", EntityID: "2"})
	record(t, d, Entry{ActorID: 2, Action: "candidacy_x", Entity: "other"})
	rows, total, err := List(ctx, d, Filter{Action: "candidacy."})
	if err != nil || total != 2 || len(rows) != 2 || rows[0].Action != "candidacy.transition" {
		t.Fatalf("préfixe : %d %+v %v", total, rows, err)
	}
	if _, total, _ := List(ctx, d, Filter{ActorID: 2}); total != 2 {
		t.Fatalf("acteur : %d", total)
	}
	if _, total, _ := List(ctx, d, Filter{Entity: "candidacy", EntityID: "5"}); total != 2 {
		t.Fatalf("objet : %d", total)
	}
	if _, total, _ := List(ctx, d, Filter{From: time.Now().Add(time.Hour)}); total != 0 {
		t.Fatalf("date : %d", total)
	}
	rows, total, _ = List(ctx, d, Filter{Limit: 1, Offset: 1})
	if total != 4 || len(rows) != 1 {
		t.Fatalf("pagination : %d %d", total, len(rows))
	}
}

func BenchmarkRecord(b *testing.B) {
	d := dbtest.New(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := RecordNow(ctx, d, Entry{ActorID: 1, Action: "bench", Entity: "e", Change: map[string]int{"i": i}}); err != nil {
			b.Fatal(err)
		}
	}
}
