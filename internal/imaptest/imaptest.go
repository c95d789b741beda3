// Package imaptest runs IMAP servers for tests: go-imap's in-memory
// server on loopback, and Debian's Dovecot (see dovecot.go). Each serves
// one desk mailbox, user "desk", password "secret".
package imaptest

import (
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// The desk mailbox's account on every test server.
const (
	User     = "desk"
	Password = "secret"
)

// Server is an IMAP server holding the desk mailbox.
type Server struct {
	t    testing.TB
	Addr string // host:port on loopback
	// Served counts the bytes the server sent to its clients.
	Served atomic.Int64
}

// Start runs go-imap's in-memory server on loopback until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(User, Password)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true,
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		Logger:       quiet{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, Addr: ln.Addr().String()}
	go srv.Serve(&countingListener{Listener: ln, n: &s.Served})
	t.Cleanup(func() { srv.Close() })
	return s
}

// URL is the desk mailbox as IORDESK_IMAP_URL names it.
func (s *Server) URL() string {
	return "imap+insecure://" + User + ":" + Password + "@" + s.Addr + "/INBOX"
}

// Client logs in to the server, for putting mail in and looking.
func (s *Server) Client() *imapclient.Client {
	s.t.Helper()
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { c.Close() })
	if err := c.Login(User, Password).Wait(); err != nil {
		s.t.Fatal(err)
	}
	return c
}

// Deliver appends a message (lines may end in \n) to the desk mailbox, as
// a mail server delivering it would.
func (s *Server) Deliver(raw string) {
	s.t.Helper()
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	c := s.Client()
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := io.WriteString(cmd, raw); err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		s.t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		s.t.Fatal(err)
	}
}

// Seen counts the messages flagged \Seen.
func (s *Server) Seen() int {
	s.t.Helper()
	c := s.Client()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		s.t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{Flag: []imap.Flag{imap.FlagSeen}}, nil).Wait()
	if err != nil {
		s.t.Fatal(err)
	}
	return len(data.AllUIDs())
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}

// countingListener counts what the server writes to its clients.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, n: l.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}
