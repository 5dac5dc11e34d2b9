package mail

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"strings"

	"github.com/jmoiron/sqlx"
)

// BaseURLMarker stands for the application's public URL in a queued
// notification. Stores that queue notices (portfolio, jury) are built in
// many places, some without the configuration; the sender, which has it,
// puts the URL in at delivery, and the pages that show a message do too.
const BaseURLMarker = "{{ACQUIS_BASE_URL}}"

// Fact is one labelled line of a notice (« Date », « Lieu »…).
type Fact struct {
	Label, Value string
}

// Notice is a notification about a step that concerns someone: a few
// paragraphs, optional facts, and the link to the page where they act.
type Notice struct {
	Subject    string
	Paragraphs []string
	Facts      []Fact
	// Action is the link's label; Path is the page's path ("/candidatures/12").
	Action string
	Path   string
	// URL, when set, is the whole link (an invitation's, built with the
	// configured base URL and a one-time token) and Path is ignored.
	URL string
}

// Link is the notice's absolute link, with the base URL left as the
// marker until delivery.
func (n Notice) Link() string {
	if n.URL != "" {
		return n.URL
	}
	return BaseURLMarker + n.Path
}

// Text renders the plain-text body for name.
func (n Notice) Text(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\n", name)
	for _, p := range n.Paragraphs {
		b.WriteString(p + "\n\n")
	}
	for _, f := range n.Facts {
		fmt.Fprintf(&b, "%s : %s\n", f.Label, f.Value)
	}
	if len(n.Facts) > 0 {
		b.WriteString("\n")
	}
	if n.Path != "" || n.URL != "" {
		fmt.Fprintf(&b, "%s :\n%s\n\n", n.Action, n.Link())
	}
	b.WriteString("Ce message vous est envoyé par acquis ; il est aussi consultable dans votre compte (Mon compte › Courriels reçus).\n")
	return b.String()
}

var noticeHTML = template.Must(template.New("notice").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.N.Subject}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1e1e1e; max-width: 40em">
<p>Bonjour {{.Name}},</p>
{{range .N.Paragraphs}}<p>{{.}}</p>
{{end}}{{if .N.Facts}}<table>{{range .N.Facts}}<tr><th scope="row" style="text-align: left; padding-right: 1em">{{.Label}}</th><td>{{.Value}}</td></tr>{{end}}</table>
{{end}}{{if .Link}}<p><a href="{{.Link}}" style="display: inline-block; padding: .5em 1em; background: #000091; color: #fff; text-decoration: none">{{.N.Action}}</a></p>
<p style="font-size: .9em">Si le bouton ne s'ouvre pas, copiez cette adresse : {{.Link}}</p>
{{end}}<p style="font-size: .9em; color: #555">Ce message vous est envoyé par acquis ; il est aussi consultable dans votre compte (Mon compte › Courriels reçus).</p>
</body></html>
`))

// HTML renders the HTML alternative for name; the link's marker is kept
// as text (html/template would otherwise reject it as a URL prefix).
func (n Notice) HTML(name string) string {
	var b bytes.Buffer
	var link template.URL
	if n.Path != "" || n.URL != "" {
		link = template.URL(n.Link())
	}
	if err := noticeHTML.Execute(&b, map[string]any{"N": n, "Name": name, "Link": link}); err != nil {
		// The template is fixed and its data plain strings: this cannot fail.
		panic(err)
	}
	// html/template percent-encodes the marker's braces inside href.
	return strings.ReplaceAll(b.String(), "%7b%7bACQUIS_BASE_URL%7d%7d", BaseURLMarker)
}

// Notify queues n for the user userID, at their current address, inside
// tx: the notice is sent if and only if the change it announces commits.
func Notify(ctx context.Context, tx *sqlx.Tx, userID int64, n Notice) error {
	var u struct {
		Email string `db:"email"`
		Name  string `db:"full_name"`
	}
	if err := tx.GetContext(ctx, &u, `SELECT email, full_name FROM users WHERE id = $1`, userID); err != nil {
		return fmt.Errorf("mail: notify %d: %w", userID, err)
	}
	_, err := Enqueue(ctx, tx, Message{To: u.Email, Subject: n.Subject, Body: n.Text(u.Name), HTML: n.HTML(u.Name), UserID: userID})
	return err
}
