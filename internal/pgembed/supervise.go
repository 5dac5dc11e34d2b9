package pgembed

import (
	"context"
	"fmt"
	"time"
)

// The states Health reports.
const (
	Running    = "running"    // the postmaster answers
	Restarting = "restarting" // it died; Supervise is starting it again
	Failed     = "failed"     // it died and could not be restarted: acquis exits
)

// Health is what Supervise knows of the embedded PostgreSQL, for /healthz.
type Health struct {
	State     string `json:"state"`
	Restarts  int    `json:"restarts"`             // successful restarts since start-up
	LastError string `json:"last_error,omitempty"` // why it last died or failed to restart
}

// Health returns the cluster's current health.
func (c *Cluster) Health() Health {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.health
}

func (c *Cluster) setHealth(state, lastErr string, restarted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.health.State = state
	if lastErr != "" {
		c.health.LastError = lastErr
	}
	if restarted {
		c.health.Restarts++
	}
}

// Supervise watches the postmaster until ctx ends or Stop is called. When
// it dies under a running acquis (killed, out of memory), Supervise logs
// it and starts it again, up to attempts times in a row with a growing
// pause, since backends of the dead postmaster may still hold its shared
// memory for a moment. When every attempt fails, the returned channel
// receives the error, so that the caller exits non-zero and its own
// supervisor (systemd, a container runtime) takes over; attempts 0 means
// no restart at all.
func (c *Cluster) Supervise(ctx context.Context, attempts int) <-chan error {
	fatal := make(chan error, 1)
	go func() {
		for {
			_, exited := c.current()
			select {
			case <-ctx.Done():
				return
			case <-exited:
			}
			c.mu.Lock()
			stopping, exitErr := c.stopping, c.exitErr
			c.mu.Unlock()
			if stopping {
				return
			}
			why := fmt.Sprintf("postgres s'est arrêté (%v)", exitErr)
			c.log.Error("PostgreSQL embarqué arrêté sous acquis", "err", exitErr, "log", c.logTail(5))
			c.setHealth(Restarting, why, false)
			if err := c.restart(ctx, attempts); err != nil {
				c.setHealth(Failed, err.Error(), false)
				c.log.Error("PostgreSQL embarqué : redémarrage impossible, acquis s'arrête", "err", err, "attempts", attempts)
				fatal <- err
				return
			}
		}
	}()
	return fatal
}

// restart relaunches the postmaster, trying up to attempts times.
func (c *Cluster) restart(ctx context.Context, attempts int) error {
	var last error = fmt.Errorf("aucun redémarrage autorisé")
	pause := 500 * time.Millisecond
	for i := 1; i <= attempts; i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause *= 2
		c.mu.Lock()
		stopping := c.stopping
		c.mu.Unlock()
		if stopping {
			return nil
		}
		if err := c.checkStalePostmaster(); err != nil {
			last = err
			continue
		}
		if err := c.launch(c.cred); err != nil {
			last = err
			c.log.Warn("PostgreSQL embarqué : tentative de redémarrage échouée", "attempt", i, "err", err)
			continue
		}
		if err := c.waitReady(ctx); err != nil {
			last = err
			c.log.Warn("PostgreSQL embarqué : tentative de redémarrage échouée", "attempt", i, "err", err)
			continue
		}
		c.setHealth(Running, "", true)
		c.log.Warn("PostgreSQL embarqué redémarré", "attempt", i, "pid", c.PID())
		return nil
	}
	return fmt.Errorf("PostgreSQL embarqué arrêté et non redémarré après %d tentative(s) : %w", attempts, last)
}
