package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// overflowScript reports whether the page scrolls sideways and, if so,
// the widest element that sticks out (tag, id or class, its right edge).
const overflowScript = `(() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return "";
  let worst = null, right = 0;
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > right && r.width > 0) { right = r.right; worst = el; }
  }
  const name = worst ? worst.tagName.toLowerCase() + (worst.id ? "#" + worst.id : "") + (worst.className && typeof worst.className === "string" ? "." + worst.className.split(" ").join(".") : "") : "?";
  return root.scrollWidth + " px pour " + root.clientWidth + " px ; élément le plus large : " + name + " (bord droit " + Math.round(right) + " px)";
})()`

// TestNoSidewaysScroll opens every page of the authorisation matrix, as
// the first role allowed to see it, in a real Chromium at a phone's width
// (390 px) and a laptop's (1280 px): no page may scroll sideways. Wide
// tables scroll inside their own container instead.
func TestNoSidewaysScroll(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cases := matrix(matrixIDs(a))
	browsers := newBrowsers(t)
	open := map[who]*browser{}
	http := map[who]*client{}
	isPage := func(w who, path string) bool {
		c, ok := http[w]
		if !ok {
			c = a.client()
			if w != anon {
				c.login(whoEmails[w])
			}
			http[w] = c
		}
		res := c.get(path)
		return res.Status == 200 && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html")
	}
	as := func(w who) *browser {
		if b, ok := open[w]; ok {
			return b
		}
		b := browsers(whoNames[w], a.srv.URL)
		if w != anon {
			b.loginWithKeyboard(whoEmails[w])
		}
		open[w] = b
		return b
	}
	order := []who{admin, mgrA, juror, cand, obsNat, anon}
	checked := 0
	var problems []string
	for _, mc := range cases {
		if mc.method != "GET" {
			continue
		}
		for _, w := range order {
			if !mc.allowed[w] {
				continue
			}
			if !isPage(w, mc.path) {
				break
			}
			b := as(w)
			for _, width := range []int64{390, 1280} {
				var out string
				b.do("largeur", chromedp.EmulateViewport(width, 900))
				b.open(mc.path)
				b.do("débordement", chromedp.Evaluate(overflowScript, &out))
				if out != "" {
					problems = append(problems, fmt.Sprintf("%s à %d px (%s) : %s", mc.path, width, whoNames[w], out))
				}
				checked++
			}
			break
		}
	}
	if checked < 40 {
		t.Fatalf("%d pages vérifiées seulement", checked)
	}
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("%d affichages vérifiés", checked)
}
