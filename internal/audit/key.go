package audit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// keyState is the process's audit key and the file that keeps the sealed
// heads outside the database.
var keyState struct {
	mu        sync.RWMutex
	key       []byte
	headsPath string
}

// Configure sets the key of the audit log's MACs and the append-only file
// where each sealed head is written (empty: none). serve and every
// maintenance command call it at start-up, before any row is written.
func Configure(key []byte, headsPath string) {
	keyState.mu.Lock()
	defer keyState.mu.Unlock()
	keyState.key = append([]byte(nil), key...)
	keyState.headsPath = headsPath
}

// currentKey returns the configured key. A process that configured none
// (a test binary) gets a random one of its own, so its rows are still
// MAC'd consistently, and verifiable, within the process.
func currentKey() []byte {
	keyState.mu.RLock()
	k := keyState.key
	keyState.mu.RUnlock()
	if k != nil {
		return k
	}
	keyState.mu.Lock()
	defer keyState.mu.Unlock()
	if keyState.key == nil {
		keyState.key = make([]byte, 32)
		if _, err := rand.Read(keyState.key); err != nil {
			panic(err)
		}
	}
	return keyState.key
}

func headsPath() string {
	keyState.mu.RLock()
	defer keyState.mu.RUnlock()
	return keyState.headsPath
}

// KeyFile is the key's file name in the data dir; HeadsFile the sealed
// heads'.
const (
	KeyFile   = "audit.key"
	HeadsFile = "audit.heads"
)

// LoadKey returns the MAC key: fromEnv (ACQUIS_AUDIT_KEY) when set,
// otherwise the key kept in dataDir/audit.key, generated (32 random bytes,
// mode 0600) on first start. The key never goes to the database: whoever
// writes to the database without it cannot produce a valid row.
func LoadKey(dataDir, fromEnv string) ([]byte, error) {
	if fromEnv != "" {
		return []byte(fromEnv), nil
	}
	path := filepath.Join(dataDir, KeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("la clé du journal d'audit %s est lisible par d'autres comptes (mode %v) : chmod 600 %s", path, st.Mode().Perm(), path)
		}
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) < 32 {
			return nil, fmt.Errorf("la clé du journal d'audit %s est illisible : attendu 64 caractères hexadécimaux", path)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("clé du journal d'audit : %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadKey(dataDir, "") // another process created it first
	}
	if err != nil {
		return nil, fmt.Errorf("clé du journal d'audit : %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(k) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return k, f.Close()
}

// mac is HMAC-SHA256 under the key of fields, each written as an 8-byte
// big-endian length followed by its bytes (unambiguous encoding).
func mac(key []byte, fields ...string) string {
	h := hmac.New(sha256.New, key)
	for _, s := range fields {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// contentMAC is the MAC acquis writes with a row: over what the writer
// knows (not the id or time the database assigns), prefixed "row" so it
// can never be confused with a chain hash.
func contentMAC(key []byte, actorID, actorRole, action, entity, entityID, ip, requestID, change string) string {
	return mac(key, "row", actorID, actorRole, action, entity, entityID, ip, requestID, change)
}

// Head is the last sealed row: its chain_seq and hash. Written outside the
// database (the heads file, the signed minutes), it lets a verification
// tell when sealed rows were removed from the end of the chain.
type Head struct {
	Seq  int64
	Hash string
}

// String is the head as printed and as `acquis audit verify --head` takes
// it: "seq:hash".
func (h Head) String() string { return strconv.FormatInt(h.Seq, 10) + ":" + h.Hash }

// ParseHead reads a head written by String.
func ParseHead(s string) (Head, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n <= 0 || !shaHex(hash) {
		return Head{}, fmt.Errorf("tête de chaîne invalide %q : attendu n°:empreinte, par exemple 1234:3f9a…(64 caractères hexadécimaux)", s)
	}
	return Head{Seq: n, Hash: hash}, nil
}

func shaHex(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// appendHead writes a sealed head to the heads file and syncs it, so a
// verification later knows the chain reached at least this far.
func appendHead(h Head) error {
	path := headsPath()
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("audit: têtes scellées : %w", err)
	}
	if _, err := fmt.Fprintf(f, "%s %s\n", h, time.Now().UTC().Format(time.RFC3339)); err != nil {
		f.Close()
		return fmt.Errorf("audit: têtes scellées : %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readHeads returns the heads recorded in the heads file, by seq.
func readHeads() (map[int64]string, error) {
	out := map[int64]string{}
	path := headsPath()
	if path == "" {
		return out, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: têtes scellées : %w", err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		h, err := ParseHead(f[0])
		if err != nil {
			return nil, fmt.Errorf("audit: %s, ligne %d : %w", path, i+1, err)
		}
		out[h.Seq] = h.Hash
	}
	return out, nil
}
