package main

import (
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

// mailSink is an SMTP server on loopback that accepts every message and
// counts it: where iordesk delivers while the intake is measured with its
// mail on.
type mailSink struct {
	srv       *smtp.Server
	URL       string
	delivered atomic.Int64
}

// mailOff is an SMTP address nobody listens on: with it, iordesk queues
// its mail and every attempt fails at once, so the intake is measured
// without delivery.
const mailOff = "smtp+insecure://127.0.0.1:9"

func startMailSink() (*mailSink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &mailSink{URL: "smtp+insecure://" + ln.Addr().String()}
	s.srv = smtp.NewServer(sinkBackend{s})
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	go s.srv.Serve(ln)
	return s, nil
}

func (s *mailSink) close() { s.srv.Close() }

type sinkBackend struct{ sink *mailSink }

func (b sinkBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return sinkSession(b), nil }

type sinkSession struct{ sink *mailSink }

func (sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s sinkSession) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	s.sink.delivered.Add(1)
	return err
}
func (sinkSession) Reset()        {}
func (sinkSession) Logout() error { return nil }
