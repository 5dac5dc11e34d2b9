package mail

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
	"acquis/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

func enqueue(t *testing.T, d *sqlx.DB, n int) {
	t.Helper()
	ctx := context.Background()
	if err := db.InTx(ctx, d, func(tx *sqlx.Tx) error {
		for i := 0; i < n; i++ {
			if _, err := Enqueue(ctx, tx, Message{To: "x@exemple.fr", Subject: "Essai", Body: "Bonjour"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestTwoWorkersSendEachMessageOnce: two workers on their own connection
// pools (as two acquis processes would be) drain one queue together; every
// message is sent exactly once.
func TestTwoWorkersSendEachMessageOnce(t *testing.T) {
	ctx := context.Background()
	dsn := dbtest.DSN(t)
	pools := make([]*sqlx.DB, 2)
	for i := range pools {
		p, err := db.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		pools[i] = p
	}
	enqueue(t, pools[0], 60)
	var mu sync.Mutex
	sent := map[int64]int{}
	var wg sync.WaitGroup
	total := make([]int, 2)
	for i, p := range pools {
		s := NewSender(p, "", "", slog.New(slog.NewTextHandler(io.Discard, nil)))
		s.send = func(m Outboxed) error {
			time.Sleep(time.Millisecond) // a mail server takes its time
			mu.Lock()
			sent[m.ID]++
			mu.Unlock()
			return nil
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.DeliverDue(ctx)
			if err != nil {
				t.Error(err)
			}
			total[i] = n
		}()
	}
	wg.Wait()
	if len(sent) != 60 {
		t.Fatalf("%d messages envoyés sur 60", len(sent))
	}
	for id, n := range sent {
		if n != 1 {
			t.Errorf("message %d envoyé %d fois", id, n)
		}
	}
	var unsent int
	if err := pools[0].Get(&unsent, `SELECT count(*) FROM outbox WHERE sent_at IS NULL`); err != nil || unsent != 0 {
		t.Fatalf("%d messages non marqués envoyés (%v)", unsent, err)
	}
	t.Logf("partage entre les deux : %d / %d", total[0], total[1])
}

// TestFailureRetriedWithBackoff: a failed send is kept with its error and
// tried again later, with a growing delay, and given up after MaxAttempts.
func TestFailureRetriedWithBackoff(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	enqueue(t, d, 1)
	s := NewSender(d, "", "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	fails := 0
	s.send = func(Outboxed) error { fails++; return errors.New("connexion refusée") }
	if n, err := s.DeliverDue(ctx); err != nil || n != 0 || fails != 1 {
		t.Fatalf("premier essai : %d envoyés, %d échecs, %v", n, fails, err)
	}
	var row struct {
		Attempts int     `db:"attempts"`
		Error    string  `db:"error"`
		Wait     float64 `db:"wait"`
	}
	if err := d.Get(&row, `SELECT attempts, error, extract(epoch FROM next_attempt_at - now()) AS wait FROM outbox`); err != nil {
		t.Fatal(err)
	}
	if row.Attempts != 1 || row.Error != "connexion refusée" || row.Wait < 20 || row.Wait > 31 {
		t.Fatalf("après un échec : %+v", row)
	}
	// Not due yet: nothing is tried.
	if _, err := s.DeliverDue(ctx); err != nil || fails != 1 {
		t.Fatalf("réessayé avant l'heure : %d échecs, %v", fails, err)
	}
	for i := 2; i <= MaxAttempts; i++ {
		if _, err := d.Exec(`UPDATE outbox SET next_attempt_at = now()`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var gaveUp bool
	if err := d.Get(&gaveUp, `SELECT gave_up_at IS NOT NULL FROM outbox`); err != nil || !gaveUp || fails != MaxAttempts {
		t.Fatalf("abandon après %d essais : %v (%d échecs) %v", MaxAttempts, gaveUp, fails, err)
	}
	if retryAfter(1) != 30*time.Second || retryAfter(2) != time.Minute || retryAfter(20) != time.Hour {
		t.Fatalf("délais : %v %v %v", retryAfter(1), retryAfter(2), retryAfter(20))
	}
	// A message that finally goes through is marked sent.
	enqueue(t, d, 1)
	s.send = func(Outboxed) error { return nil }
	if n, err := s.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("envoi : %d %v", n, err)
	}
}
