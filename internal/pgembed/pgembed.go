package pgembed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lib/pq"
	"golang.org/x/sys/unix"
)

// Options configure the embedded cluster.
type Options struct {
	DataDir  string       // the app data dir; the cluster lives in DataDir/pg
	Database string       // created if missing; default "acquis"
	Logger   *slog.Logger // nil: slog.Default()
	// Fsync keeps PostgreSQL's durability settings; tests turn it off to
	// run faster on throw-away clusters.
	Fsync bool
	// SyncLater lets Start return before a new cluster's files are on
	// disk: they are flushed in the background while the caller migrates,
	// and the caller must call Durable before it serves. Without it, Start
	// waits for them itself. Only meaningful with Fsync.
	SyncLater bool
}

// Cluster is a running embedded PostgreSQL.
type Cluster struct {
	opts      Options
	bins      Binaries
	pgDir     string
	socketDir string
	lock      *os.File
	cred      *syscall.Credential
	log       *slog.Logger
	stopOnce  sync.Once
	stopErr   error

	// flush is the background flush of a cluster initdb has just written
	// (nil when there was none to do); Durable waits for it.
	flush *flush

	// mu guards the current postmaster, replaced when Supervise restarts
	// it, and the health Supervise reports.
	mu       sync.Mutex
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the current postmaster exits
	exitErr  error
	stopping bool
	health   Health
}

const port = 5432

// Start initialises the cluster if needed, starts it and creates the
// database. On any failure nothing is left running.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Database == "" {
		opts.Database = "acquis"
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	bins, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("impossible de créer le dossier de données %s : %w", dataDir, err)
	}
	c := &Cluster{opts: opts, bins: bins, pgDir: filepath.Join(dataDir, "pg"), log: log, health: Health{State: Running}}
	if err := c.acquireLock(dataDir); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			c.releaseLock()
		}
	}()
	cred, err := clusterUser()
	if err != nil {
		return nil, err
	}
	c.cred = cred
	if cred != nil {
		if err := checkReachable(dataDir, cred); err != nil {
			return nil, err
		}
	}
	c.socketDir = socketDir(dataDir)
	start := time.Now()
	if err := c.initIfNeeded(ctx, dataDir, cred); err != nil {
		return nil, err
	}
	if err := c.checkStalePostmaster(); err != nil {
		return nil, err
	}
	if err := c.launch(cred); err != nil {
		return nil, err
	}
	if err := c.waitReady(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	if err := c.CreateDatabase(ctx, opts.Database, ""); err != nil {
		c.Stop()
		return nil, err
	}
	if err := c.EnsureRoles(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	if opts.Database != "postgres" {
		if err := c.adoptDatabase(ctx, opts.Database); err != nil {
			c.Stop()
			return nil, err
		}
	}
	if !opts.SyncLater {
		if err := c.Durable(ctx); err != nil {
			c.Stop()
			return nil, err
		}
	}
	ok = true
	log.Info("PostgreSQL embarqué démarré", "version", bins.Version, "data", c.pgDir, "socket", c.socketDir, "duration", time.Since(start))
	return c, nil
}

// acquireLock takes an exclusive flock on DataDir/acquis.lock for the
// cluster's whole life: a second acquis on the same data dir stops here,
// before touching anything.
func (c *Cluster) acquireLock(dataDir string) error {
	f, err := os.OpenFile(filepath.Join(dataDir, "acquis.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("verrou du dossier de données : %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return fmt.Errorf("%w (%s) : arrêtez-la ou choisissez un autre ACQUIS_DATA_DIR", ErrAlreadyRunning, dataDir)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	c.lock = f
	return nil
}

func (c *Cluster) releaseLock() {
	if c.lock != nil {
		_ = unix.Flock(int(c.lock.Fd()), unix.LOCK_UN)
		c.lock.Close()
		c.lock = nil
	}
}

// clusterUser returns the credentials to run PostgreSQL under: nil when
// not root; the postgres system user when root, since initdb and postgres
// refuse to run as root.
func clusterUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("acquis tourne en root et l'utilisateur système postgres n'existe pas : installez le paquet postgresql ou lancez acquis sous un compte ordinaire")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// checkReachable makes sure the postgres user can enter and write the data
// dir (a folder under /root, say, is out of its reach) before anything is
// created, and says what to do otherwise.
func checkReachable(dataDir string, cred *syscall.Credential) error {
	probe := exec.Command("/bin/sh", "-c", `cd "$1" 2>/dev/null`, "sh", dataDir)
	probe.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if err := probe.Run(); err == nil {
		return nil
	}
	return fmt.Errorf("le dossier de données %s n'est pas accessible à l'utilisateur système postgres (un de ses dossiers parents lui est fermé) : "+
		"choisissez un ACQUIS_DATA_DIR qu'il peut traverser, par exemple /var/lib/acquis, ou ouvrez les dossiers parents (chmod o+x)", dataDir)
}

// socketDir puts the socket inside the data dir, unless that path would
// exceed the 107 bytes a unix socket path may have.
func socketDir(dataDir string) string {
	dir := filepath.Join(dataDir, "run")
	if len(dir)+len("/.s.PGSQL.5432") < 100 {
		return dir
	}
	sum := sha256.Sum256([]byte(dataDir))
	return filepath.Join(os.TempDir(), "acquis-"+hex.EncodeToString(sum[:6]))
}

// initIfNeeded runs initdb once, into a temporary sibling renamed into
// place on success, so a crash never leaves a half-initialised cluster.
// initdb runs with --no-sync: its fsync of every file it wrote (about a
// thousand) took 0.6 to 1 s of the first start's critical path. With
// Fsync, the cluster carries an unsynced marker, made durable before the
// rename, and a background flush starts (see durable.go); a cluster
// found with the marker was never made durable, so it never served, and
// is initialised again.
func (c *Cluster) initIfNeeded(ctx context.Context, dataDir string, cred *syscall.Credential) error {
	leftovers, _ := filepath.Glob(filepath.Join(dataDir, "pg.init-*"))
	for _, l := range leftovers {
		_ = os.RemoveAll(l)
	}
	if err := mkdirOwned(c.socketDir, cred); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(c.pgDir, "PG_VERSION")); err == nil {
		if _, err := os.Stat(filepath.Join(c.pgDir, unsyncedMarker)); err != nil {
			return nil
		}
		if err := c.checkStalePostmaster(); err != nil {
			return err
		}
		c.log.Warn("cluster PostgreSQL jamais rendu durable (premier démarrage interrompu) : il est recréé", "data", c.pgDir)
		if err := os.RemoveAll(c.pgDir); err != nil {
			return err
		}
	}
	if _, err := os.Stat(c.pgDir); err == nil {
		return fmt.Errorf("%s existe mais ne contient pas de cluster PostgreSQL : déplacez-le ou supprimez-le", c.pgDir)
	}
	tmp, err := os.MkdirTemp(dataDir, "pg.init-")
	if err != nil {
		return err
	}
	if err := chownTo(tmp, cred); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	start := time.Now()
	cmd := exec.CommandContext(ctx, c.bins.Initdb, "-D", tmp, "-E", "UTF8", "--locale=C", "-U", "postgres", "-A", "trust", "--no-instructions", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("initdb a échoué : %w\n%s", err, strings.TrimSpace(string(out)))
	}
	if c.opts.Fsync {
		if err := writeMarker(tmp); err != nil {
			os.RemoveAll(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, c.pgDir); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if c.opts.Fsync {
		c.flush = startFlush(c.pgDir, dataDir)
	}
	c.log.Info("cluster PostgreSQL initialisé", "data", c.pgDir, "duration", time.Since(start))
	return nil
}

func mkdirOwned(dir string, cred *syscall.Credential) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return chownTo(dir, cred)
}

func chownTo(path string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	return os.Chown(path, int(cred.Uid), int(cred.Gid))
}

// checkStalePostmaster refuses to start over a postgres still running on
// this cluster (one left by a killed acquis whose child did not follow).
func (c *Cluster) checkStalePostmaster() error {
	b, err := os.ReadFile(filepath.Join(c.pgDir, "postmaster.pid"))
	if err != nil {
		return nil
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil || pid <= 0 {
		return nil
	}
	if syscall.Kill(pid, 0) == nil {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if strings.Contains(string(cmdline), "postgres") {
			return fmt.Errorf("%w : un processus postgres (pid %d) tourne encore sur %s ; arrêtez-le (kill %d)", ErrAlreadyRunning, pid, c.pgDir, pid)
		}
	}
	return nil
}

// launch starts postgres as a direct child. Pdeathsig makes the kernel
// send SIGINT (fast shutdown) to postgres if acquis dies, even by SIGKILL;
// it fires when the creating OS thread exits, so the child is started from
// a goroutine locked to its thread that lives as long as the child.
func (c *Cluster) launch(cred *syscall.Credential) error {
	logDir := filepath.Join(c.pgDir, "log")
	if err := mkdirOwned(logDir, cred); err != nil {
		return err
	}
	logFile, err := os.OpenFile(filepath.Join(logDir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	_ = chownTo(logFile.Name(), cred)
	args := []string{"-D", c.pgDir, "-k", c.socketDir, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=", "-c", "unix_socket_permissions=0700", "-c", "max_connections=200"}
	if !c.opts.Fsync {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	started := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with this goroutine, after postgres
		cmd := exec.Command(c.bins.Postgres, args...)
		cmd.Stdout, cmd.Stderr = logFile, logFile
		cmd.Dir = "/"
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGINT, Setpgid: true}
		if err := cmd.Start(); err != nil {
			started <- err
			logFile.Close()
			close(exited)
			return
		}
		c.mu.Lock()
		c.cmd, c.exited, c.exitErr = cmd, exited, nil
		c.mu.Unlock()
		started <- nil
		err := cmd.Wait()
		logFile.Close()
		c.mu.Lock()
		c.exitErr = err
		c.mu.Unlock()
		close(exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("démarrage de postgres : %w", err)
	}
	return nil
}

// current returns the running postmaster and its exit channel.
func (c *Cluster) current() (*exec.Cmd, chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cmd, c.exited
}

// waitReady polls until the server accepts connections.
func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		db, err := sql.Open("postgres", c.DSNFor("postgres"))
		if err == nil {
			pctx, cancel := context.WithTimeout(ctx, time.Second)
			err = db.PingContext(pctx)
			cancel()
			db.Close()
			if err == nil {
				return nil
			}
		}
		_, exited := c.current()
		select {
		case <-exited:
			c.mu.Lock()
			exitErr := c.exitErr
			c.mu.Unlock()
			return fmt.Errorf("postgres s'est arrêté au démarrage : %v\n%s", exitErr, c.logTail(20))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond): // it is ready within a few hundred ms: poll finely
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres ne répond pas après 60 s\n%s", c.logTail(20))
		}
	}
}

func (c *Cluster) logTail(n int) string {
	b, err := os.ReadFile(filepath.Join(c.pgDir, "log", "postgres.log"))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// DSN is the lib/pq keyword DSN of the app's database as the superuser:
// for the launcher and tests only; the app uses OwnerDSN and AppDSN.
func (c *Cluster) DSN() string { return c.DSNFor(c.opts.Database) }

// DSNFor is the superuser's DSN of another database of the cluster.
func (c *Cluster) DSNFor(db string) string { return c.DSNAs("postgres", db) }

// CreateDatabase creates a database (from a template when given) unless
// it exists; a concurrent creator is not an error.
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) error {
	db, err := sql.Open("postgres", c.DSNFor("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	if exists {
		return nil
	}
	q := "CREATE DATABASE " + pq.QuoteIdentifier(name)
	if template != "" {
		q += " TEMPLATE " + pq.QuoteIdentifier(template)
	}
	_, err = db.ExecContext(ctx, q)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42P04" {
		return nil
	}
	return err
}

// DropDatabase drops a database, closing its connections.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", c.DSNFor("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	return err
}

// Stop shuts the cluster down (fast shutdown, then harder if it hangs) and
// releases the data dir. It is safe to call more than once.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		start := time.Now()
		c.mu.Lock()
		c.stopping = true
		c.mu.Unlock()
		cmd, exited := c.current()
		if cmd != nil && cmd.Process != nil {
			_ = cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Signal(syscall.SIGQUIT)
				select {
				case <-exited:
				case <-time.After(10 * time.Second):
					_ = cmd.Process.Kill()
					<-exited
					c.stopErr = errors.New("postgres ne s'arrêtait pas : tué")
				}
			}
		}
		if c.flush != nil {
			<-c.flush.done // never leave it writing into a data dir the caller may remove
		}
		c.releaseLock()
		c.log.Info("PostgreSQL embarqué arrêté", "duration", time.Since(start))
	})
	return c.stopErr
}

// PID returns the postmaster's process id, for tests.
func (c *Cluster) PID() int {
	cmd, _ := c.current()
	if cmd == nil || cmd.Process == nil {
		return 0
	}
	return cmd.Process.Pid
}
