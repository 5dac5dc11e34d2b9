package web

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestHostileRequests: slow clients are cut off (headers and bodies), an
// oversize form is refused in French, SQL metacharacters are data, and
// markup typed into a name comes back escaped.
func TestHostileRequests(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	hs := a.s.HTTPServer()
	hs.ReadHeaderTimeout = 300 * time.Millisecond
	a.s.bodyTimeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln) //nolint:errcheck // closed below
	t.Cleanup(func() { hs.Close() })
	addr := ln.Addr().String()

	// Slow-loris: headers that never end; the server hangs up.
	closedWithin := func(t *testing.T, conn net.Conn, limit time.Duration) {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(limit))
		_, err := io.ReadAll(bufio.NewReader(conn))
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("connexion toujours ouverte après %v", limit)
		}
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: acquis\r\nX-Lent: "))
	closedWithin(t, conn, 5*time.Second)
	conn.Close()

	// A body that drips: announced 1,000 bytes, sends 10.
	conn, err = net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("POST /login HTTP/1.1\r\nHost: acquis\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a%40"))
	closedWithin(t, conn, 5*time.Second)
	conn.Close()

	c := a.client()
	c.login(whoEmails[admin])
	users := a.id(`SELECT count(*) FROM users`)
	// An oversize form on a route that is not an upload.
	big := url.Values{"email": {"x@exemple.fr"}, "full_name": {strings.Repeat("A", 2<<20)}, "role": {"observer"}}
	if res := c.post("/admin/users", big); res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "trop volumineuse") {
		t.Fatalf("formulaire de 2 Mo : %d", res.Status)
	}
	// Markup and SQL in a name: stored as typed, shown escaped.
	name := `<img src=x onerror=alert(1)> Robert'); DROP TABLE users;--`
	c.get("/admin/users")
	if res := c.post("/admin/users", url.Values{"email": {"robert@exemple.fr"}, "full_name": {name}, "role": {"observer"}}); res.Status >= 400 {
		t.Fatalf("invitation : %d\n%s", res.Status, res.Body)
	}
	if a.id(`SELECT count(*) FROM users`) != users+1 || a.id(`SELECT count(*) FROM users WHERE full_name = $1`, name) != 1 {
		t.Fatal("le nom n'a pas été enregistré tel quel")
	}
	res := c.get("/admin/users")
	if strings.Contains(res.Body, "<img src=x") || !strings.Contains(res.Body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Fatal("balise non échappée dans la liste des utilisateurs")
	}
	// SQL metacharacters in filters are values, not SQL.
	if res := c.get("/indicateurs/blocs?certification=" + url.QueryEscape("' OR 1=1 --")); res.Status != http.StatusOK || !strings.Contains(res.Body, "Aucune donnée") {
		t.Fatalf("filtre hostile : %d", res.Status)
	}
}
