package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// postmasterPID reads the embedded cluster's postmaster.pid.
func postmasterPID(t *testing.T, data string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "pg", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// health returns /healthz's status code and body.
func health(addr string) (int, map[string]any) {
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

// TestEmbeddedPostgresKilledUnderServe: the postmaster killed under a
// running server is restarted by acquis, which logs it and says so on
// /healthz (one restart), and the application answers again.
func TestEmbeddedPostgresKilledUnderServe(t *testing.T) {
	bin := buildBinary(t)
	data := dataDir(t)
	addr := freeAddr(t)
	cmd, logs := serve(t, bin, data, addr)
	waitHealthy(t, addr, 60*time.Second)
	if code, body := health(addr); code != http.StatusOK || body["base"] == nil {
		t.Fatalf("healthz avant : %d %v", code, body)
	}
	old := postmasterPID(t, data)
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second) // bounds a broken run only
	var body map[string]any
	for {
		var code int
		code, body = health(addr)
		if base, ok := body["base"].(map[string]any); ok && code == http.StatusOK && base["redémarrages"] == float64(1) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pas de redémarrage : %d %v\n%s", code, body, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if postmasterPID(t, data) == old {
		t.Fatal("même postmaster")
	}
	res, err := http.Get("http://" + addr + "/referentiels")
	if err == nil {
		res.Body.Close()
	}
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("application après redémarrage : %v %v", err, res)
	}
	if l := logs.String(); !strings.Contains(l, "PostgreSQL embarqué arrêté sous acquis") || !strings.Contains(l, "PostgreSQL embarqué redémarré") {
		t.Fatalf("journal : %s", l)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
}
