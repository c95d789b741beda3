package main

import (
	"bytes"
	"database/sql"
	"io"
	"net"
	"net/http"
	"net/mail"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"iordesk/internal/pgtest"
	"iordesk/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m, pgtest.Stop) }

// sink is an SMTP server on loopback that keeps what it receives.
type sink struct {
	mu   sync.Mutex
	msgs [][]byte
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct{ s *sink }

func (x *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *sinkSession) Reset()                               {}
func (x *sinkSession) Logout() error                        { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err // a sender killed mid-DATA: nothing was delivered
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, b)
	x.s.mu.Unlock()
	return nil
}

func startSink(t *testing.T) (*sink, string) {
	s := &sink{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s, "smtp+insecure://" + ln.Addr().String()
}

// TestTwoInstancesOnePostgres runs two iordesk processes on one PostgreSQL
// database and one SMTP server, spreads a burst over both, kills one with
// SIGKILL in the middle, and checks that every acknowledged enquiry is
// stored and every mail delivered, each once but for the killed sends.
func TestTwoInstancesOnePostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	mails, smtpURL := startSink(t)
	env := []string{"IORDESK_SMTP_URL=" + smtpURL, "IORDESK_MAIL_LEASE=2s"}
	a := start(t, dsn, env...)
	b := start(t, dsn, env...)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clientFor := func(p *proc) *client {
		return &client{base: p.base, db: db, http: &http.Client{Timeout: 20 * time.Second},
			answerSQL: "SELECT digits FROM captcha_challenges WHERE id = $1"}
	}
	toA, toB := clientFor(a), clientFor(b)
	burst := startBurst(toA, toB, toA, toB, toA, toB)
	time.Sleep(700 * time.Millisecond)
	b.cmd.Process.Signal(syscall.SIGKILL)
	b.cmd.Wait()
	time.Sleep(500 * time.Millisecond)
	acked := burst.end()
	if len(acked) < 20 {
		t.Fatalf("only %d acknowledged", len(acked))
	}
	for _, ref := range acked {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM enquiries WHERE reference = $1", ref).Scan(&n); err != nil || n != 1 {
			t.Fatalf("acknowledged %s not stored: %v", ref, err)
		}
	}
	var enquiries int
	db.QueryRow("SELECT count(*) FROM enquiries").Scan(&enquiries)
	deadline := time.Now().Add(60 * time.Second)
	for {
		var pending int
		db.QueryRow("SELECT count(*) FROM outbox WHERE status = 'pending'").Scan(&pending)
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still pending:\n%s", pending, a.log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	mails.mu.Lock()
	defer mails.mu.Unlock()
	ids := map[string]int{}
	for _, m := range mails.msgs {
		msg, err := mail.ReadMessage(bytes.NewReader(m))
		if err != nil || msg.Header.Get("Message-Id") == "" {
			t.Fatalf("a delivered message without a Message-ID:\n%s", m)
		}
		ids[msg.Header.Get("Message-Id")]++
	}
	dups := 0
	for _, n := range ids {
		dups += n - 1
	}
	t.Logf("%d enquiries (%d acknowledged) on two instances, %d mails received, %d distinct, %d duplicates", enquiries, len(acked), len(mails.msgs), len(ids), dups)
	if len(ids) != 2*enquiries {
		t.Fatalf("%d distinct messages delivered, want %d", len(ids), 2*enquiries)
	}
	// Duplicates can only come from sends the kill cut short: a handful.
	if dups > 6 {
		t.Fatalf("%d duplicate deliveries", dups)
	}
}
