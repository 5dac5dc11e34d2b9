package generation

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// fixture is a database with one platform and two staff rows.
type fixture struct {
	d      *sqlx.DB
	r      *Reader
	a, b   int64 // two staff rows
	org    int64
	ctx    context.Context
	tb     testing.TB
	before Generations
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	t.Parallel()
	f := &fixture{d: dbtest.New(t), ctx: context.Background(), tb: t}
	f.r = NewReader(f.d)
	if err := f.d.Get(&f.org, `INSERT INTO organisations (kind, name, departement_code, region_code) VALUES ('platform', 'Plateforme du Gers', '32', '76') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	for _, id := range []*int64{&f.a, &f.b} {
		if err := f.d.Get(id, `INSERT INTO staff (platform_id, full_name, function, fte, hired_on, status) VALUES ($1, 'Conseiller', 'conseiller', 1, '2021-05-01', 'not_engaged') RETURNING id`, f.org); err != nil {
			t.Fatal(err)
		}
	}
	f.before = f.read()
	return f
}

func (f *fixture) read() Generations {
	f.tb.Helper()
	g, err := f.r.Read(f.ctx)
	if err != nil {
		f.tb.Fatal(err)
	}
	return g
}

// TestBumpedOncePerCommittedTransaction: a transaction writing many rows
// of a table the national view reads raises its generation by one, and
// only its own; a rolled-back one raises nothing; a write the view does
// not read (an account's name, a candidacy's updated_at) raises nothing.
func TestBumpedOncePerCommittedTransaction(t *testing.T) {
	f := newFixture(t)
	tx := f.d.MustBegin()
	for range 5 {
		tx.MustExec(`INSERT INTO staff (platform_id, full_name, function, fte, hired_on, status) VALUES ($1, 'Importé', 'conseiller', 1, '2022-01-01', 'not_engaged')`, f.org)
	}
	tx.MustExec(`UPDATE staff SET fte = 0.5 WHERE platform_id = $1`, f.org)
	if g := f.read(); g != f.before {
		t.Fatalf("raised before the commit: %+v", g)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want := Generations{Pilotage: f.before.Pilotage + 1, Referentiels: f.before.Referentiels}
	if g := f.read(); g != want {
		t.Fatalf("after one transaction of 6 statements: %+v, want %+v", g, want)
	}
	tx = f.d.MustBegin()
	tx.MustExec(`DELETE FROM staff WHERE id = $1`, f.a)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var user int64
	if err := f.d.Get(&user, `INSERT INTO users (email, full_name, organisation_id) VALUES ('x@gers.fr', 'X', $1) RETURNING id`, f.org); err != nil {
		t.Fatal(err)
	}
	want.Pilotage++ // a new account
	f.d.MustExec(`UPDATE users SET full_name = 'Y', email = 'y@gers.fr' WHERE id = $1`, user)
	if g := f.read(); g != want {
		t.Fatalf("after a rollback and a change of name: %+v, want %+v", g, want)
	}
	f.d.MustExec(`UPDATE users SET organisation_id = NULL WHERE id = $1`, user)
	want.Pilotage++
	if g := f.read(); g != want {
		t.Fatalf("after an account left its platform: %+v, want %+v", g, want)
	}
}

// TestWritersDoNotDeadlock: the bump is the last lock a transaction
// takes (at commit), so writers that wait for each other's rows never
// wait for it while holding it. T1 updates row A, T2 row B, T1 then
// row B (it waits for T2), T2 commits, T1 commits: with the counter
// raised by an ordinary trigger, T1 would hold the counter row while
// waiting for B and T2 would wait for the counter at its next write or
// its commit — a deadlock. Then many writers at once: every commit
// counted, none refused.
func TestWritersDoNotDeadlock(t *testing.T) {
	f := newFixture(t)
	t1, t2 := f.d.MustBegin(), f.d.MustBegin()
	// Without this design the test would hang rather than fail: a lock
	// wait gives up after a while.
	t1.MustExec(`SET LOCAL lock_timeout = '20s'`)
	t2.MustExec(`SET LOCAL lock_timeout = '20s'`)
	t1.MustExec(`UPDATE staff SET fte = 0.9 WHERE id = $1`, f.a)
	if _, err := t2.Exec(`UPDATE staff SET fte = 0.8 WHERE id = $1`, f.b); err != nil {
		t.Fatalf("T2 waits for T1: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		if _, err := t1.Exec(`UPDATE staff SET fte = 0.7 WHERE id = $1`, f.b); err != nil {
			done <- err
			return
		}
		done <- t1.Commit()
	}()
	// T2 commits once T1 waits for row B.
	for waiting := 0; waiting == 0; time.Sleep(time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("T1 did not wait for row B: %v", err)
		default:
		}
		if err := f.d.Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
	}
	if err := t2.Commit(); err != nil {
		t.Fatalf("T2: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("T1: %v", err)
	}
	if g := f.read(); g.Pilotage != f.before.Pilotage+2 {
		t.Fatalf("two commits: %+v from %+v", g, f.before)
	}

	// Many writers, each updating both rows in its own order.
	const writers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				first, second := f.a, f.b
				if (w+i)%2 == 1 {
					first, second = f.b, f.a
				}
				err := func() error {
					tx, err := f.d.Beginx()
					if err != nil {
						return err
					}
					defer tx.Rollback()
					// Lock both rows in one order first, as a writer that
					// must touch two rows does, then write them in its own.
					if _, err := tx.Exec(`SELECT id FROM staff WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, f.a, f.b); err != nil {
						return err
					}
					for _, id := range []int64{first, second} {
						if _, err := tx.Exec(`UPDATE staff SET fte = 0.6 + random() * 0.3 WHERE id = $1`, id); err != nil {
							return err
						}
					}
					return tx.Commit()
				}()
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("writer: %v", err)
	}
	if g := f.read(); g.Pilotage != f.before.Pilotage+2+writers*each {
		t.Fatalf("after %d commits: %+v from %+v", writers*each, g, f.before)
	}
}

// TestServingRoleCannotWriteGenerations: the counters are raised by the
// triggers only; the server's role may read them, not write them, and
// not even the owner may set one back or remove their row.
func TestServingRoleCannotWriteGenerations(t *testing.T) {
	f := newFixture(t)
	if _, err := f.d.Exec(`UPDATE cache_generations SET pilotage = 0`); err == nil {
		t.Fatal("the serving role wrote a generation")
	}
	if _, err := f.d.Exec(`SELECT bump_generation()`); err == nil {
		t.Fatal("the serving role called the trigger function")
	}
	owner := dbtest.Owner(t, f.d)
	for _, q := range []string{`UPDATE cache_generations SET pilotage = pilotage - 1`, `DELETE FROM cache_generations`, `TRUNCATE cache_generations`} {
		if _, err := owner.Exec(q); err == nil {
			t.Errorf("the owner could: %s", q)
		}
	}
	if _, err := owner.Exec(`UPDATE cache_generations SET referentiels = referentiels + 1`); err != nil {
		t.Errorf("a counter cannot rise: %v", err)
	}
}

func TestCacheKeepsUntilNewerGeneration(t *testing.T) {
	var c Cache[string, int]
	calls := 0
	compute := func(v int) func() (int, error) { return func() (int, error) { calls++; return v, nil } }
	if v, _ := c.Get(3, "k", compute(30)); v != 30 {
		t.Fatal(v)
	}
	if v, _ := c.Get(3, "k", compute(31)); v != 30 || calls != 1 {
		t.Fatalf("same generation: %d after %d computations", v, calls)
	}
	// A request that read an older generation may have the newer result.
	if v, _ := c.Get(2, "k", compute(20)); v != 30 || calls != 1 {
		t.Fatalf("older generation: %d after %d computations", v, calls)
	}
	if v, _ := c.Get(4, "k", compute(40)); v != 40 || calls != 2 {
		t.Fatalf("newer generation: %d after %d computations", v, calls)
	}
	if v, _ := c.Get(4, "other", compute(41)); v != 41 || c.Len() != 2 {
		t.Fatalf("another key: %d, %d kept", v, c.Len())
	}
	if _, _ = c.Get(5, "other", compute(51)); c.Len() != 1 {
		t.Fatalf("a newer generation keeps %d results", c.Len())
	}
	boom := errors.New("boom")
	if _, err := c.Get(6, "k", func() (int, error) { return 0, boom }); err != boom {
		t.Fatal(err)
	}
	if v, _ := c.Get(6, "k", compute(60)); v != 60 {
		t.Fatalf("a failed computation was kept: %d", v)
	}
}

// TestCacheComputesOnce: requests asking for the same key and generation
// at once wait for one computation; a panicking computation releases them.
func TestCacheComputesOnce(t *testing.T) {
	var c Cache[string, int]
	var mu sync.Mutex
	calls := 0
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Get(1, "k", func() (int, error) {
				mu.Lock()
				calls++
				mu.Unlock()
				<-release
				return 7, nil
			})
			if v != 7 || err != nil {
				t.Errorf("%d %v", v, err)
			}
		}()
	}
	close(release)
	wg.Wait()
	if calls != 1 {
		t.Fatalf("%d computations", calls)
	}
	started := make(chan struct{})
	go func() {
		defer func() { _ = recover() }()
		_, _ = c.Get(2, "p", func() (int, error) { close(started); time.Sleep(10 * time.Millisecond); panic("boom") })
	}()
	<-started
	if v, err := c.Get(2, "p", func() (int, error) { return 9, nil }); v != 9 || err != nil {
		t.Fatalf("after a panic: %d %v", v, err)
	}
}
