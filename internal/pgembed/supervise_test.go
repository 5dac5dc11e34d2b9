package pgembed

import (
	"context"
	"database/sql"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// waitHealth polls the cluster's health until cond holds; the deadline
// only bounds a broken run, it asserts nothing about speed.
func waitHealth(t *testing.T, c *Cluster, cond func(Health) bool) Health {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		h := c.Health()
		if cond(h) {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("état attendu jamais atteint : %+v", h)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPostmasterKilledIsRestarted: the postmaster killed under a running
// acquis is started again, the restart counted, and the database answers.
func TestPostmasterKilledIsRestarted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := Start(ctx, Options{DataDir: filepath.Join(baseDir(t), "data"), Fsync: true}) // durable: a crash without it may lose the last commits (the roles)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	fatal := c.Supervise(ctx, 5)
	old := c.PID()
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	h := waitHealth(t, c, func(h Health) bool { return h.State == Running && h.Restarts == 1 })
	if c.PID() == old || h.LastError == "" {
		t.Fatalf("redémarrage : pid %d (ancien %d), %+v", c.PID(), old, h)
	}
	db, err := sql.Open("postgres", c.AppDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var one int
	if err := db.QueryRow(`SELECT 1`).Scan(&one); err != nil {
		t.Fatalf("base injoignable après redémarrage : %v", err)
	}
	select {
	case err := <-fatal:
		t.Fatalf("échec signalé malgré le redémarrage : %v", err)
	default:
	}
	// Stop is not a death: nothing is restarted, nothing reported.
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if pids := postgresFor(c.pgDir); len(pids) > 0 {
		t.Fatalf("postgres relancé après Stop : %v", pids)
	}
}

// TestPostmasterKilledWithoutRestartFails: with no restart allowed (or all
// attempts failed), the death is reported so acquis exits non-zero.
func TestPostmasterKilledWithoutRestartFails(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := Start(ctx, Options{DataDir: filepath.Join(baseDir(t), "data"), Fsync: true}) // durable: a crash without it may lose the last commits (the roles)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	fatal := c.Supervise(ctx, 0)
	if err := syscall.Kill(c.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-fatal:
		if err == nil {
			t.Fatal("échec sans erreur")
		}
	case <-time.After(90 * time.Second):
		t.Fatal("mort de postgres non signalée")
	}
	if h := c.Health(); h.State != Failed {
		t.Fatalf("état : %+v", h)
	}
}
