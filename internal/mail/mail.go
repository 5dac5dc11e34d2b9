// Package mail sends the application's messages (invitations, password
// resets). Every message is first written to the outbox table in the
// caller's transaction, so a message is never lost nor sent for a change
// that rolled back; it is then delivered through SMTP when ACQUIS_SMTP_URL
// is set, or written to the log with its links' tokens masked and kept in
// the admin outbox, so the flows work on the embedded default.
package mail

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Message is one e-mail.
type Message struct {
	To      string
	Subject string
	Body    string
	// HTML is the optional HTML alternative of Body.
	HTML string
	// UserID is the person it is written for (0: none), whose account
	// lists it.
	UserID int64
}

// Enqueue writes m to the outbox inside tx.
func Enqueue(ctx context.Context, tx *sqlx.Tx, m Message) (int64, error) {
	var id int64
	var user *int64
	if m.UserID != 0 {
		user = &m.UserID
	}
	err := tx.GetContext(ctx, &id, `INSERT INTO outbox (to_addr, subject, body, html_body, user_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		m.To, m.Subject, m.Body, m.HTML, user)
	if err != nil {
		return 0, fmt.Errorf("mail: enqueue: %w", err)
	}
	return id, nil
}

// Outboxed is a message as the admin outbox page shows it.
type Outboxed struct {
	ID        int64      `db:"id"`
	To        string     `db:"to_addr"`
	Subject   string     `db:"subject"`
	Body      string     `db:"body"`
	HTML      string     `db:"html_body"`
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`
	Error     string     `db:"error"`
}

// Sender delivers queued messages from a background worker (Run).
type Sender struct {
	db      *sqlx.DB
	smtpURL string
	from    string
	log     *slog.Logger
	// send delivers one message: through SMTP when configured, else to
	// the log. Tests replace it to count deliveries and inject failures.
	send func(Outboxed) error
	wake chan struct{}
	// baseURL replaces BaseURLMarker in the messages delivered and shown.
	baseURL string
}

// WithBaseURL sets the public URL the notices' links start with.
func (s *Sender) WithBaseURL(u string) *Sender {
	s.baseURL = strings.TrimRight(u, "/")
	return s
}

// Resolve puts the base URL in place of the marker in a queued text.
func (s *Sender) Resolve(text string) string {
	return strings.ReplaceAll(text, BaseURLMarker, s.baseURL)
}

const outboxColumns = `id, to_addr, subject, body, html_body, created_at, sent_at, error`

// ForUser lists the newest messages written for userID, links resolved,
// for their account page.
func (s *Sender) ForUser(ctx context.Context, userID int64, limit int) ([]Outboxed, error) {
	var out []Outboxed
	err := s.db.SelectContext(ctx, &out, `SELECT `+outboxColumns+` FROM outbox WHERE user_id = $1 ORDER BY id DESC LIMIT $2`, userID, limit)
	for i := range out {
		out[i].Body, out[i].HTML = s.Resolve(out[i].Body), s.Resolve(out[i].HTML)
	}
	return out, err
}

// NewSender returns a sender; smtpURL may be empty (log only).
func NewSender(d *sqlx.DB, smtpURL, from string, log *slog.Logger) *Sender {
	if from == "" {
		from = "acquis <ne-pas-repondre@acquis.localhost>"
	}
	s := &Sender{db: d, smtpURL: smtpURL, from: from, log: log, wake: make(chan struct{}, 1)}
	s.send = s.deliverOne
	return s
}

// Recent lists the newest messages for the admin outbox page.
func (s *Sender) Recent(ctx context.Context, limit int) ([]Outboxed, error) {
	var out []Outboxed
	err := s.db.SelectContext(ctx, &out, `SELECT `+outboxColumns+` FROM outbox ORDER BY id DESC LIMIT $1`, limit)
	for i := range out {
		out[i].Body, out[i].HTML = s.Resolve(out[i].Body), s.Resolve(out[i].HTML)
	}
	return out, err
}

// MaxAttempts is how many times a message is tried before it is given up
// (it stays in the outbox with its last error, for the admin to see).
const MaxAttempts = 8

// retryAfter is the delay before the next try after n failed ones: 30 s,
// 1 min, 2 min… up to an hour, so a mail server down for the night is
// waited for without hammering it.
func retryAfter(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Wake asks the worker to look at the queue now rather than at its next
// tick: a request that queued a message calls it and returns at once.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers due messages every tick and whenever Wake is called, until
// ctx ends. Several processes may run it on one database: each message is
// claimed by one of them.
func (s *Sender) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("file des courriels", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// DeliverDue sends every message that is due, one at a time: each is
// claimed in its own transaction with FOR UPDATE SKIP LOCKED, sent, and
// marked sent (or rescheduled with its error) before the claim is
// released, so another process never sends it too. A crash between the
// send and the commit sends it again later: at least once, never lost.
func (s *Sender) DeliverDue(ctx context.Context) (sent int, err error) {
	for {
		done, ok, err := s.deliverNext(ctx)
		if err != nil || !done {
			return sent, err
		}
		if ok {
			sent++
		}
	}
}

// deliverNext handles one due message; done is false when none is due.
func (s *Sender) deliverNext(ctx context.Context) (done, ok bool, err error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, false, fmt.Errorf("mail: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	var m struct {
		Outboxed
		Attempts int `db:"attempts"`
	}
	err = tx.GetContext(ctx, &m, `SELECT `+outboxColumns+`, attempts FROM outbox
		WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
		ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("mail: claim: %w", err)
	}
	m.Body, m.HTML = s.Resolve(m.Body), s.Resolve(m.HTML)
	if sendErr := s.send(m.Outboxed); sendErr != nil {
		n := m.Attempts + 1
		s.log.Error("envoi de courriel", "id", m.ID, "tentative", n, "err", sendErr)
		var err error
		if n >= MaxAttempts {
			_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = $2, error = $3, gave_up_at = now() WHERE id = $1`, m.ID, n, sendErr.Error())
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = $2, error = $3, next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1`,
				m.ID, n, sendErr.Error(), retryAfter(n).Seconds())
		}
		if err != nil {
			return false, false, fmt.Errorf("mail: reschedule: %w", err)
		}
		return true, false, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = now(), attempts = attempts + 1, error = '' WHERE id = $1`, m.ID); err != nil {
		return false, false, fmt.Errorf("mail: mark sent: %w", err)
	}
	return true, true, tx.Commit()
}

// deliverOne sends m through SMTP, or without SMTP writes it to the log
// (its links' tokens masked), where /admin/outbox also shows it.
func (s *Sender) deliverOne(m Outboxed) error {
	if s.smtpURL == "" {
		s.log.Info("courriel (pas de SMTP configuré : consultable dans /admin/outbox)", "to", m.To, "subject", m.Subject, "body", RedactTokens(m.Body))
		return nil
	}
	return s.sendSMTP(m)
}

func (s *Sender) sendSMTP(m Outboxed) error {
	u, err := url.Parse(s.smtpURL)
	if err != nil {
		return err
	}
	host := u.Hostname()
	port := u.Port()
	if port == "" {
		port = "587"
		if u.Scheme == "smtps" {
			port = "465"
		}
	}
	var auth smtp.Auth
	if u.User != nil {
		pw, _ := u.User.Password()
		auth = smtp.PlainAuth("", u.User.Username(), pw, host)
	}
	from := s.from
	if a := u.Query().Get("from"); a != "" {
		from = a
	}
	msg := buildMessage(from, m.To, m.Subject, m.Body, m.HTML)
	addr := net.JoinHostPort(host, port)
	if u.Scheme == "smtps" {
		conn, err := tls.Dial("tcp", addr, &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
		if err != nil {
			return err
		}
		c, err := smtp.NewClient(conn, host)
		if err != nil {
			return err
		}
		defer c.Close()
		if auth != nil {
			if err := c.Auth(auth); err != nil {
				return err
			}
		}
		return sendWith(c, envelope(from), m.To, msg)
	}
	return smtp.SendMail(addr, auth, envelope(from), []string{m.To}, msg)
}

func sendWith(c *smtp.Client, from, to string, msg []byte) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func envelope(from string) string {
	if i := strings.LastIndex(from, "<"); i >= 0 {
		return strings.Trim(from[i:], "<> ")
	}
	return from
}

// buildMessage writes the message: plain text alone, or plain text and
// HTML as multipart/alternative (clients show the last part they can).
func buildMessage(from, to, subject, body, html string) []byte {
	var b strings.Builder
	b.WriteString("From: " + from + "\r\n")
	b.WriteString("To: " + to + "\r\n")
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n")
	b.WriteString("Date: " + time.Now().Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	crlf := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n") }
	if html == "" {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		b.WriteString(crlf(body))
		return []byte(b.String())
	}
	boundary := "acquis-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	b.WriteString("Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n")
	for _, part := range []struct{ typ, text string }{{"text/plain", body}, {"text/html", html}} {
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString("Content-Type: " + part.typ + "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		var q strings.Builder
		w := quotedprintable.NewWriter(&q)
		_, _ = w.Write([]byte(crlf(part.text)))
		_ = w.Close()
		b.WriteString(q.String() + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return []byte(b.String())
}
