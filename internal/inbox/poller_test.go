package inbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"iordesk/internal/imaptest"
	"iordesk/internal/inbox"
	"iordesk/internal/mail"
	"iordesk/internal/pgtest"
	"iordesk/internal/store"
	"iordesk/internal/testclock"
)

const ownHost = "ior.example"

// rig is a store, an in-memory IMAP server on loopback holding the desk
// mailbox, and pollers of it.
type rig struct {
	t     testing.TB
	st    *store.Store
	clock *testclock.Clock
	imap  *imaptest.Server
	refs  atomic.Int64
}

func newRig(t testing.TB, dsn string) *rig {
	t.Helper()
	r := &rig{t: t, clock: testclock.New(time.Now().UTC())}
	st, err := store.Open(dsn, store.Options{Now: r.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.st = st
	r.imap = imaptest.Start(t)
	return r
}

func sqliteDSN(t *testing.T) string { return filepath.Join(t.TempDir(), "inbox.db") }

func (r *rig) poller() *inbox.Poller {
	src, err := inbox.ParseURL(r.imap.URL())
	if err != nil {
		r.t.Fatal(err)
	}
	p := inbox.New(src, inbox.Deps{Store: r.st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: r.clock.Now})
	p.OwnHost = ownHost
	return p
}

func (r *rig) deliver(raw string) { r.t.Helper(); r.imap.Deliver(raw) }

func (r *rig) poll(p *inbox.Poller) int {
	r.t.Helper()
	n, err := p.RunOnce(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// enquiry stores an enquiry with its desk notification and acknowledgement
// queued, and returns it with the acknowledgement's outbox id.
func (r *rig) enquiry(assignee *int64) (*store.Enquiry, int64) {
	r.t.Helper()
	e := &store.Enquiry{Reference: fmt.Sprintf("ENQ-INBX%04d", r.refs.Add(1)), Status: store.StatusNew,
		FullName: "Ada Lovelace", Company: "Engines Ltd", Email: "ada@engines.example", Service: "ior",
		OriginCountry: "GB", ProductCategory: "servers_datacentre", ProductDescription: "servers", Condition: "new",
		ShipmentValueCents: 100000, Currency: "EUR", ConsentAt: r.clock.Now(), PrivacyNoticeVersion: "v1", AssigneeID: assignee}
	err := r.st.Write(context.Background(), func(tx *store.Tx) error {
		if err := tx.InsertEnquiry(e, []string{"DE"}); err != nil {
			return err
		}
		return tx.EnqueueMail(e.ID, store.MailDeskNotification, store.MailAcknowledgement)
	})
	if err != nil {
		r.t.Fatal(err)
	}
	ack, err := r.st.AcknowledgementOf(context.Background(), e.ID)
	if err != nil || ack == 0 {
		r.t.Fatalf("acknowledgement of %s: %d, %v", e.Reference, ack, err)
	}
	return e, ack
}

// recorded is every message the store holds, by subject.
func (r *rig) recorded() map[string]store.InboundMail {
	r.t.Helper()
	out := map[string]store.InboundMail{}
	for _, state := range []string{store.InboundMatched, store.InboundUnmatched, store.InboundDiscarded} {
		list, err := r.st.UnmatchedMail(context.Background(), state, 1000, 0)
		if err != nil {
			r.t.Fatal(err)
		}
		for _, m := range list {
			full, err := r.st.InboundByID(context.Background(), m.ID)
			if err != nil {
				r.t.Fatal(err)
			}
			out[m.Subject] = *full
		}
	}
	return out
}

func (r *rig) timeline(id int64) []store.Event {
	r.t.Helper()
	events, err := r.st.Events(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return events
}

func (r *rig) waiting(id int64) bool {
	r.t.Helper()
	e, err := r.st.EnquiryByID(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return e.AwaitingReplySince != nil
}

func message(headers, body string) string {
	return "From: Ada Lovelace <ada@engines.example>\nTo: desk@ior.example\nDate: " +
		time.Now().UTC().Format(time.RFC1123Z) + "\n" + headers + "\nMIME-Version: 1.0\n" +
		"Content-Type: text/plain; charset=utf-8\n\n" + body
}

func onEngines(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, sqliteDSN(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, pgtest.DSN(t)) })
}

func TestMatching(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		r := newRig(t, dsn)
		first, firstAck := r.enquiry(nil)
		second, _ := r.enquiry(nil)
		ourID := mail.MessageID(firstAck, first.Reference, ownHost)
		r.deliver(message("Subject: By header\nMessage-ID: <a1@engines.example>\nIn-Reply-To: <"+ourID+">", "Here is the invoice."))
		r.deliver(message("Subject: By references\nMessage-ID: <a2@engines.example>\nReferences: <x@elsewhere>\n <"+ourID+">", "Folded references."))
		r.deliver(message("Subject: Re: question about "+strings.ToLower(second.Reference)+" please\nMessage-ID: <a3@engines.example>", "By subject."))
		// Naming our message with another enquiry's reference matches nothing.
		forged := mail.MessageID(firstAck, "ENQ-NOTTHERE", ownHost)
		r.deliver(message("Subject: Forged\nMessage-ID: <a4@engines.example>\nIn-Reply-To: <"+forged+">", "No match."))
		r.deliver(message("Subject: Out of office\nMessage-ID: <a5@engines.example>\nAuto-Submitted: auto-replied\nIn-Reply-To: <"+ourID+">", "Away."))
		r.deliver(message("Subject: [ENQ-INBX0001] our own notification\nMessage-ID: <"+mail.MessageID(99, first.Reference, ownHost)+">", "Ours."))
		if n := r.poll(r.poller()); n != 5 {
			t.Fatalf("recorded %d messages, want 5 (our own skipped)", n)
		}
		got := r.recorded()
		want := map[string]struct {
			state, by string
			enquiry   int64
		}{
			"By header":     {store.InboundMatched, store.MatchedByHeader, first.ID},
			"By references": {store.InboundMatched, store.MatchedByHeader, first.ID},
			"Out of office": {store.InboundMatched, store.MatchedByHeader, first.ID},
			"Forged":        {store.InboundUnmatched, "", 0},
			"Re: question about " + strings.ToLower(second.Reference) + " please": {store.InboundMatched, store.MatchedBySubject, second.ID},
		}
		if len(got) != len(want) {
			t.Fatalf("recorded %d messages: %v", len(got), got)
		}
		for subject, w := range want {
			m, ok := got[subject]
			if !ok {
				t.Fatalf("%q not recorded", subject)
			}
			var id int64
			if m.EnquiryID != nil {
				id = *m.EnquiryID
			}
			if m.State != w.state || m.MatchedBy != w.by || id != w.enquiry {
				t.Errorf("%q: %s by %q to %d, want %s by %q to %d", subject, m.State, m.MatchedBy, id, w.state, w.by, w.enquiry)
			}
		}
		if m := got["By header"]; m.Body != "Here is the invoice." || m.FromAddress != "ada@engines.example" ||
			m.FromName != "Ada Lovelace" || m.MessageID != "a1@engines.example" || m.AutoReply {
			t.Errorf("by header: %+v", m)
		}
		if !got["Out of office"].AutoReply {
			t.Error("the out-of-office answer is not marked automatic")
		}
		var onTimeline []string
		for _, ev := range r.timeline(first.ID) {
			if ev.Kind == store.EventProspectMail {
				onTimeline = append(onTimeline, ev.Detail)
				if ev.Actor != "Ada Lovelace <ada@engines.example>" {
					t.Errorf("actor %q", ev.Actor)
				}
			}
		}
		if len(onTimeline) != 3 || !strings.Contains(onTimeline[0], "Here is the invoice.") {
			t.Errorf("first enquiry's timeline: %q", onTimeline)
		}
		if !r.waiting(first.ID) || !r.waiting(second.ID) {
			t.Error("an enquiry whose prospect wrote is not waiting for the desk")
		}
		// Nobody is assigned: the desk is told, once per message from a
		// person (not for the out-of-office).
		pending, err := r.st.LeaseMail(context.Background(), 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		told := 0
		for _, m := range pending {
			if m.Kind == store.MailProspectWrote {
				told++
				if m.UserID != nil {
					t.Errorf("told user %d, want the desk", *m.UserID)
				}
			}
		}
		if told != 3 {
			t.Errorf("%d prospect mails queued, want 3", told)
		}
	})
}

func TestRecordedOnceAcrossRestartsInstancesAndRenumbering(t *testing.T) {
	onEngines(t, func(t *testing.T, dsn string) {
		r := newRig(t, dsn)
		e, _ := r.enquiry(nil)
		for i := range 3 {
			r.deliver(message(fmt.Sprintf("Subject: %s note %d\nMessage-ID: <n%d@engines.example>", e.Reference, i, i), "text"))
		}
		first := r.poller()
		if n := r.poll(first); n != 3 {
			t.Fatalf("first poll recorded %d", n)
		}
		// Another instance while the first holds the lease: nothing.
		second := r.poller()
		r.deliver(message("Subject: "+e.Reference+" note 3\nMessage-ID: <n3@engines.example>", "text"))
		if n := r.poll(second); n != 0 {
			t.Fatalf("a second instance recorded %d while the first held the lease", n)
		}
		// The first instance stops (its lease runs out); a restart records
		// only the new message.
		r.clock.Advance(6 * time.Minute)
		if n := r.poll(second); n != 1 {
			t.Fatalf("after the lease ran out the second instance recorded %d, want 1", n)
		}
		if n := r.poll(second); n != 0 {
			t.Fatalf("polling again recorded %d", n)
		}
		// The server renumbers the mailbox (new UIDVALIDITY): the same
		// messages come back with new UIDs, plus one new one.
		c := r.imap.Client()
		if err := c.Delete("INBOX").Wait(); err != nil {
			t.Fatal(err)
		}
		if err := c.Create("INBOX", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			r.deliver(message(fmt.Sprintf("Subject: %s note %d\nMessage-ID: <n%d@engines.example>", e.Reference, i, i), "text"))
		}
		if n := r.poll(second); n != 1 {
			t.Fatalf("after renumbering recorded %d, want 1 (the new message)", n)
		}
		if got := len(r.recorded()); got != 5 {
			t.Fatalf("%d messages recorded, want 5", got)
		}
	})
}

func TestLargeMessagesAreCutAndAttachmentsNotFetched(t *testing.T) {
	r := newRig(t, sqliteDSN(t))
	e, _ := r.enquiry(nil)
	attachment := strings.Repeat(strings.Repeat("QUJD", 19)+"\n", 20<<20/77)
	p := r.poller()
	r.deliver("From: ada@engines.example\nSubject: " + e.Reference + " with a big file\nMessage-ID: <big@engines.example>\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain; charset=utf-8\n\n" +
		"The product list is attached.\n--XX\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name=\"products.xlsx\"\n" +
		"Content-Disposition: attachment; filename=\"products.xlsx\"\nContent-Transfer-Encoding: base64\n\n" + attachment + "--XX--\n")
	before := r.imap.Served.Load()
	if n := r.poll(p); n != 1 {
		t.Fatalf("recorded %d", n)
	}
	if fetched := r.imap.Served.Load() - before; fetched > 1<<20 {
		t.Errorf("polling a 20 MB message fetched %d bytes", fetched)
	}
	m := r.recorded()[e.Reference+" with a big file"]
	if strings.TrimSpace(m.Body) != "The product list is attached." || m.CutBytes != 0 {
		t.Errorf("text %q, cut %d", m.Body, m.CutBytes)
	}
	if !strings.HasPrefix(m.Attachments, "products.xlsx (") || !strings.HasSuffix(m.Attachments, " MB)") {
		t.Errorf("attachments %q", m.Attachments)
	}

	// 20 MB of text: 1 MiB is kept, the rest noted.
	text := strings.Repeat("twenty megabytes of text, line after line.\n", 20<<20/44)
	r.deliver(message("Subject: "+e.Reference+" long\nMessage-ID: <long@engines.example>", text))
	before = r.imap.Served.Load()
	if n := r.poll(p); n != 1 {
		t.Fatalf("recorded %d", n)
	}
	if fetched := r.imap.Served.Load() - before; fetched > 2<<20 {
		t.Errorf("polling 20 MB of text fetched %d bytes", fetched)
	}
	long := r.recorded()[e.Reference+" long"]
	if len(long.Body) > store.InboundTextLimit || len(long.Body) < store.InboundTextLimit-100 || long.CutBytes < 18<<20 {
		t.Errorf("kept %d bytes, cut %d", len(long.Body), long.CutBytes)
	}
	if !strings.Contains(long.TimelineText(), "more bytes of text were not kept") {
		t.Error("the timeline does not say the text was cut")
	}
}

func TestHTMLAndCharsets(t *testing.T) {
	r := newRig(t, sqliteDSN(t))
	e, _ := r.enquiry(nil)
	r.deliver("From: x@engines.example\nSubject: " + e.Reference + " html\nMessage-ID: <h@engines.example>\nMIME-Version: 1.0\n" +
		"Content-Type: text/html; charset=utf-8\n\n<html><head><style>p{color:red}</style><script>alert(1)</script></head>" +
		"<body><p>Hello <b>desk</b>,</p><p>see <a href=\"javascript:alert(2)\">this</a><img src=x onerror=alert(3)></p></body></html>")
	r.deliver("From: x@engines.example\nSubject: " + e.Reference + " latin\nMessage-ID: <l@engines.example>\nMIME-Version: 1.0\n" +
		"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nViele Gr=FC=DFe aus M=FCnchen=\n, J=F6rg\n")
	r.poll(r.poller())
	got := r.recorded()
	if body := got[e.Reference+" html"].Body; body != "Hello desk,\n\nsee this" {
		t.Errorf("HTML as text: %q", body)
	}
	if body := got[e.Reference+" latin"].Body; strings.TrimSpace(body) != "Viele Grüße aus München, Jörg" {
		t.Errorf("Latin-1: %q", body)
	}
}

func TestMailboxLeftAloneUnlessSeenFlagsWanted(t *testing.T) {
	r := newRig(t, sqliteDSN(t))
	e, _ := r.enquiry(nil)
	r.deliver(message("Subject: "+e.Reference+" one\nMessage-ID: <s1@engines.example>", "x"))
	r.poll(r.poller())
	if seen := r.imap.Seen(); seen != 0 {
		t.Fatalf("%d messages flagged seen by a poller that was not asked to", seen)
	}
	r.deliver(message("Subject: "+e.Reference+" two\nMessage-ID: <s2@engines.example>", "x"))
	p := r.poller()
	p.MarkSeen = true
	r.clock.Advance(6 * time.Minute)
	r.poll(p)
	if seen := r.imap.Seen(); seen != 1 {
		t.Fatalf("%d messages flagged seen, want the one recorded with MarkSeen", seen)
	}
}

func TestParseURL(t *testing.T) {
	src, err := inbox.ParseURL("imaps://desk%40ior.example:p%40ss@mail.ior.example/Support")
	if err != nil || src.Addr != "mail.ior.example:993" || src.Username != "desk@ior.example" || src.Password != "p@ss" ||
		src.Mailbox != "Support" || strings.Contains(src.Name(), "p@ss") {
		t.Fatalf("%+v %v", src, err)
	}
	if src, _ := inbox.ParseURL("imap+insecure://u:p@127.0.0.1:1143"); src.Mailbox != "INBOX" || src.Addr != "127.0.0.1:1143" {
		t.Fatalf("%+v", src)
	}
	for _, bad := range []string{"pop3://u:p@h/", "imaps://h/INBOX", "imaps://u:p@/INBOX", "::"} {
		if _, err := inbox.ParseURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// BenchmarkPoll records a mailbox of 500 answers (half matched by header,
// half by subject, each with a 2 KB text and an attachment) in one poll.
func BenchmarkPoll(b *testing.B) {
	const n = 500
	text := strings.Repeat("Please find the product list attached; the values are per unit.\n", 32)
	for b.Loop() {
		b.StopTimer()
		r := newRig(b, filepath.Join(b.TempDir(), "bench.db"))
		e, ack := r.enquiry(nil)
		ours := mail.MessageID(ack, e.Reference, ownHost)
		for i := range n {
			head := fmt.Sprintf("Subject: Re: [%s] servers %d\nMessage-ID: <b%d@engines.example>", e.Reference, i, i)
			if i%2 == 0 {
				head += "\nIn-Reply-To: <" + ours + ">"
			}
			r.deliver("From: ada@engines.example\n" + head + "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n" +
				"--XX\nContent-Type: text/plain; charset=utf-8\n\n" + text + "--XX\nContent-Type: application/pdf; name=\"list.pdf\"\n" +
				"Content-Disposition: attachment; filename=\"list.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--XX--\n")
		}
		p := r.poller()
		b.StartTimer()
		if got := r.poll(p); got != n {
			b.Fatalf("recorded %d", got)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
}
