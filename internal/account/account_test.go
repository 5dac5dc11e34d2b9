package account

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"acquis/internal/audit"
	"acquis/internal/db/dbtest"
	"acquis/internal/generation"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

var sys = audit.Actor{Role: "test", IP: "192.0.2.10"}

func newStore(t *testing.T) *Store {
	t.Helper()
	t.Parallel()
	return NewStore(dbtest.New(t))
}

func mustUser(t *testing.T, s *Store, email string, grants ...Grant) int64 {
	t.Helper()
	id, err := s.CreateUser(context.Background(), sys, NewUser{Email: email, FullName: "Camille Test", Password: "un mot de passe assez long", Grants: grants})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestEmailUniqueIgnoringCase(t *testing.T) {
	s := newStore(t)
	mustUser(t, s, "Camille.Test@Exemple.fr")
	_, err := s.CreateUser(context.Background(), sys, NewUser{Email: "camille.test@exemple.FR", FullName: "Autre"})
	if !errors.Is(err, ErrEmailTaken) {
		t.Fatalf("doublon accepté : %v", err)
	}
	u, err := s.UserByEmail(context.Background(), "CAMILLE.TEST@exemple.fr")
	if err != nil || u.Email != "camille.test@exemple.fr" {
		t.Fatalf("recherche insensible à la casse : %v %q", err, u.Email)
	}
	for _, bad := range []string{"", "pas-une-adresse", "a@b", "a b@c.fr", "<x@y.fr>"} {
		if _, err := s.CreateUser(context.Background(), sys, NewUser{Email: bad, FullName: "X"}); err == nil {
			t.Errorf("adresse %q acceptée", bad)
		}
	}
}

func TestPasswordHashNeverPlain(t *testing.T) {
	s := newStore(t)
	id := mustUser(t, s, "a@exemple.fr")
	u, _ := s.User(context.Background(), id)
	if u.PasswordHash == nil || !strings.HasPrefix(*u.PasswordHash, "$argon2id$") || strings.Contains(*u.PasswordHash, "long") {
		t.Fatalf("hachage inattendu : %v", u.PasswordHash)
	}
	var changes []string
	if err := s.db.Select(&changes, `SELECT change::text FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if strings.Contains(c, "assez long") || strings.Contains(c, "argon2") {
			t.Fatalf("le mot de passe apparaît dans le journal : %s", c)
		}
	}
	if _, err := s.CreateUser(context.Background(), sys, NewUser{Email: "b@exemple.fr", FullName: "B", Password: "court"}); err == nil {
		t.Fatal("mot de passe trop court accepté")
	}
}

func TestAuthenticateAndThrottle(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mustUser(t, s, "a@exemple.fr")
	if _, err := s.Authenticate(ctx, sys, "A@exemple.fr", "un mot de passe assez long"); err != nil {
		t.Fatalf("connexion : %v", err)
	}
	// Unknown e-mail and wrong password answer alike.
	_, e1 := s.Authenticate(ctx, sys, "inconnu@exemple.fr", "x")
	_, e2 := s.Authenticate(ctx, sys, "a@exemple.fr", "mauvais")
	if !errors.Is(e1, ErrInvalidCredentials) || !errors.Is(e2, ErrInvalidCredentials) {
		t.Fatalf("réponses : %v / %v", e1, e2)
	}
	for i := 0; i < 4; i++ {
		if _, err := s.Authenticate(ctx, sys, "a@exemple.fr", "mauvais"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("tentative %d : %v", i+2, err)
		}
	}
	// Five failures: even the right password must wait.
	_, err := s.Authenticate(ctx, sys, "a@exemple.fr", "un mot de passe assez long")
	var te *ThrottledError
	if !errors.As(err, &te) || te.Wait <= 0 || te.Wait > time.Minute {
		t.Fatalf("pas de délai après cinq échecs : %v", err)
	}
	if !strings.Contains(te.Error(), "réessayez dans") {
		t.Fatalf("message : %s", te.Error())
	}
	// Once the delay has passed, the right password works again.
	s.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if _, err := s.Authenticate(ctx, sys, "a@exemple.fr", "un mot de passe assez long"); err != nil {
		t.Fatalf("après le délai : %v", err)
	}
}

func TestThrottlePerIP(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mustUser(t, s, "victime@exemple.fr")
	attacker := audit.Actor{IP: "198.51.100.7"}
	for i := 0; i < ClientPolicy.Free; i++ {
		_, _ = s.Authenticate(ctx, attacker, "essai"+string(rune('a'+i%26))+"@exemple.fr", "x")
	}
	_, err := s.Authenticate(ctx, attacker, "victime@exemple.fr", "un mot de passe assez long")
	var te *ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("l'adresse IP n'est pas freinée : %v", err)
	}
	// Another address is not affected.
	if _, err := s.Authenticate(ctx, audit.Actor{IP: "203.0.113.5"}, "victime@exemple.fr", "un mot de passe assez long"); err != nil {
		t.Fatalf("autre IP : %v", err)
	}
}

func TestSessionsIdleAbsoluteLogout(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id := mustUser(t, s, "a@exemple.fr")
	lim := SessionLimits{Idle: time.Hour, Lifetime: 2 * time.Hour}
	tok, err := s.CreateSession(ctx, id, lim, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	p, hash, err := s.SessionPrincipal(ctx, tok, lim)
	if err != nil || p.UserID != id {
		t.Fatalf("session : %v", err)
	}
	var stored int
	if err := s.db.Get(&stored, `SELECT count(*) FROM sessions WHERE token_hash = $1`, tok); err != nil {
		t.Fatal(err)
	}
	if stored != 0 {
		t.Fatal("le jeton de session est stocké en clair")
	}
	// Idle: last seen more than an hour ago.
	if _, err := s.db.Exec(`UPDATE sessions SET last_seen_at = now() - interval '61 minutes' WHERE token_hash = $1`, hash); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionPrincipal(ctx, tok, lim); !errors.Is(err, ErrNoSession) {
		t.Fatalf("session inactive acceptée : %v", err)
	}
	// Absolute: active but past its lifetime.
	tok2, _ := s.CreateSession(ctx, id, lim, "", "")
	if _, err := s.db.Exec(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, HashToken(tok2)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionPrincipal(ctx, tok2, lim); !errors.Is(err, ErrNoSession) {
		t.Fatalf("session expirée acceptée : %v", err)
	}
	// Logout removes it on the server.
	tok3, _ := s.CreateSession(ctx, id, lim, "", "")
	_, h3, _ := s.SessionPrincipal(ctx, tok3, lim)
	if err := s.DeleteSession(ctx, h3); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionPrincipal(ctx, tok3, lim); !errors.Is(err, ErrNoSession) {
		t.Fatal("session encore valide après déconnexion")
	}
	// Disabling the user ends their sessions.
	tok4, _ := s.CreateSession(ctx, id, lim, "", "")
	if err := s.SetDisabled(ctx, sys, id, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionPrincipal(ctx, tok4, lim); !errors.Is(err, ErrNoSession) {
		t.Fatal("session encore valide après désactivation")
	}
}

// TestSessionTouchDoesNotQueue: a request whose session's last-seen time
// is due does not wait for another request refreshing the same session
// (the row locked by a transaction not yet committed): before, it queued
// behind that transaction's lock until it committed.
func TestSessionTouchDoesNotQueue(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id := mustUser(t, s, "touch@exemple.fr")
	lim := SessionLimits{Idle: time.Hour, Lifetime: 2 * time.Hour}
	tok, err := s.CreateSession(ctx, id, lim, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE sessions SET last_seen_at = now() - interval '5 minutes' WHERE token_hash = $1`, HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	other, err := s.db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	if _, err := other.Exec(`UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1`, HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	// The lock is held until other ends: a lookup that waited for it
	// would run into this deadline (a bound on a wait, not a timing).
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if p, _, err := s.SessionPrincipal(wait, tok, lim); err != nil || p.UserID != id {
		t.Fatalf("session dont l'horodatage est verrouillé par une autre requête : %v", err)
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	// Due again with no other request in flight: refreshed as before.
	if _, err := s.db.Exec(`UPDATE sessions SET last_seen_at = now() - interval '5 minutes' WHERE token_hash = $1`, HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionPrincipal(ctx, tok, lim); err != nil {
		t.Fatal(err)
	}
	var stale bool
	if err := s.db.Get(&stale, `SELECT last_seen_at < now() - interval '1 minute' FROM sessions WHERE token_hash = $1`, HashToken(tok)); err != nil || stale {
		t.Fatalf("horodatage non rafraîchi : %v %v", stale, err)
	}
}

func TestResetTokenOnceAndExpiry(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id := mustUser(t, s, "a@exemple.fr")
	if err := s.RequestReset(ctx, sys, "a@exemple.fr", "http://acquis.test"); err != nil {
		t.Fatal(err)
	}
	token := tokenFromOutbox(t, s, "/reinitialiser/")
	if _, err := s.TokenUser(ctx, token, PurposeReset); err != nil {
		t.Fatalf("jeton valide refusé : %v", err)
	}
	if _, err := s.TokenUser(ctx, token, PurposeInvite); !errors.Is(err, ErrTokenInvalid) {
		t.Fatal("jeton de réinitialisation accepté comme invitation")
	}
	// Concurrent use: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = s.UseToken(ctx, sys, token, PurposeReset, "nouveau mot de passe solide")
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("erreur inattendue : %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d utilisations réussies du même lien, attendu 1", ok)
	}
	if _, err := s.Authenticate(ctx, sys, "a@exemple.fr", "nouveau mot de passe solide"); err != nil {
		t.Fatalf("nouveau mot de passe : %v", err)
	}
	// Expiry: a token older than 24 h is refused.
	if err := s.RequestReset(ctx, sys, "a@exemple.fr", "http://acquis.test"); err != nil {
		t.Fatal(err)
	}
	token2 := tokenFromOutbox(t, s, "/reinitialiser/")
	s.now = func() time.Time { return time.Now().Add(TokenTTL + time.Minute) }
	if _, err := s.UseToken(ctx, sys, token2, PurposeReset, "encore un autre mot de passe"); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("jeton expiré accepté : %v", err)
	}
	// Unknown address: nothing is mailed, no error either.
	var before int
	if err := s.db.Get(&before, `SELECT count(*) FROM outbox`); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestReset(ctx, sys, "personne@exemple.fr", "http://acquis.test"); err != nil {
		t.Fatal(err)
	}
	var after int
	if err := s.db.Get(&after, `SELECT count(*) FROM outbox`); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatal("un courriel est parti vers une adresse inconnue")
	}
	_ = id
}

func tokenFromOutbox(t *testing.T, s *Store, marker string) string {
	t.Helper()
	var body string
	if err := s.db.Get(&body, `SELECT body FROM outbox ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("pas de lien dans %q", body)
	}
	rest := body[i+len(marker):]
	return strings.Fields(rest)[0]
}

func TestInvitation(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id, err := s.Invite(ctx, sys, NewUser{Email: "nouveau@exemple.fr", FullName: "Nouvelle Personne", Grants: []Grant{{Role: RoleCandidate}}}, "http://acquis.test", "Claire")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, sys, "nouveau@exemple.fr", ""); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatal("compte non activé accessible")
	}
	token := tokenFromOutbox(t, s, "/invitation/")
	if _, err := s.UseToken(ctx, sys, token, PurposeInvite, "court"); err == nil {
		t.Fatal("mot de passe faible accepté")
	}
	if got, err := s.UseToken(ctx, sys, token, PurposeInvite, "une phrase de passe correcte"); err != nil || got != id {
		t.Fatalf("activation : %v", err)
	}
	if _, err := s.UseToken(ctx, sys, token, PurposeInvite, "une phrase de passe correcte"); !errors.Is(err, ErrTokenInvalid) {
		t.Fatal("lien d'invitation réutilisable")
	}
}

func TestGrantsScopeValidation(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	emp, err := s.CreateOrganisation(ctx, sys, NewOrganisation{Kind: OrgEmployer, Name: "Association X"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateOrganisation(ctx, sys, NewOrganisation{Kind: OrgPlatform, Name: "Plateforme sans département"}); err == nil {
		t.Fatal("plateforme sans département acceptée")
	}
	if _, err := s.CreateOrganisation(ctx, sys, NewOrganisation{Kind: OrgPlatform, Name: "P", DepartementCode: "00"}); err == nil {
		t.Fatal("département inconnu accepté")
	}
	pid, err := s.CreateOrganisation(ctx, sys, NewOrganisation{Kind: OrgPlatform, Name: "Plateforme 56", DepartementCode: "56", LeadID: emp})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.Organisation(ctx, pid)
	if p.RegionCode != "53" || p.LeadName != "Association X" {
		t.Fatalf("plateforme : %+v", p)
	}
	uid := mustUser(t, s, "m@exemple.fr")
	for _, g := range []Grant{
		{Role: "superuser"},
		{Role: RolePlatformManager},                    // no platform
		{Role: RolePlatformManager, PlatformID: emp},   // not a platform
		{Role: RoleCandidate, PlatformID: pid},         // scope on the wrong role
		{Role: RoleJuryMember, RegionCode: "53"},       // région on the wrong role
		{Role: RolePlatformManager, PlatformID: 99999}, // does not exist
	} {
		if err := s.AddGrant(ctx, sys, uid, g); err == nil {
			t.Errorf("rôle %+v accepté", g)
		}
	}
	if err := s.AddGrant(ctx, sys, uid, Grant{Role: RolePlatformManager, PlatformID: pid}); err != nil {
		t.Fatal(err)
	}
	u, _ := s.User(ctx, uid)
	if len(u.Grants) != 0+1 || u.Grants[0].PlatformID != pid {
		t.Fatalf("rôles : %+v", u.Grants)
	}
}

func TestLastAdminCannotBeRemoved(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id := mustUser(t, s, "admin@exemple.fr", Grant{Role: RoleAdmin})
	u, _ := s.User(ctx, id)
	if err := s.RemoveGrant(ctx, sys, id, u.Grants[0].ID); err == nil {
		t.Fatal("dernier administrateur retiré")
	}
	if err := s.SetDisabled(ctx, sys, id, true); err == nil {
		t.Fatal("dernier administrateur désactivé")
	}
	mustUser(t, s, "admin2@exemple.fr", Grant{Role: RoleAdmin})
	if err := s.RemoveGrant(ctx, sys, id, u.Grants[0].ID); err != nil {
		t.Fatal(err)
	}
}

func TestPseudonymise(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mustUser(t, s, "admin@exemple.fr", Grant{Role: RoleAdmin})
	id := mustUser(t, s, "parti@exemple.fr", Grant{Role: RoleJuryMember})
	if _, err := s.CreateSession(ctx, id, SessionLimits{Idle: time.Hour, Lifetime: time.Hour}, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Pseudonymise(ctx, sys, id); err != nil {
		t.Fatal(err)
	}
	u, err := s.User(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(u.Email, "parti") || strings.Contains(u.FullName, "Camille") || !u.Disabled || u.PasswordHash != nil || u.PseudonymisedAt == nil || len(u.Grants) != 0 {
		t.Fatalf("pseudonymisation incomplète : %+v", u)
	}
	var sessions int
	if err := s.db.Get(&sessions, `SELECT count(*) FROM sessions WHERE user_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if sessions != 0 {
		t.Fatal("sessions conservées")
	}
	if err := s.Pseudonymise(ctx, sys, id); err == nil {
		t.Fatal("double pseudonymisation acceptée")
	}
	// The e-mail is free again, and the audit chain still verifies.
	mustUser(t, s, "parti@exemple.fr")
	res, err := audit.Verify(ctx, s.db)
	if err != nil || !res.OK {
		t.Fatalf("chaîne d'audit : %+v %v", res, err)
	}
}

func TestExport(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id := mustUser(t, s, "a@exemple.fr")
	if _, err := s.Authenticate(ctx, sys, "a@exemple.fr", "un mot de passe assez long"); err != nil {
		t.Fatal(err)
	}
	out, err := s.Export(ctx, sys, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out["user"].(User).Email != "a@exemple.fr" {
		t.Fatalf("export : %+v", out)
	}
	if rows := out["activity"].([]audit.Row); len(rows) == 0 {
		t.Fatal("l'activité (connexion) manque à l'export")
	}
}

func TestPolicy(t *testing.T) {
	mgr := &Principal{UserID: 1, Grants: []Grant{{Role: RolePlatformManager, PlatformID: 10}}}
	obsBzh := &Principal{UserID: 2, Grants: []Grant{{Role: RoleObserver, RegionCode: "53"}}}
	obsNat := &Principal{UserID: 3, Grants: []Grant{{Role: RoleObserver}}}
	cand := &Principal{UserID: 4, Grants: []Grant{{Role: RoleCandidate}}}
	adm := &Principal{UserID: 5, Grants: []Grant{{Role: RoleAdmin}}}
	juror := &Principal{UserID: 6, Grants: []Grant{{Role: RoleJuryMember}}}
	pf10 := Resource{PlatformID: 10, RegionCode: "53"}
	pf11 := Resource{PlatformID: 11, RegionCode: "84"}
	cases := []struct {
		p    *Principal
		a    Action
		r    Resource
		want bool
	}{
		{nil, ActPublic, Resource{}, true},
		{nil, ActSelf, Resource{}, false},
		{mgr, ActPlatformManage, pf10, true},
		{mgr, ActPlatformManage, pf11, false},
		{mgr, ActPlatformRead, pf11, false},
		{obsBzh, ActPlatformRead, pf10, true},
		{obsBzh, ActPlatformRead, pf11, false},
		{obsBzh, ActPlatformManage, pf10, false},
		{obsNat, ActPlatformRead, pf11, true},
		{obsNat, ActNationalRead, Resource{}, true},
		{obsBzh, ActNationalRead, Resource{}, false},
		{obsBzh, ActNationalRead, Resource{RegionCode: "53"}, true},
		{cand, ActCandidacyOwn, Resource{OwnerUserID: 4}, true},
		{cand, ActCandidacyOwn, Resource{OwnerUserID: 9}, false},
		{cand, ActAdminUsers, Resource{}, false},
		{adm, ActAdminUsers, Resource{}, true},
		{adm, ActJuryScore, Resource{}, false},
		{juror, ActJuryScore, Resource{JuryEvaluator: true}, true},
		{juror, ActJuryScore, Resource{}, false},
		{adm, ActJurySit, Resource{}, false},
		{juror, ActJurySit, Resource{JuryMember: true}, true},
		{juror, ActJurySit, Resource{}, false},
		{juror, ActJuryChair, Resource{JuryMember: true}, false},
		{mgr, ActAdminAudit, Resource{}, false},
	}
	for i, c := range cases {
		if got := Can(c.p, c.a, c.r); got != c.want {
			t.Errorf("cas %d (%s) : %v, attendu %v", i, c.a, got, c.want)
		}
	}
}

// TestSessionReadsGenerations: the session lookup returns the
// generations of kept results as committed, in the same statement, so a
// signed-in request learns them without a query of its own.
func TestSessionReadsGenerations(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id := mustUser(t, s, "g@exemple.fr")
	lim := SessionLimits{Idle: time.Hour, Lifetime: 2 * time.Hour}
	tok, err := s.CreateSession(ctx, id, lim, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	r := generation.NewReader(s.db)
	ss, err := s.Session(ctx, tok, lim)
	if err != nil || ss.Principal.UserID != id || ss.Hash != HashToken(tok) {
		t.Fatalf("session: %+v %v", ss, err)
	}
	want, err := r.Read(ctx)
	if err != nil || ss.Generations != want {
		t.Fatalf("generations with the session %+v, read apart %+v (%v)", ss.Generations, want, err)
	}
	// A new organisation changes the national view: the next lookup sees it.
	if _, err := s.CreateOrganisation(ctx, audit.System, NewOrganisation{Kind: OrgPlatform, Name: "Plateforme du Lot", DepartementCode: "46"}); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Session(ctx, tok, lim); again.Generations.Pilotage != want.Pilotage+1 {
		t.Fatalf("after a write: %+v, before %+v", again.Generations, want)
	}
}
