// Package dbtest gives each test its own freshly migrated PostgreSQL
// database. It uses ACQUIS_TEST_DATABASE_URL when set; otherwise it starts the
// project's embedded cluster once per test binary, so `go test ./...` passes
// on a machine that only has the PostgreSQL binaries installed.
//
// One template database is migrated (and optionally seeded) once per test
// binary; every test then gets `CREATE DATABASE … TEMPLATE`, dropped in
// t.Cleanup, so tests are isolated and may run in parallel.
//
// Tests run as the application does: New connects as the serving role
// (acquis_app, neither superuser nor owner), so a privilege a migration
// forgot to grant fails the suite. Owner and Superuser reach the same
// database with more rights, for tests that stage an attack or DDL.
package dbtest

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"acquis/internal/db"
	"acquis/internal/pgembed"
)

// Seed prepares the template database once per test binary, after the
// migrations (for instance by loading the référentiels).
type Seed func(ctx context.Context, d *sqlx.DB) error

var (
	mu       sync.Mutex
	started  bool
	setupErr error
	server   *serverInfo
	seed     Seed
	counter  atomic.Int64
)

type serverInfo struct {
	cluster  *pgembed.Cluster // nil when ACQUIS_TEST_DATABASE_URL is used
	dir      string
	baseDSN  string // superuser's DSN of the maintenance database
	template string
}

// testPassword is the password dbtest gives the two roles on an external
// test server, where "trust" authentication cannot be assumed.
const testPassword = "acquis-test"

// dsnAs is the DSN of database name as role.
func (s *serverInfo) dsnAs(role, name string) string {
	if s.cluster != nil {
		return s.cluster.DSNAs(role, name)
	}
	return withUser(WithDBName(s.baseDSN, name), role, testPassword)
}

// withUser returns dsn with another user and password; it understands
// both URL and keyword forms.
func withUser(dsn, user, password string) string {
	if strings.Contains(dsn, "://") {
		if u, err := url.Parse(dsn); err == nil {
			u.User = url.UserPassword(user, password)
			return u.String()
		}
	}
	return dsn + " user=" + user + " password=" + password
}

// createRoles makes the owner and serving roles on an external test server
// (the embedded cluster makes its own), as the application's README says.
func createRoles(ctx context.Context, admin *sqlx.DB) error {
	for _, r := range []string{pgembed.OwnerRole, pgembed.AppRole} {
		_, err := admin.ExecContext(ctx, "CREATE ROLE "+pq.QuoteIdentifier(r)+" LOGIN PASSWORD "+pq.QuoteLiteral(testPassword))
		if err != nil && !db.IsCode(err, "42710") && !db.IsCode(err, "23505") {
			return fmt.Errorf("dbtest: rôle %s : %w", r, err)
		}
	}
	return nil
}

// Main runs the package's tests and then stops the embedded cluster, if one
// was started. Call it from TestMain; seed may be nil.
func Main(m *testing.M, s Seed) {
	seed = s
	code := m.Run()
	shutdown()
	os.Exit(code)
}

func shutdown() {
	mu.Lock()
	defer mu.Unlock()
	if server == nil {
		return
	}
	if server.cluster != nil {
		_ = server.cluster.Stop()
		_ = os.RemoveAll(server.dir)
	} else if server.template != "" {
		if a, err := sqlx.Open("postgres", server.baseDSN); err == nil {
			_, _ = a.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(server.template) + " WITH (FORCE)")
			a.Close()
		}
	}
	server = nil
}

// WithDBName returns dsn pointing at database name; it understands both URL
// and keyword forms.
func WithDBName(dsn, name string) string {
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err == nil {
			u.Path = "/" + name
			return u.String()
		}
	}
	return dsn + " dbname=" + name
}

func start(ctx context.Context) (*serverInfo, error) {
	info := &serverInfo{}
	if dsn := os.Getenv("ACQUIS_TEST_DATABASE_URL"); dsn != "" {
		info.baseDSN = dsn
	} else {
		// os.TempDir, not t.TempDir: when tests run as root the cluster runs
		// as the postgres user, who cannot enter t.TempDir's 0700 folders.
		dir, err := os.MkdirTemp("", "acquis-test-")
		if err != nil {
			return nil, err
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			return nil, err
		}
		info.dir = dir
		c, err := pgembed.Start(ctx, pgembed.Options{
			DataDir:  filepath.Join(dir, "data"),
			Database: "postgres",
			// Durability off by default: test clusters are thrown away.
			// Load tests set ACQUIS_TEST_FSYNC=1 to measure the real cost.
			Fsync:  os.Getenv("ACQUIS_TEST_FSYNC") == "1",
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		})
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		info.cluster = c
		info.baseDSN = c.DSNFor("postgres")
	}
	info.template = fmt.Sprintf("acquis_tpl_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	admin, err := sqlx.Open("postgres", info.baseDSN)
	if err != nil {
		return info, err
	}
	defer admin.Close()
	if info.cluster == nil {
		if err := createRoles(ctx, admin); err != nil {
			return info, err
		}
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(info.template)+" OWNER "+pgembed.OwnerRole); err != nil {
		return info, fmt.Errorf("dbtest: create template: %w", err)
	}
	tpl, err := db.Open(ctx, info.dsnAs(pgembed.OwnerRole, info.template))
	if err != nil {
		return info, err
	}
	defer tpl.Close()
	if _, err := db.Migrate(ctx, tpl, nil); err != nil {
		return info, err
	}
	if seed != nil {
		if err := seed(ctx, tpl); err != nil {
			return info, fmt.Errorf("dbtest: seed: %w", err)
		}
	}
	return info, nil
}

func ensure(t testing.TB) *serverInfo {
	mu.Lock()
	defer mu.Unlock()
	if !started {
		started = true
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		server, setupErr = start(ctx)
	}
	if setupErr != nil {
		t.Fatalf("dbtest: PostgreSQL indisponible : %v", setupErr)
	}
	return server
}

// DSN creates a fresh database from the template and returns its DSN as
// the serving role; the database is dropped when the test ends.
func DSN(t testing.TB) string {
	t.Helper()
	s := ensure(t)
	return s.dsnAs(pgembed.AppRole, newDatabase(t, s))
}

// OwnerDSN is DSN as the schema's owner, for a test that runs the
// migrations itself.
func OwnerDSN(t testing.TB) string {
	t.Helper()
	s := ensure(t)
	return s.dsnAs(pgembed.OwnerRole, newDatabase(t, s))
}

func newDatabase(t testing.TB, s *serverInfo) string {
	t.Helper()
	name := fmt.Sprintf("acquis_t_%d_%d", os.Getpid(), counter.Add(1))
	admin, err := sqlx.Open("postgres", s.baseDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	// CREATE DATABASE … TEMPLATE fails while another CREATE copies the same
	// template, so retry briefly under parallel tests.
	var lastErr error
	for i := 0; i < 50; i++ {
		_, lastErr = admin.Exec("CREATE DATABASE " + pq.QuoteIdentifier(name) + " TEMPLATE " + pq.QuoteIdentifier(s.template) + " OWNER " + pgembed.OwnerRole)
		if lastErr == nil || !strings.Contains(lastErr.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if lastErr != nil {
		t.Fatalf("dbtest: create database: %v", lastErr)
	}
	t.Cleanup(func() {
		a, err := sqlx.Open("postgres", s.baseDSN)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(name) + " WITH (FORCE)")
	})
	return name
}

// New returns a connection pool to a fresh, migrated (and seeded) database
// that lives as long as the test, connected as the serving role.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	return open(t, DSN(t))
}

// Owner returns a pool to the same database as d, as the schema's owner:
// for tests that need DDL (a failure-injecting trigger, say).
func Owner(t testing.TB, d *sqlx.DB) *sqlx.DB {
	t.Helper()
	return open(t, ensure(t).dsnAs(pgembed.OwnerRole, databaseOf(t, d)))
}

// Superuser returns a pool to the same database as d, as a superuser: for
// tests that play an attacker able to bypass every trigger.
func Superuser(t testing.TB, d *sqlx.DB) *sqlx.DB {
	t.Helper()
	return open(t, WithDBName(ensure(t).baseDSN, databaseOf(t, d)))
}

func databaseOf(t testing.TB, d *sqlx.DB) string {
	t.Helper()
	var name string
	if err := d.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	return name
}

func open(t testing.TB, dsn string) *sqlx.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
