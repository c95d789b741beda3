package inbox_test

import (
	"strings"
	"testing"

	"iordesk/internal/imaptest"
	"iordesk/internal/mail"
	"iordesk/internal/store"
)

// TestDovecotEndToEnd polls a real IMAP server: Debian's Dovecot, started
// for the test. Answers find their enquiries by header and by subject,
// the rest waits unmatched, \Seen is set only because it is asked for,
// and a poller started again records only what is new.
func TestDovecotEndToEnd(t *testing.T) {
	r := newRig(t, sqliteDSN(t))
	r.imap = imaptest.Dovecot(t)
	e, ack := r.enquiry(nil)
	ours := mail.MessageID(ack, e.Reference, ownHost)
	r.deliver(message("Subject: Invoice\nMessage-ID: <d1@engines.example>\nIn-Reply-To: <"+ours+">", "The invoice, as asked."))
	r.deliver(message("Subject: Re: ["+e.Reference+"] servers\nMessage-ID: <d2@engines.example>", "And the product list."))
	r.deliver(message("Subject: Hello\nMessage-ID: <d3@engines.example>", "Who handles Brazil?"))
	p := r.poller()
	p.MarkSeen = true
	if n := r.poll(p); n != 3 {
		t.Fatalf("recorded %d from Dovecot, want 3", n)
	}
	got := r.recorded()
	if m := got["Invoice"]; m.MatchedBy != store.MatchedByHeader || strings.TrimSpace(m.Body) != "The invoice, as asked." {
		t.Errorf("by header: %+v", m)
	}
	if m := got["Re: ["+e.Reference+"] servers"]; m.MatchedBy != store.MatchedBySubject {
		t.Errorf("by subject: %+v", m)
	}
	if m := got["Hello"]; m.State != store.InboundUnmatched {
		t.Errorf("unmatched: %+v", m)
	}
	if seen := r.imap.Seen(); seen != 3 {
		t.Errorf("%d messages flagged seen, want 3", seen)
	}
	restarted := r.poller()
	if n := r.poll(p); n != 0 {
		t.Fatalf("polling again recorded %d", n)
	}
	r.deliver(message("Subject: "+e.Reference+" one more\nMessage-ID: <d4@engines.example>", "P.S."))
	r.clock.Advance(p.Lease + 1)
	if n := r.poll(restarted); n != 1 {
		t.Fatalf("a restarted poller recorded %d, want the one new message", n)
	}
	if !r.waiting(e.ID) {
		t.Error("the enquiry does not wait for the desk")
	}
}
