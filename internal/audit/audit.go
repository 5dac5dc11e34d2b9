// Package audit is the append-only audit log: one row per meaningful write
// and per sensitive read. Each row carries a keyed MAC of its content,
// written by acquis with a key the database never sees, and, once sealed,
// a keyed hash chaining it to the previous row; each sealed head is also
// written outside the database. Altering, inserting or removing a row
// afterwards, even at the end of the chain, is detected by Verify.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Entry is what a caller records.
type Entry struct {
	ActorID   int64 // 0 for the system or an anonymous visitor
	ActorRole string
	Action    string // e.g. user.login, candidacy.transition, access.denied
	Entity    string
	EntityID  string
	IP        string // may be empty or unparsable: stored as NULL
	RequestID string
	Change    any // marshalled to JSON; nil becomes {}
}

// Row is a stored entry.
type Row struct {
	ID        int64           `db:"id" json:"id"`
	At        time.Time       `db:"at" json:"at"`
	ActorID   *int64          `db:"actor_id" json:"actor_id,omitempty"`
	ActorRole string          `db:"actor_role" json:"actor_role"`
	Action    string          `db:"action" json:"action"`
	Entity    string          `db:"entity" json:"entity"`
	EntityID  string          `db:"entity_id" json:"entity_id"`
	IP        string          `db:"ip" json:"ip,omitempty"`
	RequestID string          `db:"request_id" json:"request_id,omitempty"`
	Change    json.RawMessage `db:"change" json:"change"`
	ChainSeq  *int64          `db:"chain_seq" json:"chain_seq,omitempty"`
	PrevHash  string          `db:"prev_hash" json:"prev_hash,omitempty"`
	Hash      string          `db:"hash" json:"hash,omitempty"`
	MAC       string          `db:"mac" json:"mac,omitempty"`
}

// genesis is the previous hash of the first row.
var genesis = fmt.Sprintf("%064d", 0)

// sealLock keeps one sealer at a time, whatever the number of instances.
const sealLock = 0x61756469 // "audi"

// Record appends an entry inside the caller's transaction: the audit row
// commits or rolls back with the write it describes. It takes no lock:
// the chaining is done by Seal once the row is committed.
func Record(ctx context.Context, tx *sqlx.Tx, e Entry) error {
	args, err := e.Values()
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (`+columns+`) VALUES (`+placeholders(1)+`)`, args...); err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	return nil
}

// columns are the audit_log columns a writer fills, in the order of
// Entry.Values; the rest (id, time, chaining) the database and the sealer
// fill.
const columns = "actor_id, actor_role, action, entity, entity_id, ip, request_id, change, mac"

// placeholders returns the typed parameters $first… for columns. The casts
// let the row be inserted from a SELECT, where PostgreSQL cannot infer the
// parameters' types from the target columns.
func placeholders(first int) string {
	types := []string{"bigint", "text", "text", "text", "text", "inet", "text", "text", "text"}
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = "$" + strconv.Itoa(first+i) + "::" + t
	}
	return strings.Join(out, ", ")
}

// InsertFrom is the statement that writes one audit row, its values the
// parameters $first… (an Entry's Values), once for each row of from: a
// statement that writes its audit row itself, in the same round trip as
// its change, puts it in a WITH clause with from the CTE of the change,
// so that a refused change (no row) writes no audit row. The audit log
// stays written by this package only.
func InsertFrom(from string, first int) string {
	return `INSERT INTO audit_log (` + columns + `) SELECT ` + placeholders(first) + ` FROM ` + from
}

// Values are the entry's column values, in the order of the audit_log columns a writer fills.
func (e Entry) Values() ([]any, error) {
	change := []byte("{}")
	if e.Change != nil {
		b, err := json.Marshal(e.Change)
		if err != nil {
			return nil, fmt.Errorf("audit: change: %w", err)
		}
		change = b
	}
	var actor, ip any
	actorText := ""
	if e.ActorID != 0 {
		actor = e.ActorID
		actorText = strconv.FormatInt(e.ActorID, 10)
	}
	c := cleanIP(e.IP)
	if c != "" {
		ip = c
	}
	m := contentMAC(currentKey(), actorText, e.ActorRole, e.Action, e.Entity, e.EntityID, c, e.RequestID, string(change))
	return []any{actor, e.ActorRole, e.Action, e.Entity, e.EntityID, ip, e.RequestID, string(change), m}, nil
}

// Seal chains every committed, unsealed row: in id order, each gets the
// next chain_seq, the previous row's hash and its own. It returns how many
// rows it sealed; another sealer already at work makes it return 0.
// Rows whose MAC does not match are sealed too (the chain must go on) and
// reported by a *ForgedError once everything is sealed.
func Seal(ctx context.Context, d *sqlx.DB) (int, error) {
	total := 0
	var forged []int64
	for {
		n, bad, err := sealBatch(ctx, d)
		total += n
		forged = append(forged, bad...)
		if err != nil {
			return total, err
		}
		if n < sealBatchSize {
			break
		}
	}
	if len(forged) > 0 {
		return total, &ForgedError{IDs: forged}
	}
	return total, nil
}

// ForgedError names rows the sealer found without a valid MAC: written by
// something other than acquis (SQL run by hand, or injected).
type ForgedError struct{ IDs []int64 }

func (e *ForgedError) Error() string {
	return fmt.Sprintf("%d ligne(s) du journal d'audit écrite(s) hors d'acquis (code d'authentification absent ou faux) : %v", len(e.IDs), e.IDs)
}

const sealBatchSize = 2000

func sealBatch(ctx context.Context, d *sqlx.DB) (sealed int, forged []int64, err error) {
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		return 0, nil, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	var got bool
	if err := tx.GetContext(ctx, &got, `SELECT pg_try_advisory_xact_lock($1)`, sealLock); err != nil || !got {
		return 0, nil, err
	}
	// Most ticks find nothing to seal: ask that first, and read the
	// chain's head and the legacy boundary only when there is work.
	var rows []Row
	if err := tx.SelectContext(ctx, &rows, `SELECT `+rowColumns+` FROM audit_log WHERE hash IS NULL ORDER BY id LIMIT $1`, sealBatchSize); err != nil {
		return 0, nil, err
	}
	if len(rows) == 0 {
		return 0, nil, nil
	}
	var last struct {
		Seq  int64  `db:"chain_seq"`
		Hash string `db:"hash"`
	}
	err = tx.GetContext(ctx, &last, `SELECT chain_seq, hash FROM audit_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		last.Hash = genesis
	} else if err != nil {
		return 0, nil, err
	}
	var legacy int64
	if err := tx.GetContext(ctx, &legacy, `SELECT coalesce(max(last_id), 0) FROM audit_legacy`); err != nil {
		return 0, nil, err
	}
	ids := make([]int64, len(rows))
	seqs := make([]int64, len(rows))
	prevs := make([]string, len(rows))
	hashes := make([]string, len(rows))
	prev, seq := last.Hash, last.Seq
	key := currentKey()
	for i := range rows {
		seq++
		r := &rows[i]
		r.ChainSeq, r.PrevHash = &seq, prev
		r.Hash = chainHash(key, *r)
		if (r.ID > legacy || r.MAC != "") && rowMAC(key, *r) != r.MAC {
			forged = append(forged, r.ID)
		}
		ids[i], seqs[i], prevs[i], hashes[i] = r.ID, seq, prev, r.Hash
		prev = r.Hash
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log a SET chain_seq = u.seq, prev_hash = u.prev, hash = u.hash
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, seq, prev, hash) WHERE a.id = u.id`,
		pq.Array(ids), pq.Array(seqs), pq.Array(prevs), pq.Array(hashes)); err != nil {
		return 0, nil, fmt.Errorf("audit: seal: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, nil, err
	}
	return len(rows), forged, appendHead(Head{Seq: seq, Hash: prev})
}

// RunSealer seals every interval until ctx ends; serve runs it so rows are
// chained within a second of their commit.
func RunSealer(ctx context.Context, d *sqlx.DB, every time.Duration, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := Seal(ctx, d); err != nil && ctx.Err() == nil && onErr != nil {
				onErr(err)
			}
		}
	}
}

// RecordNow appends an entry in its own short transaction: refusals,
// logins and sensitive reads, which have no other write to ride with.
func RecordNow(ctx context.Context, d *sqlx.DB, e Entry) error {
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("audit: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := Record(ctx, tx, e); err != nil {
		return err
	}
	return tx.Commit()
}

// cleanIP keeps only a parsable address, in its canonical form, so the
// inet column gives back exactly what was hashed.
func cleanIP(s string) string {
	ip := net.ParseIP(s)
	if ip == nil {
		return ""
	}
	return ip.String()
}

// chainHash is the keyed hash of a sealed row: HMAC-SHA256 (see mac) over
// "chain", then the fields rowHash covers in the same order, then the
// row's content MAC. Without the key, nobody can re-chain rows after
// removing or changing one.
func chainHash(key []byte, r Row) string {
	actor, seq := "", ""
	if r.ActorID != nil {
		actor = strconv.FormatInt(*r.ActorID, 10)
	}
	if r.ChainSeq != nil {
		seq = strconv.FormatInt(*r.ChainSeq, 10)
	}
	return mac(key, "chain", r.PrevHash, seq, strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339Nano), actor,
		r.ActorRole, r.Action, r.Entity, r.EntityID, r.IP, r.RequestID, string(r.Change), r.MAC)
}

// rowMAC recomputes the content MAC acquis wrote with the row.
func rowMAC(key []byte, r Row) string {
	actor := ""
	if r.ActorID != nil {
		actor = strconv.FormatInt(*r.ActorID, 10)
	}
	return contentMAC(key, actor, r.ActorRole, r.Action, r.Entity, r.EntityID, r.IP, r.RequestID, string(r.Change))
}

// rowHash is the unkeyed chain of rows sealed before keyed sealing
// (migration 00012): SHA-256 over the row's fields, each written as an 8-byte
// big-endian length followed by its bytes, in this order: prev_hash,
// chain_seq, id, at (UTC, RFC 3339 with nanoseconds), actor_id ("" when none),
// actor_role, action, entity, entity_id, ip, request_id, change (the JSON
// text exactly as stored). Length prefixes make the encoding unambiguous.
func rowHash(r Row) string {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	actor := ""
	if r.ActorID != nil {
		actor = strconv.FormatInt(*r.ActorID, 10)
	}
	field(r.PrevHash)
	seq := ""
	if r.ChainSeq != nil {
		seq = strconv.FormatInt(*r.ChainSeq, 10)
	}
	field(seq)
	field(strconv.FormatInt(r.ID, 10))
	field(r.At.UTC().Format(time.RFC3339Nano))
	field(actor)
	field(r.ActorRole)
	field(r.Action)
	field(r.Entity)
	field(r.EntityID)
	field(r.IP)
	field(r.RequestID)
	field(string(r.Change))
	return hex.EncodeToString(h.Sum(nil))
}

const rowColumns = `id, at, actor_id, actor_role, action, entity, entity_id, coalesce(host(ip), '') AS ip, request_id,
	convert_to(change, 'UTF8') AS change, chain_seq, coalesce(prev_hash, '') AS prev_hash, coalesce(hash, '') AS hash, coalesce(mac, '') AS mac`

// Filter narrows the admin's view of the log.
type Filter struct {
	ActorID  int64
	Action   string // prefix: "candidacy." matches every candidacy action
	Entity   string
	EntityID string
	From, To time.Time
	Limit    int
	Offset   int
}

// List returns the rows matching f, newest first, and how many match.
func List(ctx context.Context, d *sqlx.DB, f Filter) ([]Row, int, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 500 {
		f.Limit = 500
	}
	where := `WHERE ($1::bigint = 0 OR actor_id = $1) AND ($2 = '' OR action LIKE $2 || '%') AND ($3 = '' OR entity = $3)
		AND ($4 = '' OR entity_id = $4) AND ($5::timestamptz IS NULL OR at >= $5) AND ($6::timestamptz IS NULL OR at < $6)`
	args := []any{f.ActorID, likePrefix(f.Action), f.Entity, f.EntityID, nullTime(f.From), nullTime(f.To)}
	var total int
	if err := d.GetContext(ctx, &total, `SELECT count(*) FROM audit_log `+where, args...); err != nil {
		return nil, 0, fmt.Errorf("audit: count: %w", err)
	}
	var rows []Row
	if err := d.SelectContext(ctx, &rows, `SELECT `+rowColumns+` FROM audit_log `+where+` ORDER BY id DESC LIMIT $7 OFFSET $8`,
		append(args, f.Limit, f.Offset)...); err != nil {
		return nil, 0, fmt.Errorf("audit: list: %w", err)
	}
	return rows, total, nil
}

func likePrefix(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// VerifyResult says whether the chain is intact and, if not, where it
// breaks.
type VerifyResult struct {
	Rows       int64
	OK         bool
	FirstBadID int64 // 0 when the break is not one row (rows missing at the end)
	Reason     string
}

// Verify seals what is pending, then walks the whole chain in order,
// streaming the rows, and checks for each row its link to the previous
// one, its keyed chain hash, its content MAC (a row written by anyone but
// acquis has none that matches) and, where the heads file recorded it,
// the head sealed then; finally, that no recorded head lies beyond the
// end of the chain (sealed rows removed from the end).
func Verify(ctx context.Context, d *sqlx.DB) (VerifyResult, error) {
	res := VerifyResult{OK: true}
	var forged *ForgedError
	if _, err := Seal(ctx, d); err != nil && !errors.As(err, &forged) {
		return res, err // forged rows are reported by the walk below
	}
	heads, err := readHeads()
	if err != nil {
		return res, err
	}
	var legacy int64
	if err := d.GetContext(ctx, &legacy, `SELECT coalesce(max(last_id), 0) FROM audit_legacy`); err != nil {
		return res, fmt.Errorf("audit: verify: %w", err)
	}
	rows, err := d.QueryxContext(ctx, `SELECT `+rowColumns+` FROM audit_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq`)
	if err != nil {
		return res, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	key := currentKey()
	prev := genesis
	var want int64 = 1
	for rows.Next() {
		var r Row
		if err := rows.StructScan(&r); err != nil {
			return res, fmt.Errorf("audit: verify: %w", err)
		}
		res.Rows++
		old := r.ID <= legacy
		switch {
		case r.PrevHash != prev || *r.ChainSeq != want:
			res.Reason = "le lien avec la ligne précédente est rompu (ligne supprimée ou insérée)"
		case chainHash(key, r) != r.Hash && !(old && rowHash(r) == r.Hash):
			res.Reason = "le contenu de la ligne a été modifié, ou la ligne a été scellée sans la clé d'acquis"
		case (!old || r.MAC != "") && rowMAC(key, r) != r.MAC:
			res.Reason = "la ligne n'a pas été écrite par acquis (code d'authentification absent ou faux)"
		case heads[want] != "" && heads[want] != r.Hash:
			res.Reason = "la ligne ne correspond plus à la tête de chaîne enregistrée hors de la base"
		}
		if res.Reason != "" {
			res.OK, res.FirstBadID = false, r.ID
			return res, nil
		}
		delete(heads, want)
		prev = r.Hash
		want++
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	for seq := range heads {
		if seq >= want {
			res.OK = false
			res.Reason = fmt.Sprintf("des lignes scellées ont disparu à la fin de la chaîne : elle s'arrête à la ligne n° %d, mais la tête n° %d a été enregistrée hors de la base (%s)", want-1, seq, HeadsFile)
			return res, nil
		}
	}
	return res, nil
}

// LastHead returns the head of the sealed chain (zero when nothing is
// sealed yet), for the signed minutes to print.
func LastHead(ctx context.Context, q sqlx.QueryerContext) (Head, error) {
	var h Head
	err := q.QueryRowxContext(ctx, `SELECT chain_seq, hash FROM audit_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Head{}, nil
	}
	if err != nil {
		return h, fmt.Errorf("audit: tête : %w", err)
	}
	return h, nil
}

// CheckHead tells whether a head recorded elsewhere (printed on signed
// minutes, say) is still in the chain as it was.
func CheckHead(ctx context.Context, d *sqlx.DB, h Head) error {
	var hash string
	err := d.GetContext(ctx, &hash, `SELECT hash FROM audit_log WHERE chain_seq = $1`, h.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("la ligne scellée n° %d n'existe plus dans le journal d'audit", h.Seq)
	}
	if err != nil {
		return err
	}
	if hash != h.Hash {
		return fmt.Errorf("la ligne scellée n° %d ne correspond plus à l'empreinte %s", h.Seq, h.Hash)
	}
	return nil
}
