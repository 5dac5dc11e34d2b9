// Package audit is the append-only audit log: one row per meaningful write
// and per sensitive read, each carrying the SHA-256 of the previous row so
// that altering or removing a row afterwards breaks the chain.
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (`+Columns+`) VALUES (`+Placeholders(1)+`)`, args...); err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	return nil
}

// Columns are the audit_log columns a writer fills, in the order of
// Entry.Values; the rest (id, time, chaining) the database and the sealer
// fill. A statement that writes its audit row itself, in the same round
// trip as its change, uses them with Placeholders.
const Columns = "actor_id, actor_role, action, entity, entity_id, ip, request_id, change"

// Placeholders returns the typed parameters $first… for Columns. The casts
// let the row be inserted from a SELECT, where PostgreSQL cannot infer the
// parameters' types from the target columns.
func Placeholders(first int) string {
	types := []string{"bigint", "text", "text", "text", "text", "inet", "text", "text"}
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = "$" + strconv.Itoa(first+i) + "::" + t
	}
	return strings.Join(out, ", ")
}

// Values are the entry's column values, in the order of Columns.
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
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	if c := cleanIP(e.IP); c != "" {
		ip = c
	}
	return []any{actor, e.ActorRole, e.Action, e.Entity, e.EntityID, ip, e.RequestID, string(change)}, nil
}

// Seal chains every committed, unsealed row: in id order, each gets the
// next chain_seq, the previous row's hash and its own. It returns how many
// rows it sealed; another sealer already at work makes it return 0.
func Seal(ctx context.Context, d *sqlx.DB) (int, error) {
	total := 0
	for {
		n, err := sealBatch(ctx, d)
		total += n
		if err != nil || n < sealBatchSize {
			return total, err
		}
	}
}

const sealBatchSize = 2000

func sealBatch(ctx context.Context, d *sqlx.DB) (int, error) {
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	var got bool
	if err := tx.GetContext(ctx, &got, `SELECT pg_try_advisory_xact_lock($1)`, sealLock); err != nil || !got {
		return 0, err
	}
	var last struct {
		Seq  int64  `db:"chain_seq"`
		Hash string `db:"hash"`
	}
	err = tx.GetContext(ctx, &last, `SELECT chain_seq, hash FROM audit_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		last.Hash = genesis
	} else if err != nil {
		return 0, err
	}
	var rows []Row
	if err := tx.SelectContext(ctx, &rows, `SELECT `+rowColumns+` FROM audit_log WHERE hash IS NULL ORDER BY id LIMIT $1`, sealBatchSize); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(rows))
	seqs := make([]int64, len(rows))
	prevs := make([]string, len(rows))
	hashes := make([]string, len(rows))
	prev, seq := last.Hash, last.Seq
	for i := range rows {
		seq++
		r := &rows[i]
		r.ChainSeq, r.PrevHash = &seq, prev
		r.Hash = rowHash(*r)
		ids[i], seqs[i], prevs[i], hashes[i] = r.ID, seq, prev, r.Hash
		prev = r.Hash
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log a SET chain_seq = u.seq, prev_hash = u.prev, hash = u.hash
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, seq, prev, hash) WHERE a.id = u.id`,
		pq.Array(ids), pq.Array(seqs), pq.Array(prevs), pq.Array(hashes)); err != nil {
		return 0, fmt.Errorf("audit: seal: %w", err)
	}
	return len(rows), tx.Commit()
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

// rowHash is SHA-256 over the row's fields, each written as an 8-byte
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
	convert_to(change, 'UTF8') AS change, chain_seq, coalesce(prev_hash, '') AS prev_hash, coalesce(hash, '') AS hash`

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
	FirstBadID int64
	Reason     string
}

// Verify seals what is pending, then walks the whole chain in order,
// streaming the rows, and checks both the links and each row's own hash.
func Verify(ctx context.Context, d *sqlx.DB) (VerifyResult, error) {
	res := VerifyResult{OK: true}
	if _, err := Seal(ctx, d); err != nil {
		return res, err
	}
	rows, err := d.QueryxContext(ctx, `SELECT `+rowColumns+` FROM audit_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq`)
	if err != nil {
		return res, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	prev := genesis
	var want int64 = 1
	for rows.Next() {
		var r Row
		if err := rows.StructScan(&r); err != nil {
			return res, fmt.Errorf("audit: verify: %w", err)
		}
		res.Rows++
		switch {
		case r.PrevHash != prev || *r.ChainSeq != want:
			res.OK, res.FirstBadID = false, r.ID
			res.Reason = "le lien avec la ligne précédente est rompu (ligne supprimée ou insérée)"
		case rowHash(r) != r.Hash:
			res.OK, res.FirstBadID = false, r.ID
			res.Reason = "le contenu de la ligne a été modifié"
		}
		if !res.OK {
			return res, nil
		}
		prev = r.Hash
		want++
	}
	return res, rows.Err()
}
