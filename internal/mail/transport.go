// Package mail delivers iordesk's outgoing mail through a durable outbox:
// the worker, the routing of desk mail, the go-mail SMTP transport, the
// file transport (the default) and the rendering of each message.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Transport hands one message to its next hop. An error is either
// permanent (see Permanent) or worth retrying.
type Transport interface {
	Send(ctx context.Context, m *gomail.Msg) error
	// String names the transport for the log (never with a password).
	String() string
}

// sendTimeout bounds every network step of one delivery.
const sendTimeout = 30 * time.Second

// NewTransport picks the transport for IORDESK_SMTP_URL: smtp:// with
// STARTTLS required, smtps:// with implicit TLS, smtp+insecure:// without
// TLS (local test servers only); empty writes .eml files under mailDir.
func NewTransport(smtpURL, mailDir string) (Transport, error) {
	if smtpURL == "" {
		return &FileTransport{Dir: mailDir}, nil
	}
	u, err := url.Parse(smtpURL)
	if err != nil {
		return nil, errors.New("IORDESK_SMTP_URL is not a URL")
	}
	t := &SMTPTransport{scheme: u.Scheme, host: u.Hostname(), Timeout: sendTimeout}
	if t.host == "" {
		return nil, errors.New("IORDESK_SMTP_URL: no host")
	}
	switch u.Scheme {
	case "smtp":
		t.port = 587
	case "smtps":
		t.port = 465
	case "smtp+insecure":
		t.port = 25
	default:
		return nil, fmt.Errorf("IORDESK_SMTP_URL: scheme %q: want smtp, smtps or smtp+insecure", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if t.port, err = strconv.Atoi(p); err != nil || t.port < 1 || t.port > 65535 {
			return nil, fmt.Errorf("IORDESK_SMTP_URL: bad port %q", p)
		}
	}
	if u.User != nil {
		t.user = u.User.Username()
		t.password, _ = u.User.Password()
	}
	return t, nil
}

// SMTPTransport sends through an SMTP server with go-mail, one connection
// per message: a desk's volume does not need pooling, and a fresh client
// per send sidesteps any shared-client races.
type SMTPTransport struct {
	scheme, host   string
	port           int
	user, password string
	// Timeout bounds each network step (dial, every command and reply).
	Timeout time.Duration
}

// Send delivers m; it returns after the server's 250 to DATA, or an error.
func (t *SMTPTransport) Send(ctx context.Context, m *gomail.Msg) error {
	opts := []gomail.Option{gomail.WithPort(t.port), gomail.WithTimeout(t.Timeout)}
	switch t.scheme {
	case "smtp":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "smtps":
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if t.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(t.user), gomail.WithPassword(t.password))
	}
	c, err := gomail.NewClient(t.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 4*t.Timeout)
	defer cancel()
	return c.DialAndSendWithContext(ctx, m)
}

func (t *SMTPTransport) String() string {
	return t.scheme + "://" + net.JoinHostPort(t.host, strconv.Itoa(t.port))
}

// Permanent reports whether a send error will not go away by retrying: the
// server answered 5xx, or the message itself has no usable sender or
// recipient. Everything else — 4xx, refused or dropped connections,
// timeouts — is retried. (go-mail's own IsTemp is true only for replies
// starting with 4, so a refused connection would look permanent.)
func Permanent(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	if code := se.ErrorCode(); code >= 500 && code <= 599 {
		return true
	}
	return se.Reason == gomail.ErrGetSender || se.Reason == gomail.ErrGetRcpts
}

// FileTransport writes each message as an .eml file, atomically, so a fresh
// install loses no mail and a new user can open it in any mail program.
type FileTransport struct{ Dir string }

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Send writes m to Dir/<time>-<message id>.eml through a temporary file,
// synced before the rename, so a crash leaves either nothing or the whole
// message.
func (t *FileTransport) Send(ctx context.Context, m *gomail.Msg) error {
	if err := os.MkdirAll(t.Dir, 0o750); err != nil {
		return fmt.Errorf("mail dir: %w", err)
	}
	id := "message"
	if ids := m.GetGenHeader(gomail.HeaderMessageID); len(ids) > 0 {
		id = unsafeFileChars.ReplaceAllString(ids[0], "")
	}
	name := time.Now().UTC().Format("20060102-150405") + "-" + id + ".eml"
	tmp, err := os.CreateTemp(t.Dir, ".writing-*")
	if err != nil {
		return fmt.Errorf("write mail file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := m.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write mail file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write mail file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write mail file: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(t.Dir, name)); err != nil {
		return fmt.Errorf("write mail file: %w", err)
	}
	if dir, err := os.Open(t.Dir); err == nil {
		dir.Sync()
		dir.Close()
	}
	return nil
}

func (t *FileTransport) String() string { return "files in " + t.Dir }
