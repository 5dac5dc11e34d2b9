// Package pgembed runs the application's embedded default database: a
// private PostgreSQL cluster started from the PostgreSQL binaries installed
// on the machine, inside the app's data directory, listening on a unix
// socket only. A newcomer with Debian's postgresql package needs nothing
// else; production points ACQUIS_DATABASE_URL at a real server instead.
package pgembed

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

var (
	// ErrBinariesNotFound means initdb, pg_ctl or postgres is missing.
	ErrBinariesNotFound = errors.New("PostgreSQL est introuvable : installez le paquet postgresql (apt-get install postgresql) ou indiquez une base existante avec ACQUIS_DATABASE_URL")
	// ErrAlreadyRunning means another process uses this data directory.
	ErrAlreadyRunning = errors.New("une autre instance d'acquis utilise déjà ce dossier de données")
)

// Binaries are the PostgreSQL programs the cluster needs.
type Binaries struct {
	Dir      string
	Initdb   string
	PgCtl    string
	Postgres string
	Version  string
}

// searchRoot is where Debian installs each major version's binaries; tests
// point it elsewhere.
var searchRoot = "/usr/lib/postgresql"

// FindBinaries looks on PATH first, then under /usr/lib/postgresql/*/bin,
// newest major version first (Debian keeps them off PATH).
func FindBinaries() (Binaries, error) {
	if initdb, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(initdb)
		if b, ok := binariesIn(dir); ok {
			return b, nil
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(searchRoot, "*", "bin"))
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		if b, ok := binariesIn(dir); ok {
			return b, nil
		}
	}
	return Binaries{}, ErrBinariesNotFound
}

func binariesIn(dir string) (Binaries, bool) {
	b := Binaries{Dir: dir, Initdb: filepath.Join(dir, "initdb"), PgCtl: filepath.Join(dir, "pg_ctl"), Postgres: filepath.Join(dir, "postgres")}
	for _, p := range []string{b.Initdb, b.PgCtl, b.Postgres} {
		if st, err := os.Stat(p); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return b, false
		}
	}
	b.Version = filepath.Base(filepath.Dir(dir))
	return b, true
}

// versionOf turns …/15/bin or …/9.6/bin into a sortable number.
func versionOf(binDir string) float64 {
	v := filepath.Base(filepath.Dir(binDir))
	major, minor, _ := strings.Cut(v, ".")
	m, err := strconv.Atoi(major)
	if err != nil {
		return -1
	}
	n, _ := strconv.Atoi(minor)
	return float64(m) + float64(n)/100
}

func (b Binaries) String() string { return fmt.Sprintf("PostgreSQL %s (%s)", b.Version, b.Dir) }
