package account

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"acquis/internal/audit"
	"acquis/internal/fielderr"
)

const goodPassword = "un mot de passe assez long"

func isThrottled(err error) (time.Duration, bool) {
	var te *ThrottledError
	if errors.As(err, &te) {
		return te.Wait, true
	}
	return 0, false
}

// TestThrottleKeyIsTheLookupKey: an attacker who pads or re-cases the
// e-mail still guesses at the same account, and is counted as such.
func TestThrottleKeyIsTheLookupKey(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mustUser(t, s, "a@exemple.fr")
	variants := []string{" a@exemple.fr", "A@exemple.fr ", "\ta@EXEMPLE.fr", "a@exemple.fr\n", "  A@Exemple.Fr  "}
	for i, v := range variants {
		if _, err := s.Authenticate(ctx, sys, v, "mauvais"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("variante %d : %v", i, err)
		}
	}
	if _, ok := isThrottled(func() error { _, err := s.Authenticate(ctx, sys, "a@exemple.fr", "mauvais"); return err }()); !ok {
		t.Fatal("les variantes de l'adresse ne comptent pas pour le même compte")
	}
	// From many addresses at once, the account's own bucket stops it.
	s2 := s
	mustUser(t, s2, "b@exemple.fr")
	for i := 0; i < AccountPolicy.Free; i++ {
		ip := fmt.Sprintf("198.51.100.%d", i+1)
		if _, err := s2.Authenticate(ctx, audit.Actor{IP: ip}, " B@exemple.fr ", "mauvais"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("essai %d : %v", i, err)
		}
	}
	if _, ok := isThrottled(func() error {
		_, err := s2.Authenticate(ctx, audit.Actor{IP: "203.0.113.77"}, "b@exemple.fr", "mauvais")
		return err
	}()); !ok {
		t.Fatalf("%d échecs répartis sur autant d'adresses ne freinent pas le compte", AccountPolicy.Free)
	}
}

// TestThrottleParallelGuesses: guesses sent together cannot all read a
// low count before any is recorded; exactly the free ones are checked.
func TestThrottleParallelGuesses(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mustUser(t, s, "a@exemple.fr")
	const n = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	checked, throttled := 0, 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Authenticate(ctx, sys, "a@exemple.fr", "mauvais")
			mu.Lock()
			defer mu.Unlock()
			if errors.Is(err, ErrInvalidCredentials) {
				checked++
			} else if _, ok := isThrottled(err); ok {
				throttled++
			} else {
				t.Errorf("réponse inattendue : %v", err)
			}
		}()
	}
	wg.Wait()
	if checked != PairPolicy.Free || throttled != n-PairPolicy.Free {
		t.Fatalf("%d mots de passe vérifiés et %d refusés sur %d essais simultanés, attendu %d vérifiés", checked, throttled, n, PairPolicy.Free)
	}
}

// TestThrottleCannotLockOutOwner: failing on purpose from elsewhere does
// not keep the owner out, and the owner's own client slows down
// progressively rather than for a fixed quarter of an hour.
func TestThrottleCannotLockOutOwner(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mustUser(t, s, "victime@exemple.fr")
	// The owner has signed in from their browser before.
	owner := audit.Actor{IP: "203.0.113.5"}
	r, err := s.Login(ctx, owner, LoginAttempt{Email: "victime@exemple.fr", Password: goodPassword})
	if err != nil || r.NewDevice == "" {
		t.Fatalf("première connexion : %v %q", err, r.NewDevice)
	}
	device := r.NewDevice
	attacker := audit.Actor{IP: "198.51.100.7"}
	for i := 0; i < 8; i++ {
		_, _ = s.Authenticate(ctx, attacker, "victime@exemple.fr", "mauvais")
	}
	if _, ok := isThrottled(func() error { _, err := s.Authenticate(ctx, attacker, "victime@exemple.fr", goodPassword); return err }()); !ok {
		t.Fatal("l'attaquant n'est pas freiné")
	}
	// Another client, even without a device token, is not held back.
	if _, err := s.Authenticate(ctx, audit.Actor{IP: "192.0.2.99"}, "victime@exemple.fr", goodPassword); err != nil {
		t.Fatalf("le propriétaire est bloqué par les échecs d'un autre : %v", err)
	}
	// A distributed attack fills the account's bucket: a new browser waits,
	// the owner's known browser does not.
	for i := 0; i < AccountPolicy.Free+5; i++ {
		_, _ = s.Authenticate(ctx, audit.Actor{IP: fmt.Sprintf("100.64.%d.%d", i/200, i%200+1)}, "victime@exemple.fr", "mauvais")
	}
	if _, ok := isThrottled(func() error {
		_, err := s.Authenticate(ctx, audit.Actor{IP: "192.0.2.100"}, "victime@exemple.fr", goodPassword)
		return err
	}()); !ok {
		t.Fatal("une attaque répartie ne freine pas le compte")
	}
	if _, err := s.Login(ctx, owner, LoginAttempt{Email: "victime@exemple.fr", Password: goodPassword, Device: device}); err != nil {
		t.Fatalf("le navigateur connu du propriétaire est bloqué : %v", err)
	}
	// The device token only counts for its own account.
	if _, err := s.Login(ctx, owner, LoginAttempt{Email: "autre@exemple.fr", Password: "x", Device: device}); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("jeton d'appareil sur un autre compte : %v", err)
	}
}

// TestThrottleProgressive: after the free attempts each wait doubles, up
// to the cap, and a right password after the wait gets in.
func TestThrottleProgressive(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mustUser(t, s, "a@exemple.fr")
	now := time.Now()
	s.now = func() time.Time { return now }
	for i := 0; i < PairPolicy.Free; i++ {
		_, _ = s.Authenticate(ctx, sys, "a@exemple.fr", "mauvais")
	}
	want := PairPolicy.Base
	for step := 0; step < 6; step++ {
		wait, ok := isThrottled(func() error { _, err := s.Authenticate(ctx, sys, "a@exemple.fr", goodPassword); return err }())
		if !ok || wait != want {
			t.Fatalf("palier %d : attente %v, attendu %v", step, wait, want)
		}
		now = now.Add(wait)
		if _, err := s.Authenticate(ctx, sys, "a@exemple.fr", "mauvais"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("palier %d, après l'attente : %v", step, err)
		}
		want = min(2*want, PairPolicy.Cap)
	}
	now = now.Add(PairPolicy.Cap)
	if _, err := s.Authenticate(ctx, sys, "a@exemple.fr", goodPassword); err != nil {
		t.Fatalf("après l'attente : %v", err)
	}
}

// TestPasswordChangeThrottled: a stolen session cannot try current
// passwords at leisure on the change form.
func TestPasswordChangeThrottled(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id := mustUser(t, s, "a@exemple.fr")
	for i := 0; i < PairPolicy.Free; i++ {
		var ve *fielderr.Error
		if err := s.ChangePassword(ctx, sys, id, "mauvais", "une toute nouvelle phrase", ""); !errors.As(err, &ve) {
			t.Fatalf("essai %d : %v", i, err)
		}
	}
	if _, ok := isThrottled(s.ChangePassword(ctx, sys, id, goodPassword, "une toute nouvelle phrase", "")); !ok {
		t.Fatal("le formulaire de changement de mot de passe n'est pas freiné")
	}
}

// TestRefusedAttemptsLeaveNoRows: once a client is refused, guessing at
// ever new addresses does not grow the throttle table.
func TestRefusedAttemptsLeaveNoRows(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for i := 0; i < ClientPolicy.Free; i++ {
		_, _ = s.Authenticate(ctx, sys, fmt.Sprintf("essai%d@exemple.fr", i), "x")
	}
	var before int
	if err := s.db.Get(&before, `SELECT count(*) FROM throttle_buckets`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		if _, ok := isThrottled(func() error {
			_, err := s.Authenticate(ctx, sys, fmt.Sprintf("nouveau%d@exemple.fr", i), "x")
			return err
		}()); !ok {
			t.Fatalf("essai %d non freiné", i)
		}
	}
	var after int
	if err := s.db.Get(&after, `SELECT count(*) FROM throttle_buckets`); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("%d lignes ajoutées par des essais refusés", after-before)
	}
}
