package mail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"iordesk/internal/catalog"
	imail "iordesk/internal/mail"
	"iordesk/internal/store"
	"iordesk/internal/testclock"
	"iordesk/templates"
)

// rig is a real SQLite store, a movable clock and an outbox worker.
type rig struct {
	t      *testing.T
	st     *store.Store
	dbPath string
	clock  *testclock.Clock
	outbox *imail.Outbox
}

func newRig(t *testing.T, smtpURL string) *rig {
	t.Helper()
	r := &rig{t: t, clock: testclock.New(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)), dbPath: filepath.Join(t.TempDir(), "mail.db")}
	r.open(smtpURL)
	return r
}

func (r *rig) open(smtpURL string) {
	st, err := store.Open(r.dbPath, store.Options{Now: r.now})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	r.st = st
	r.outbox = r.newOutbox(smtpURL, filepath.Join(filepath.Dir(r.dbPath), "mail"))
}

func (r *rig) newOutbox(smtpURL, dir string) *imail.Outbox {
	transport, err := imail.NewTransport(smtpURL, dir)
	if err != nil {
		r.t.Fatal(err)
	}
	if st, ok := transport.(*imail.SMTPTransport); ok {
		st.Timeout = 500 * time.Millisecond
	}
	cat := catalog.New()
	composer, err := imail.NewComposer(templates.FS, cat, imail.ComposerConfig{
		From: "iordesk@ior.example", DeskEmail: "desk@ior.example", BaseURL: "https://ior.example"})
	if err != nil {
		r.t.Fatal(err)
	}
	return imail.NewOutbox(imail.OutboxDeps{Store: r.st, Transport: transport, Composer: composer, Catalog: cat,
		DeskEmail: "desk@ior.example", Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: r.now})
}

func (r *rig) now() time.Time { return r.clock.Now() }

func (r *rig) advance(d time.Duration) { r.clock.Advance(d) }

var refCounter atomic.Int64

// enquiry stores an enquiry with its two messages queued, as the intake
// does, and returns it.
func (r *rig) enquiry(edit func(*store.Enquiry), countries ...string) *store.Enquiry {
	r.t.Helper()
	e := &store.Enquiry{
		Reference: fmt.Sprintf("ENQ-TEST%04d", refCounter.Add(1)),
		FullName:  "Grace Hopper", Company: "Compilers & Co", Email: "grace@example.com", Phone: "+442079460018",
		Service: "ior", OriginCountry: "US", ProductCategory: "servers_datacentre",
		ProductDescription: "40 rack servers with GPUs", Condition: "new", HSCode: "847150",
		ContainsEncryption: "yes", WirelessRadio: "no", LithiumBatteries: "in_equipment",
		ShipmentValueCents: 125000050, Currency: "EUR", TargetDate: "2027-03-01",
		Message: "Please call in the morning.", ConsentAt: r.now(), PrivacyNoticeVersion: "v1",
	}
	if edit != nil {
		edit(e)
	}
	if len(countries) == 0 {
		countries = []string{"DE", "BR"}
	}
	err := r.st.Write(context.Background(), func(tx *store.Tx) error {
		if err := tx.InsertEnquiry(e, countries); err != nil {
			return err
		}
		return tx.EnqueueMail(e.ID, store.MailDeskNotification, store.MailAcknowledgement)
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

func (r *rig) runOnce() int {
	r.t.Helper()
	n, err := r.outbox.RunOnce(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *rig) stats() store.OutboxStats {
	s, err := r.st.OutboxStats(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

func (r *rig) eventKinds(e *store.Enquiry) []string {
	evs, err := r.st.Events(context.Background(), e.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Kind)
	}
	return out
}

// parsed is one received message, decoded.
type parsed struct {
	Header      mail.Header
	Subject     string
	Text, HTML  string
	Envelope    []string
	ContentType string
}

func parseMessage(t *testing.T, raw []byte, envelope []string) parsed {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("unparseable message: %v\n%s", err, raw)
	}
	p := parsed{Header: m.Header, Envelope: envelope}
	p.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", m.Header.Get("Content-Type"), err)
	}
	p.ContentType = mt
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(part) // NextPart decodes quoted-printable
		switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct {
		case "text/plain":
			p.Text = string(body)
		case "text/html":
			p.HTML = string(body)
		}
	}
	if p.Text == "" || p.HTML == "" {
		t.Fatalf("missing an alternative:\n%s", raw)
	}
	return p
}

func (s *smtpServer) byRecipient(t *testing.T) map[string]parsed {
	out := map[string]parsed{}
	for _, m := range s.messages() {
		out[strings.Join(m.To, ",")] = parseMessage(t, m.Data, m.To)
	}
	return out
}

func readEML(t *testing.T, dir string) []parsed {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []parsed
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			t.Fatalf("stray file %s in the mail dir", e.Name())
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, parseMessage(t, raw, nil))
	}
	return out
}
