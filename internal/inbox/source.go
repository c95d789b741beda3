// Package inbox brings the prospects' answers back onto the record: it
// polls the desk mailbox over IMAP, reads each new message's text (never
// its attachments), finds the enquiry it belongs to and records it through
// the store (docs/DESIGN.md, "Mail that comes back").
package inbox

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Source is the mailbox to poll, from IORDESK_IMAP_URL.
type Source struct {
	// Scheme: imaps (TLS from the start), imap (STARTTLS required) or
	// imap+insecure (no TLS: a test server on this machine).
	Scheme             string
	Addr               string // host:port
	Username, Password string
	Mailbox            string
}

// ParseURL reads imaps://user:pass@host:993/INBOX (the mailbox defaults to
// INBOX, the port to the scheme's).
func ParseURL(s string) (Source, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Source{}, fmt.Errorf("IORDESK_IMAP_URL: %w", err)
	}
	src := Source{Scheme: u.Scheme, Mailbox: strings.TrimPrefix(u.Path, "/")}
	port := ""
	switch u.Scheme {
	case "imaps":
		port = "993"
	case "imap", "imap+insecure":
		port = "143"
	default:
		return Source{}, fmt.Errorf("IORDESK_IMAP_URL: want imaps://, imap:// (STARTTLS) or imap+insecure://, not %q", u.Scheme+"://")
	}
	if u.Hostname() == "" || u.User == nil || u.User.Username() == "" {
		return Source{}, fmt.Errorf("IORDESK_IMAP_URL: want scheme://user:password@host[:port]/mailbox")
	}
	if u.Port() != "" {
		port = u.Port()
	}
	src.Addr = net.JoinHostPort(u.Hostname(), port)
	src.Username = u.User.Username()
	src.Password, _ = u.User.Password()
	if src.Mailbox == "" {
		src.Mailbox = "INBOX"
	}
	return src, nil
}

// Name identifies the mailbox in the database (never the password): the
// poller's place and lease are kept under it.
func (s Source) Name() string {
	return s.Username + "@" + s.Addr + "/" + s.Mailbox
}
