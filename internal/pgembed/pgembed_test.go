package pgembed

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// baseDir makes a data dir the postgres user can reach when tests run as
// root (t.TempDir is 0700 and owned by root).
func baseDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgembed-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func postgresFor(dataDir string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		if strings.Contains(string(b), "postgres") && strings.Contains(string(b), dataDir) {
			pid := 0
			for _, r := range e.Name() {
				pid = pid*10 + int(r-'0')
			}
			pids = append(pids, pid)
		}
	}
	return pids
}

func TestStartStopRestart(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(baseDir(t), "data")
	ctx := context.Background()
	t0 := time.Now()
	c, err := Start(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	first := time.Since(t0)
	db, err := sql.Open("postgres", c.DSN())
	if err != nil {
		t.Fatal(err)
	}
	var enc string
	if err := db.QueryRow(`SHOW server_encoding`).Scan(&enc); err != nil || enc != "UTF8" {
		t.Fatalf("encodage : %q %v", enc, err)
	}
	db.Close()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if pids := postgresFor(dir); len(pids) > 0 {
		t.Fatalf("processus postgres restants : %v", pids)
	}
	if err := c.Stop(); err != nil {
		t.Fatal("second Stop :", err)
	}
	t1 := time.Now()
	c2, err := Start(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	warm := time.Since(t1)
	t.Logf("premier démarrage %v, démarrage à chaud %v", first, warm)
	if _, err := os.Stat(filepath.Join(dir, "pg", "PG_VERSION")); err != nil {
		t.Fatal(err)
	}
	c2.Stop()
}

func TestSecondInstanceRefused(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(baseDir(t), "data")
	ctx := context.Background()
	c, err := Start(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	_, err = Start(ctx, Options{DataDir: dir})
	if !errors.Is(err, ErrAlreadyRunning) || !strings.Contains(err.Error(), "autre instance") {
		t.Fatalf("seconde instance : %v", err)
	}
	db, _ := sql.Open("postgres", c.DSN())
	defer db.Close()
	if err := db.Ping(); err != nil {
		t.Fatalf("la première instance ne répond plus : %v", err)
	}
}

func TestBinariesNotFound(t *testing.T) {
	old := searchRoot
	searchRoot = t.TempDir()
	t.Setenv("PATH", t.TempDir())
	defer func() { searchRoot = old }()
	_, err := Start(context.Background(), Options{DataDir: t.TempDir()})
	if !errors.Is(err, ErrBinariesNotFound) || !strings.Contains(err.Error(), "apt-get install postgresql") {
		t.Fatalf("binaires absents : %v", err)
	}
}

func TestNewestVersionFirst(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9.6", "15", "13"} {
		bin := filepath.Join(root, v, "bin")
		os.MkdirAll(bin, 0o755)
		for _, p := range []string{"initdb", "pg_ctl", "postgres"} {
			os.WriteFile(filepath.Join(bin, p), []byte("#!/bin/sh\n"), 0o755)
		}
	}
	old := searchRoot
	searchRoot = root
	t.Setenv("PATH", t.TempDir())
	defer func() { searchRoot = old }()
	b, err := FindBinaries()
	if err != nil || b.Version != "15" {
		t.Fatalf("version choisie : %+v %v", b, err)
	}
}

func TestUnreachableDataDirAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("seulement en root")
	}
	closed := filepath.Join(baseDir(t), "ferme")
	if err := os.Mkdir(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(closed, "data")
	_, err := Start(context.Background(), Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "n'est pas accessible à l'utilisateur système postgres") {
		t.Fatalf("dossier inaccessible : %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg")); !os.IsNotExist(err) {
		t.Fatal("un cluster à moitié créé est resté")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "pg.init-*")); len(m) > 0 {
		t.Fatal("un dossier temporaire d'initdb est resté")
	}
}

// TestChildDiesWithParent kills a process that started a cluster with
// SIGKILL: its postgres must stop by itself, and a new start must work.
func TestChildDiesWithParent(t *testing.T) {
	if dir := os.Getenv("PGEMBED_CHILD_DIR"); dir != "" {
		if _, err := Start(context.Background(), Options{DataDir: dir}); err != nil {
			os.Exit(3)
		}
		os.WriteFile(filepath.Join(dir, "ready"), nil, 0o644)
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	t.Parallel()
	dir := filepath.Join(baseDir(t), "data")
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildDiesWithParent$")
	cmd.Env = append(os.Environ(), "PGEMBED_CHILD_DIR="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("le processus enfant n'a pas démarré son cluster")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(postgresFor(dir)) == 0 {
		t.Fatal("aucun postgres pour ce dossier")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline = time.Now().Add(30 * time.Second)
	for len(postgresFor(dir)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("postgres survit à son parent : %v", postgresFor(dir))
		}
		time.Sleep(100 * time.Millisecond)
	}
	c, err := Start(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatalf("redémarrage après SIGKILL : %v", err)
	}
	c.Stop()
}
