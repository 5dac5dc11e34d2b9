package accrochage_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"acquis/internal/accrochage"
	"acquis/internal/audit"
	"acquis/internal/db"
	"acquis/internal/db/dbtest"
	"acquis/internal/demo"
	"acquis/internal/jury"
)

// largeHistory writes sessions×perSession certified people on two
// certifications, each with a civil status, through the demo's bulk
// history writer.
func largeHistory(t *testing.T, d *sqlx.DB, sessions, perSession int) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, d, func(tx *sqlx.Tx) error {
		h, err := demo.NewHistory(ctx, tx)
		if err != nil {
			return err
		}
		var past []demo.PastSession
		key := 0
		for i := 0; i < sessions; i++ {
			cert := []string{"RNCP37779", "RNCP36625"}[i%2]
			blocks := h.Blocks(cert)
			pw, ok := map[string]string{}, map[string]string{}
			for _, b := range blocks {
				pw[b], ok[b] = []string{"vae", "formation"}[i%2], jury.Valide
			}
			s := demo.PastSession{Certification: cert, StartsAt: time.Date(2016+i%10, time.Month(1+i%12), 10, 9, 0, 0, 0, time.UTC), Place: "Rennes"}
			for j := 0; j < perSession; j++ {
				key++
				s.Candidacies = append(s.Candidacies, demo.PastCandidacy{Person: demo.Person{Key: key, Name: fmt.Sprintf("Personne %d", key)},
					Pathways: pw, Outcome: jury.ReussiteTotale, Decisions: ok})
			}
			past = append(past, s)
		}
		if err := h.Write(ctx, past); err != nil {
			return err
		}
		return h.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	d.MustExec(`INSERT INTO civil_status (user_id, birth_name, first_name1, birth_date, sex, birth_insee, birth_commune)
		SELECT DISTINCT user_id, 'Nom', 'Prénom', date '1980-01-01' + (user_id % 5000)::int, 'F', '35238', 'Rennes' FROM certificates`)
}

// heapWriter discards what it is given and, every few writes, measures
// the live heap (after a collection): what the export holds while it
// writes.
type heapWriter struct {
	n, writes int
	peak      uint64
}

func (h *heapWriter) Write(p []byte) (int, error) {
	h.n += len(p)
	h.writes++
	if h.writes%8 == 1 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapAlloc)
	}
	return len(p), nil
}

// TestExportStreams: a flow of 3,000 certificates is written as the rows
// come, in many writes, the live heap during the writing staying far
// below the flow's size (a flow built in memory holds every passage
// while it is encoded). The streamed bytes are those of the whole flow
// built and encoded at once.
func TestExportStreams(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	largeHistory(t, d, 100, 30)
	s := accrochage.NewStore(d)
	ids := accrochage.IDs{Client: "ABCD1234", Contract: "MCFCER000123"}
	from, to := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)

	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	w := &heapWriter{}
	skipped, n, err := s.Export(ctx, audit.Actor{Role: "test"}, w, ids, from, to, now)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3000 || len(skipped) != 0 {
		t.Fatalf("déclarés %d, écartés %d", n, len(skipped))
	}
	grown := int64(w.peak) - int64(base)
	t.Logf("flux %d octets en %d écritures ; tas vivant pendant l'écriture : %+d octets", w.n, w.writes, grown)
	if w.writes < w.n/(64<<10) {
		t.Fatalf("%d écritures pour %d octets : le flux n'est pas écrit au fil de l'eau", w.writes, w.n)
	}
	if grown > int64(w.n/8) {
		t.Fatalf("le tas vivant croît de %d octets pendant l'écriture d'un flux de %d octets : le flux est construit en mémoire", grown, w.n)
	}

	// Same bytes as the whole flow built and encoded at once.
	var streamed bytes.Buffer
	if _, _, err := s.Export(ctx, audit.Actor{Role: "test"}, &streamed, ids, from, to, now); err != nil {
		t.Fatal(err)
	}
	awards, _, err := s.Awards(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	var whole bytes.Buffer
	if err := accrochage.Write(&whole, accrochage.Build(ids, awards, from, to, now)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(streamed.Bytes(), whole.Bytes()) {
		t.Fatalf("le flux écrit au fil de l'eau diffère du flux construit d'un bloc (%d / %d octets)", streamed.Len(), whole.Len())
	}
	xmllint(t, streamed.Bytes())
}
