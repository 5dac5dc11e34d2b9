package jury

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
	"acquis/internal/fielderr"
	"acquis/internal/portfolio"
)

// TestSessionDates: a session cannot be created at a past date, except
// recorded after the fact with a reason, which the session then carries;
// a reason on a session to come is refused. A bloc is never acquired, nor
// a certificate awarded, at a date to come: refused by portfolio.Acquire
// and by the database itself.
func TestSessionDates(t *testing.T) {
	f := newFx(t, "RNCP37779", "RNCP37779BC02")
	yesterday := time.Now().Add(-26 * time.Hour)
	n := NewSession{CertificationCode: "RNCP37779", StartsAt: yesterday, Place: "Rennes", DossierDeadline: yesterday.AddDate(0, 0, -14)}
	var ve *fielderr.Error
	if _, err := f.s.CreateSession(f.ctx, sys, n); !errors.As(err, &ve) || ve.Field != "date" || !strings.Contains(ve.Message, "passée") {
		t.Fatalf("session passée acceptée : %v", err)
	}
	n.PastReason = "Jury tenu le 12 sur papier, avant la mise en service d'acquis."
	id, err := f.s.CreateSession(f.ctx, sys, n)
	must(t, err)
	sess, err := f.s.Session(f.ctx, id)
	must(t, err)
	if !sess.RecordedAfter || sess.PastReason != n.PastReason {
		t.Fatalf("session enregistrée après coup : %+v", sess)
	}
	future := NewSession{CertificationCode: "RNCP37779", StartsAt: time.Now().AddDate(0, 1, 0), Place: "Rennes", DossierDeadline: time.Now().AddDate(0, 0, 10), PastReason: "x"}
	if _, err := f.s.CreateSession(f.ctx, sys, future); !errors.As(err, &ve) || ve.Field != "past_reason" {
		t.Fatalf("motif sur une session à venir : %v", err)
	}
	future.PastReason = ""
	id, err = f.s.CreateSession(f.ctx, sys, future)
	must(t, err)
	if sess, _ := f.s.Session(f.ctx, id); sess.RecordedAfter {
		t.Fatal("session à venir marquée après coup")
	}
	if _, err := f.d.Exec(`INSERT INTO jury_sessions (certification_code, starts_at, dossier_deadline, recorded_after) VALUES ('RNCP37779', now(), current_date, true)`); err == nil {
		t.Fatal("après coup sans motif accepté par la base")
	}

	tomorrow := time.Now().Add(30 * time.Hour)
	err = db.InTx(f.ctx, f.d, func(tx *sqlx.Tx) error {
		_, err := portfolio.Acquire(f.ctx, tx, sys, f.candidate, "RNCP37779", "RNCP37779BC01", tomorrow, "jury", "test", 0)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "jamais à une date à venir") {
		t.Fatalf("bloc acquis demain : %v", err)
	}
	for _, q := range []string{
		`INSERT INTO acquired_blocks (user_id, certification_code, block_code, acquired_on, how, source) VALUES ($1, 'RNCP37779', 'RNCP37779BC01', current_date + 2, 'jury', 'x')`,
		`INSERT INTO certificates (user_id, certification_code, number, awarded_on) VALUES ($1, 'RNCP37779', 'X-1', current_date + 2)`,
	} {
		if _, err := f.d.Exec(q, f.candidate); err == nil {
			t.Errorf("date à venir acceptée : %s", q)
		}
	}
	if _, err := f.d.Exec(`INSERT INTO acquired_blocks (user_id, certification_code, block_code, acquired_on, how, source) VALUES ($1, 'RNCP37779', 'RNCP37779BC01', current_date, 'jury', 'x')`, f.candidate); err != nil {
		t.Fatalf("bloc acquis aujourd'hui refusé : %v", err)
	}
}
