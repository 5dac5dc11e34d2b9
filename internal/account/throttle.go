package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/lib/pq"
)

// ThrottlePolicy says how many attempts a bucket allows freely and how
// long it then waits: Base after the last free attempt, doubling with each
// further one up to Cap. A bucket starts afresh after Quiet without an
// attempt once its wait is over.
type ThrottlePolicy struct {
	Free      int
	Base, Cap time.Duration
	Quiet     time.Duration
}

// The login throttle (ASVS 2.2.1). The pair (account, client) is what an
// attacker guessing one account from one place meets; the client alone
// stops one place guessing many accounts; the account alone bounds a
// distributed guess at one account to well under 100 a hour. A browser
// that has signed in to the account before only meets its own pair, so
// nobody can lock a known user out by failing on purpose.
var (
	PairPolicy    = ThrottlePolicy{Free: 5, Base: time.Minute, Cap: 15 * time.Minute, Quiet: 15 * time.Minute}
	ClientPolicy  = ThrottlePolicy{Free: 20, Base: time.Minute, Cap: 15 * time.Minute, Quiet: 15 * time.Minute}
	AccountPolicy = ThrottlePolicy{Free: 50, Base: 30 * time.Second, Cap: 15 * time.Minute, Quiet: time.Hour}
)

// The « mot de passe oublié » form sends mail: three links per address and
// ten requests per client, then a wait, so it can neither flood a mailbox
// nor be used to probe addresses in bulk.
var (
	ResetAddressPolicy = ThrottlePolicy{Free: 3, Base: 15 * time.Minute, Cap: time.Hour, Quiet: time.Hour}
	ResetClientPolicy  = ThrottlePolicy{Free: 10, Base: 5 * time.Minute, Cap: time.Hour, Quiet: time.Hour}
)

// bucket is one counter and the policy it follows.
type bucket struct {
	key    string
	policy ThrottlePolicy
}

// bucketKey names a counter by a hash of what it counts, so the table
// holds no e-mail typed at the login form.
func bucketKey(kind string, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return kind + ":" + hex.EncodeToString(h[:16])
}

// LoginKey is the form of an e-mail that both the account lookup and the
// throttle use: trimmed and lower-cased, so « Victim@x.fr » and
// « victim@x.fr  » are the same account to both.
func LoginKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ClientKey is the address a throttle counts: an IPv4 address as is, an
// IPv6 address by its /64 (one subscriber's whole network), anything
// unparsable as one shared « unknown » client.
func ClientKey(ip string) string {
	a := net.ParseIP(ip)
	switch {
	case a == nil:
		return "unknown"
	case a.To4() != nil:
		return a.To4().String()
	default:
		return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
}

// claim counts one attempt against every bucket and tells how long to
// wait when any of them refuses it; a refused attempt counts nowhere. The
// count and the check are one statement that holds the buckets' row locks
// (taken in key order, so two claims never deadlock): of many parallel
// attempts, exactly as many pass as the policy allows.
func (s *Store) claim(ctx context.Context, bs []bucket) (time.Duration, error) {
	keys := make([]string, len(bs))
	free := make([]int64, len(bs))
	base := make([]float64, len(bs))
	capS := make([]float64, len(bs))
	quiet := make([]float64, len(bs))
	for i, b := range bs {
		keys[i], free[i] = b.key, int64(b.policy.Free)
		base[i], capS[i], quiet[i] = b.policy.Base.Seconds(), b.policy.Cap.Seconds(), b.policy.Quiet.Seconds()
	}
	// A row removed by the clean-up between the two statements would go
	// uncounted: the claim is then made again.
	for range 3 {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO throttle_buckets (bucket) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
			pq.Array(keys)); err != nil {
			return 0, fmt.Errorf("account: throttle: %w", err)
		}
		var res struct {
			Until  time.Time `db:"until"`
			Locked int       `db:"locked"`
		}
		// PostgreSQL keeps microseconds: a finer time would come back rounded.
		now := s.now().Truncate(time.Microsecond)
		err := s.db.GetContext(ctx, &res, claimQuery, pq.Array(keys), pq.Array(free), pq.Array(base), pq.Array(capS), pq.Array(quiet), now)
		if err != nil {
			return 0, fmt.Errorf("account: throttle: %w", err)
		}
		if res.Locked != len(keys) {
			continue
		}
		if res.Until.After(now) {
			// A refused attempt leaves no row behind: otherwise a client
			// already refused could still fill the table with new keys.
			if _, err := s.db.ExecContext(ctx, `DELETE FROM throttle_buckets WHERE bucket = ANY($1) AND hits = 0 AND last_at = 'epoch'`,
				pq.Array(keys)); err != nil {
				return 0, fmt.Errorf("account: throttle: %w", err)
			}
			return res.Until.Sub(now), nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("account: throttle: buckets vanished three times")
}

// claimQuery locks the requested buckets ($1 with their policies $2–$5)
// in key order, decides at $6 whether any still waits, and counts the
// attempt in each only when none does. A bucket restarts at one when it
// has been quiet for its period after both its last attempt and its wait.
const claimQuery = `
WITH req AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::float8[], $4::float8[], $5::float8[]) AS r(bucket, free, base_s, cap_s, quiet_s)
), cur AS (
  SELECT t.bucket, t.hits, t.blocked_until, req.free, req.base_s, req.cap_s,
         greatest(t.last_at, t.blocked_until) <= $6::timestamptz - req.quiet_s * interval '1 second' AS quiet
  FROM throttle_buckets t JOIN req ON req.bucket = t.bucket
  ORDER BY t.bucket
  FOR UPDATE OF t
), verdict AS (
  SELECT coalesce(max(blocked_until) FILTER (WHERE NOT quiet AND blocked_until > $6::timestamptz), $6::timestamptz) AS until,
         count(*) AS locked
  FROM cur
), counted AS (
  UPDATE throttle_buckets t SET
    hits = n.hits,
    last_at = $6::timestamptz,
    blocked_until = CASE WHEN n.hits >= n.free
      THEN $6::timestamptz + least(n.base_s * power(2, least(n.hits - n.free, 30)), n.cap_s) * interval '1 second'
      ELSE 'epoch' END
  FROM (SELECT bucket, free, base_s, cap_s, CASE WHEN quiet THEN 1 ELSE hits + 1 END AS hits FROM cur) n, verdict
  WHERE t.bucket = n.bucket AND verdict.until <= $6::timestamptz
  RETURNING t.bucket
)
SELECT until, locked FROM verdict`

// succeeded gives back what a successful attempt counted: the pair starts
// afresh (this client knows the password), the client and the account
// buckets lose the one attempt, and long-quiet buckets are removed.
func (s *Store) succeeded(ctx context.Context, pair string, others []bucket) error {
	keys := make([]string, len(others))
	free := make([]int64, len(others))
	for i, b := range others {
		keys[i], free[i] = b.key, int64(b.policy.Free)
	}
	_, err := s.db.ExecContext(ctx, `
		WITH pair AS (UPDATE throttle_buckets SET hits = 0, blocked_until = 'epoch' WHERE bucket = $1),
		refund AS (
		  UPDATE throttle_buckets t SET hits = greatest(t.hits - 1, 0),
		    blocked_until = CASE WHEN t.hits - 1 < r.free THEN 'epoch' ELSE t.blocked_until END
		  FROM unnest($2::text[], $3::int[]) AS r(bucket, free) WHERE t.bucket = r.bucket)
		DELETE FROM throttle_buckets WHERE greatest(last_at, blocked_until) < $4`,
		pair, pq.Array(keys), pq.Array(free), s.now().Add(-24*time.Hour))
	return err
}
