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
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Message is one e-mail.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Enqueue writes m to the outbox inside tx.
func Enqueue(ctx context.Context, tx *sqlx.Tx, m Message) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO outbox (to_addr, subject, body) VALUES ($1, $2, $3) RETURNING id`, m.To, m.Subject, m.Body)
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
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`
	Error     string     `db:"error"`
}

// Sender delivers queued messages.
type Sender struct {
	db      *sqlx.DB
	smtpURL string
	from    string
	log     *slog.Logger
}

// NewSender returns a sender; smtpURL may be empty (log only).
func NewSender(d *sqlx.DB, smtpURL, from string, log *slog.Logger) *Sender {
	if from == "" {
		from = "acquis <ne-pas-repondre@acquis.localhost>"
	}
	return &Sender{db: d, smtpURL: smtpURL, from: from, log: log}
}

// Recent lists the newest messages for the admin outbox page.
func (s *Sender) Recent(ctx context.Context, limit int) ([]Outboxed, error) {
	var out []Outboxed
	err := s.db.SelectContext(ctx, &out, `SELECT id, to_addr, subject, body, created_at, sent_at, error FROM outbox ORDER BY id DESC LIMIT $1`, limit)
	return out, err
}

// Deliver sends every unsent message. Without SMTP each is written to the
// log once and marked as delivered there.
func (s *Sender) Deliver(ctx context.Context) error {
	var pending []Outboxed
	if err := s.db.SelectContext(ctx, &pending, `SELECT id, to_addr, subject, body, created_at, sent_at, error FROM outbox
		WHERE sent_at IS NULL AND error = '' ORDER BY id LIMIT 100`); err != nil {
		return err
	}
	for _, m := range pending {
		var sendErr error
		if s.smtpURL == "" {
			s.log.Info("courriel (pas de SMTP configuré : consultable dans /admin/outbox)", "to", m.To, "subject", m.Subject, "body", RedactTokens(m.Body))
		} else {
			sendErr = s.sendSMTP(m)
		}
		if sendErr != nil {
			s.log.Error("envoi de courriel", "id", m.ID, "err", sendErr)
			_, _ = s.db.ExecContext(ctx, `UPDATE outbox SET error = $2 WHERE id = $1`, m.ID, sendErr.Error())
			continue
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE outbox SET sent_at = now() WHERE id = $1`, m.ID); err != nil {
			return err
		}
	}
	return nil
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
	msg := buildMessage(from, m.To, m.Subject, m.Body)
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

func buildMessage(from, to, subject, body string) []byte {
	var b strings.Builder
	b.WriteString("From: " + from + "\r\n")
	b.WriteString("To: " + to + "\r\n")
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n")
	b.WriteString("Date: " + time.Now().Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return []byte(b.String())
}
