package mail

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"acquis/internal/db"
	"acquis/internal/db/dbtest"
)

// TestNoticeMultipartAlternative: a notice goes out as plain text and HTML
// alternatives, both in French with the link to the page, the base URL put
// in at delivery, and what the person typed escaped in the HTML.
func TestNoticeMultipartAlternative(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	var uid int64
	if err := d.Get(&uid, `INSERT INTO users (email, full_name) VALUES ('c@exemple.fr', 'Chloé <Martin>') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	n := Notice{Subject: "Votre candidature est recevable", Paragraphs: []string{"Le certificateur a statué."},
		Facts: []Fact{{Label: "Motifs", Value: "Expérience <suffisante> & prouvée"}}, Action: "Constituer votre dossier", Path: "/candidatures/7"}
	if err := db.InTx(ctx, d, func(tx *sqlx.Tx) error { return Notify(ctx, tx, uid, n) }); err != nil {
		t.Fatal(err)
	}
	s := NewSender(d, "", "", slog.New(slog.NewTextHandler(io.Discard, nil))).WithBaseURL("https://acquis.exemple.fr/")
	var got []Outboxed
	s.send = func(m Outboxed) error { got = append(got, m); return nil }
	if n, err := s.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("envoi : %d, %v", n, err)
	}
	m := got[0]
	if !strings.Contains(m.Body, "Bonjour Chloé <Martin>,") || !strings.Contains(m.Body, "https://acquis.exemple.fr/candidatures/7") || strings.Contains(m.Body, BaseURLMarker) {
		t.Fatalf("texte : %q", m.Body)
	}
	if !strings.Contains(m.HTML, `href="https://acquis.exemple.fr/candidatures/7"`) || !strings.Contains(m.HTML, "Expérience &lt;suffisante&gt; &amp; prouvée") ||
		!strings.Contains(m.HTML, "Chloé &lt;Martin&gt;") || !strings.Contains(m.HTML, `lang="fr"`) {
		t.Fatalf("HTML : %s", m.HTML)
	}
	// The account lists it, resolved.
	mine, err := s.ForUser(ctx, uid, 10)
	if err != nil || len(mine) != 1 || !strings.Contains(mine[0].Body, "https://acquis.exemple.fr/candidatures/7") {
		t.Fatalf("compte : %+v, %v", mine, err)
	}

	raw := buildMessage("acquis <a@b.fr>", m.To, m.Subject, m.Body, m.HTML)
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("type : %s, %v", mt, err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		body, _ := io.ReadAll(p) // quoted-printable decoded by the reader
		types = append(types, p.Header.Get("Content-Type"))
		if !strings.Contains(string(body), "https://acquis.exemple.fr/candidatures/7") {
			t.Fatalf("partie %s sans lien : %s", p.Header.Get("Content-Type"), body)
		}
	}
	if len(types) != 2 || !strings.HasPrefix(types[0], "text/plain") || !strings.HasPrefix(types[1], "text/html") {
		t.Fatalf("parties : %v", types)
	}
	// Without HTML, the message stays plain text.
	plain := buildMessage("a@b.fr", "c@d.fr", "Essai", "Bonjour", "")
	if !strings.Contains(string(plain), "Content-Type: text/plain; charset=utf-8") || strings.Contains(string(plain), "multipart") {
		t.Fatalf("texte seul : %s", plain)
	}
}
