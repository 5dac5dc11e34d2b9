package web

import (
	"io"
	"net/http"
	"testing"
)

// TestHeadAnsweredLikeGet: HEAD on /healthz, a static file, a page and a
// document answers as GET does (status, type, length), without a body; a
// HEAD on a route the visitor may not GET is refused as the GET is.
func TestHeadAnsweredLikeGet(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	_, doc := a.candidacyWithDocument(whoEmails[cand])
	c.login(whoEmails[cand])
	for _, path := range []string{"/healthz", a.s.assets.url("acquis.css"), "/referentiels", "/documents/" + itoa(doc)} {
		get := c.get(path)
		req, err := http.NewRequest(http.MethodHead, a.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != get.Status || res.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s : %d, GET : %d", path, res.StatusCode, get.Status)
		}
		if res.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("HEAD %s : type %q, GET %q", path, res.Header.Get("Content-Type"), get.Header.Get("Content-Type"))
		}
		// Pages carry a fresh token each time; files are the same bytes.
		if n := get.Header.Get("Content-Length"); n != "" && path != "/referentiels" && res.Header.Get("Content-Length") != n {
			t.Errorf("HEAD %s : longueur %q, GET %q", path, res.Header.Get("Content-Length"), n)
		}
		if len(body) != 0 {
			t.Errorf("HEAD %s : %d octets de corps", path, len(body))
		}
	}
	stranger := a.client()
	req, _ := http.NewRequest(http.MethodHead, a.srv.URL+"/documents/"+itoa(doc), nil)
	res, err := stranger.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if get := stranger.get("/documents/" + itoa(doc)); res.StatusCode != get.Status || res.StatusCode == http.StatusOK {
		t.Errorf("HEAD anonyme d'un document : %d (GET %d)", res.StatusCode, get.Status)
	}
}
