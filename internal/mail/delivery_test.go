package mail_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"iordesk/internal/compliance"
	imail "iordesk/internal/mail"
	"iordesk/internal/store"
)

func TestDeliveryOfBothMessages(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	e := r.enquiry(func(e *store.Enquiry) {
		e.Message = `<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"`
		e.EndUserHQCountry = "SG"
	}, "DE", "BR", "IN")
	if n := r.runOnce(); n != 2 {
		t.Fatalf("claimed %d messages, want 2", n)
	}
	got := srv.byRecipient(t)
	desk, ok := got["desk@ior.example"]
	if !ok || len(got) != 2 {
		t.Fatalf("recipients %v", keys(got))
	}
	if !strings.Contains(desk.Subject, e.Reference) || !strings.Contains(desk.Subject, "Germany, Brazil, India") ||
		!strings.Contains(desk.Subject, "Compilers & Co") {
		t.Errorf("desk subject %q", desk.Subject)
	}
	if desk.Header.Get("Reply-To") != "<grace@example.com>" && desk.Header.Get("Reply-To") != "grace@example.com" {
		t.Errorf("desk Reply-To %q", desk.Header.Get("Reply-To"))
	}
	if from := desk.Header.Get("From"); from != `"IOR Desk" <iordesk@ior.example>` {
		t.Errorf("From %q, want the address with the desk's name", from)
	}
	// Mail clients on phones lay out an HTML part without a viewport at
	// desktop width.
	for _, want := range []string{`<html lang="en">`, `<meta name="viewport" content="width=device-width, initial-scale=1">`, "<title>New enquiry " + e.Reference + "</title>"} {
		if !strings.Contains(desk.HTML, want) {
			t.Errorf("desk HTML lacks %s", want)
		}
	}
	for _, want := range []string{"Grace Hopper", "Compilers & Co", "grace@example.com", "+44 20 7946 0018",
		"Importer of Record (IOR)", "United States", "Germany, Brazil, India", "Servers and data-centre hardware",
		"New", "1,250,000.50 EUR", "2027-03-01", "847150", "40 rack servers with GPUs", "Contained in the equipment",
		"End user HQ:    Singapore",
		"https://ior.example/staff/enquiries/"} {
		if !strings.Contains(desk.Text, want) {
			t.Errorf("desk text lacks %q", want)
		}
	}
	if strings.Contains(desk.HTML, "<script>") || strings.Contains(desk.HTML, "<img src=x") ||
		!strings.Contains(desk.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("desk HTML does not escape the message:\n%s", desk.HTML)
	}
	ack := got["grace@example.com"]
	if !strings.Contains(ack.Subject, e.Reference) || !strings.Contains(ack.Text, e.Reference) || !strings.Contains(ack.HTML, e.Reference) {
		t.Errorf("acknowledgement lacks the reference: %q", ack.Subject)
	}
	// The address typed may be a stranger's: the acknowledgement carries no
	// free text the prospect typed but the reference.
	for _, typed := range []string{"Grace", "Compilers", "rack servers", "alert(1)"} {
		if strings.Contains(ack.Text, typed) || strings.Contains(ack.HTML, typed) || strings.Contains(ack.Subject, typed) {
			t.Errorf("acknowledgement quotes what the prospect typed: %q", typed)
		}
	}
	if !strings.Contains(ack.Header.Get("Reply-To"), "desk@ior.example") {
		t.Errorf("ack Reply-To %q", ack.Header.Get("Reply-To"))
	}
	if desk.Header.Get("Message-Id") == "" || desk.Header.Get("Message-Id") == ack.Header.Get("Message-Id") {
		t.Errorf("message ids %q %q", desk.Header.Get("Message-Id"), ack.Header.Get("Message-Id"))
	}
	if s := r.stats(); s.Pending != 0 || s.Failed != 0 {
		t.Errorf("stats %+v", s)
	}
	if kinds := r.eventKinds(e); slices.Compare(kinds, []string{"created", "mail_sent", "mail_sent"}) != 0 {
		t.Errorf("timeline %v", kinds)
	}
	if r.runOnce() != 0 || len(srv.messages()) != 2 {
		t.Error("sent messages were sent again")
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestHeaderInjectionNeverCreatesAHeader(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	// Validation refuses CR/LF in these fields; rows are written directly
	// here to prove the mail layer holds even if a bad value got stored.
	r.enquiry(func(e *store.Enquiry) {
		e.Company = "Evil Corp\r\nBcc: victim@example.net\r\nX-Injected: 1"
		e.FullName = "=?UTF-8?B?QmNjOiB2aWN0aW1AZXhhbXBsZS5uZXQ=?= \nBcc: a@b.c"
		e.Email = "grace@example.com\r\nBcc: victim@example.net"
	})
	r.runOnce()
	for _, m := range srv.messages() {
		for _, rcpt := range m.To {
			if strings.Contains(rcpt, "victim") {
				t.Fatalf("injected recipient %q", rcpt)
			}
		}
		head := string(m.Data[:strings.Index(string(m.Data), "\r\n\r\n")])
		for _, line := range strings.Split(head, "\r\n") {
			if strings.HasPrefix(strings.ToLower(line), "bcc:") || strings.HasPrefix(line, "X-Injected") {
				t.Fatalf("injected header %q in:\n%s", line, head)
			}
		}
		p := parseMessage(t, m.Data, m.To)
		if p.Header.Get("Reply-To") != "" {
			t.Errorf("an unparseable prospect address reached Reply-To: %q", p.Header.Get("Reply-To"))
		}
		if strings.ContainsAny(p.Subject, "\r\n") {
			t.Errorf("subject %q", p.Subject)
		}
	}
	// The desk still hears of it; the acknowledgement to a broken address fails for good.
	if len(srv.messages()) != 1 || r.stats().Failed != 1 {
		t.Fatalf("%d delivered, stats %+v", len(srv.messages()), r.stats())
	}
}

func TestServerDownThenUpDeliversEverything(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	r := newRig(t, "smtp+insecure://"+addr)
	var enquiries []*store.Enquiry
	for range 3 {
		enquiries = append(enquiries, r.enquiry(nil))
	}
	// A day of outage: every pass fails, the backoff grows to an hour,
	// nothing is lost.
	for range 25 {
		r.runOnce()
		r.advance(time.Hour)
	}
	s := r.stats()
	if s.Pending != 6 || s.Failed != 0 || !s.OldestPending.Equal(enquiries[0].CreatedAt) {
		t.Fatalf("during the outage: %+v", s)
	}
	if kinds := r.eventKinds(enquiries[0]); slices.Compare(kinds, []string{"created", "mail_delayed", "mail_delayed"}) != 0 {
		t.Fatalf("timeline during outage %v (one 'delayed' per message, not one per attempt)", kinds)
	}
	srv := startSMTP(t, addr)
	r.advance(time.Hour)
	for r.runOnce() > 0 {
	}
	if got := len(srv.messages()); got != 6 {
		t.Fatalf("delivered %d of 6 after the server came back", got)
	}
	if s := r.stats(); s.Pending != 0 {
		t.Fatalf("after: %+v", s)
	}
}

func TestTemporaryRefusalIsRetriedPermanentFails(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	srv.setReply(451)
	e := r.enquiry(nil)
	r.runOnce()
	msgs, _ := r.st.MailFor(context.Background(), e.ID)
	for _, m := range msgs {
		if m.Status != store.MailPending || m.Attempts != 1 || !m.NextAttemptAt.Equal(r.now().Add(time.Minute)) ||
			!strings.Contains(m.LastError, "451") {
			t.Fatalf("after 451: %+v", m)
		}
	}
	srv.setReply(0)
	if r.runOnce() != 0 {
		t.Fatal("retried before the backoff elapsed")
	}
	r.advance(time.Minute)
	r.runOnce()
	if len(srv.messages()) != 2 {
		t.Fatalf("delivered %d after the refusal cleared", len(srv.messages()))
	}

	srv.setReply(550)
	e = r.enquiry(nil)
	r.runOnce()
	if s := r.stats(); s.Failed != 2 || s.Pending != 0 {
		t.Fatalf("after 550: %+v", s)
	}
	msgs, _ = r.st.MailFor(context.Background(), e.ID)
	if msgs[0].Status != store.MailFailed || !strings.Contains(msgs[0].LastError, "550") {
		t.Fatalf("failed message %+v", msgs[0])
	}
	if !slices.Contains(r.eventKinds(e), store.EventMailFailed) {
		t.Fatal("no mail_failed event on the timeline")
	}
}

func TestStallingServerTimesOutAndRetries(t *testing.T) {
	r := newRig(t, "smtp+insecure://"+stallingServer(t))
	r.enquiry(nil)
	start := time.Now()
	r.runOnce()
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("a stalled server held the worker %s", took)
	}
	if s := r.stats(); s.Pending != 2 || s.Failed != 0 {
		t.Fatalf("after a stall: %+v", s)
	}
}

func TestGivesUpAfterFiveDays(t *testing.T) {
	r := newRig(t, "smtp+insecure://"+stallingServer(t))
	r.enquiry(nil)
	r.runOnce()
	r.advance(5*24*time.Hour + time.Minute)
	r.runOnce()
	if s := r.stats(); s.Failed != 2 {
		t.Fatalf("after five days: %+v", s)
	}
}

func TestRestartWithLeasedAndPendingMessages(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	for range 3 {
		r.enquiry(nil)
	}
	// A worker claims two messages and dies before sending them.
	if leased, err := r.st.LeaseMail(context.Background(), 2, 3*time.Minute); err != nil || len(leased) != 2 {
		t.Fatalf("lease: %v %v", leased, err)
	}
	r.st.Close()
	r.open("smtp+insecure://" + srv.addr) // the process restarts
	r.runOnce()
	if got := len(srv.messages()); got != 4 {
		t.Fatalf("before the lease ran out: %d sent, want the 4 unleased", got)
	}
	r.advance(3 * time.Minute)
	r.runOnce()
	if got := len(srv.messages()); got != 6 {
		t.Fatalf("after the lease ran out: %d sent, want 6", got)
	}
}

func TestRouting(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	ctx := context.Background()
	for _, rule := range [][2]string{{"DE", "dach@ior.example"}, {"EU", "europe@ior.example"}, {"APAC", "apac@ior.example"},
		{"JP", "apac@ior.example"}, {"CH", "dach@ior.example"}} {
		if _, err := r.st.AddRoutingRule(ctx, rule[0], rule[1]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.st.AddRoutingRule(ctx, "DE", "dach@ior.example"); err == nil {
		t.Fatal("duplicate rule accepted")
	}
	cases := []struct {
		countries []string
		want      string
	}{
		{[]string{"DE"}, "dach@ior.example,europe@ior.example"},
		{[]string{"FR"}, "europe@ior.example"},
		{[]string{"CH", "JP"}, "apac@ior.example,dach@ior.example"},
		{[]string{"BR"}, "desk@ior.example"},
		{[]string{"BR", "DE", "FR"}, "dach@ior.example,europe@ior.example"},
	}
	for _, tc := range cases {
		before := len(srv.messages())
		r.enquiry(nil, tc.countries...)
		r.runOnce()
		var deskTo []string
		for _, m := range srv.messages()[before:] {
			if !slices.Contains(m.To, "grace@example.com") {
				deskTo = append(deskTo, m.To...)
			}
		}
		slices.Sort(deskTo)
		if got := strings.Join(deskTo, ","); got != tc.want {
			t.Errorf("%v: desk mail to %s, want %s", tc.countries, got, tc.want)
		}
	}
}

func TestFileTransportWritesCompleteEML(t *testing.T) {
	r := newRig(t, "")
	e := r.enquiry(nil)
	r.runOnce()
	dir := filepath.Join(filepath.Dir(r.dbPath), "mail")
	msgs := readEML(t, dir)
	if len(msgs) != 2 {
		t.Fatalf("%d files", len(msgs))
	}
	for _, m := range msgs {
		if !strings.Contains(m.Subject, e.Reference) {
			t.Errorf("subject %q", m.Subject)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, f := range entries {
		if info, _ := f.Info(); info.Size() < 500 {
			t.Errorf("%s is only %d bytes", f.Name(), info.Size())
		}
	}
}

func TestBackoffAndPermanence(t *testing.T) {
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60}
	for i, w := range want {
		if got := imail.Backoff(i + 1); got != w*time.Minute {
			t.Errorf("Backoff(%d) = %s, want %dm", i+1, got, w)
		}
	}
	if imail.Permanent(context.DeadlineExceeded) {
		t.Error("a timeout is not permanent")
	}
}

func TestTransportURLs(t *testing.T) {
	for url, want := range map[string]string{
		"smtp://user:secret@mail.example.com": "smtp://mail.example.com:587",
		"smtps://mail.example.com":            "smtps://mail.example.com:465",
		"smtp+insecure://127.0.0.1:1025":      "smtp+insecure://127.0.0.1:1025",
		"":                                    "files in /tmp/x",
	} {
		tr, err := imail.NewTransport(url, "/tmp/x")
		if err != nil || tr.String() != want {
			t.Errorf("%q: %v %v, want %s", url, tr, err, want)
		}
		if tr != nil && strings.Contains(tr.String(), "secret") {
			t.Errorf("%q: password in %s", url, tr)
		}
	}
	for _, bad := range []string{"http://x", "smtp://", "smtp://host:99999", "::"} {
		if _, err := imail.NewTransport(bad, "/tmp/x"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestWeeklyDigestGoesOncePerWeekToSubscribers(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	ctx := context.Background()
	r.clock.Set(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)) // a Wednesday in the reported week
	for range 3 {
		r.enquiry(nil, "DE", "BR")
	}
	for r.runOnce() > 0 {
	}
	before := len(srv.messages())
	users := map[string]*store.User{}
	for _, u := range []struct{ email, role string }{{"boss@ior.example", store.RoleManager}, {"agent@ior.example", store.RoleAgent}, {"quiet@ior.example", store.RoleManager}} {
		users[u.email] = &store.User{Email: u.email, Name: u.email, Role: u.role, PasswordHash: "x"}
		if err := r.st.CreateUser(ctx, users[u.email]); err != nil {
			t.Fatal(err)
		}
	}
	r.st.SetWeeklyDigest(ctx, users["boss@ior.example"].ID, true)
	r.st.SetWeeklyDigest(ctx, users["agent@ior.example"].ID, true) // agents get none

	r.clock.Set(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	n1, err1 := r.outbox.QueueWeeklyDigests(ctx)
	n2, err2 := r.outbox.QueueWeeklyDigests(ctx) // a second instance, or the next tick
	if err1 != nil || err2 != nil || n1 != 1 || n2 != 0 {
		t.Fatalf("queued %d then %d (%v %v), want 1 then 0", n1, n2, err1, err2)
	}
	r.runOnce()
	msgs := srv.messages()[before:]
	if len(msgs) != 1 || msgs[0].To[0] != "boss@ior.example" {
		t.Fatalf("digests sent: %+v", msgs)
	}
	p := parseMessage(t, msgs[0].Data, msgs[0].To)
	if !strings.Contains(p.Subject, "3 enquiries") || !strings.Contains(p.Text, "Germany: 3") || !strings.Contains(p.Text, "Brazil: 3") {
		t.Fatalf("digest: %q\n%s", p.Subject, p.Text)
	}
	r.advance(7 * 24 * time.Hour)
	if n, _ := r.outbox.QueueWeeklyDigests(ctx); n != 1 {
		t.Fatalf("next week queued %d", n)
	}
}

// The desk's mail lists the pre-screen first, most severe on top, with
// sources; the acknowledgement stays neutral: a prospect never reads
// "embargoed" or "hold".
func TestScreenInDeskMailNeverInTheAcknowledgement(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	if _, err := compliance.Load(t.Context(), r.st); err != nil { // the seed's rules
		t.Fatal(err)
	}
	e := r.enquiry(func(e *store.Enquiry) { e.ComplianceState = store.ComplianceBlock }, "RU", "IR", "AE")
	err := r.st.Write(t.Context(), func(tx *store.Tx) error {
		return tx.InsertFindings(e.ID, []store.Finding{
			{Country: "RU", RuleRow: store.RuleRow{ID: "RU-HOLD", Version: 1}},
			{Country: "IR", RuleRow: store.RuleRow{ID: "EMBARGO", Version: 1}},
			{Country: "AE", RuleRow: store.RuleRow{ID: "AE-DIVERSION", Version: 1}},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	r.runOnce()
	got := srv.byRecipient(t)
	desk := got["desk@ior.example"]
	block, hold, action, prospect := strings.Index(desk.Text, "Comprehensive embargo"), strings.Index(desk.Text, "US EAR 746.8"),
		strings.Index(desk.Text, "End-use check"), strings.Index(desk.Text, "ABOUT THE PROSPECT")
	if !strings.Contains(desk.Text, "COMPLIANCE PRE-SCREEN: block") || block < 0 || hold < block || action < hold || prospect < action ||
		!strings.Contains(desk.Text, "https://aalep.eu/us-sanctions") || !strings.Contains(desk.Text, "part-746 (unverified)") ||
		!strings.Contains(desk.HTML, "Indicative only") {
		t.Errorf("desk mail does not list the screen first, most severe on top:\n%s", desk.Text)
	}
	ack, ok := got["grace@example.com"]
	if !ok {
		t.Fatal("no acknowledgement sent")
	}
	for _, word := range []string{"embargo", "sanction", "block", "hold", "compliance", "licence", "license"} {
		if strings.Contains(strings.ToLower(ack.Text+ack.HTML+ack.Subject), word) {
			t.Errorf("the acknowledgement says %q", word)
		}
	}
}

// TestDeskMailLinksTheFiles: the desk's mail lists the prospect's files as
// links to the dashboard, escaped in HTML, and never carries them; the
// acknowledgement does not mention them.
func TestDeskMailLinksTheFiles(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	e := r.enquiry(nil, "DE")
	file, err := r.st.StageAttachment(t.Context(), "post", "<b>parts</b>.pdf", "application/pdf", nil, strings.NewReader(strings.Repeat("x", 2_400_000)), 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.st.Write(t.Context(), func(tx *store.Tx) error { return tx.ClaimAttachments("post", e.ID) }); err != nil {
		t.Fatal(err)
	}
	r.runOnce()
	got := srv.byRecipient(t)
	desk, link := got["desk@ior.example"], fmt.Sprintf("/staff/enquiries/%d/files/%d", e.ID, file.ID)
	if !strings.Contains(desk.Text, "- <b>parts</b>.pdf (PDF, 2.4 MB): ") || !strings.Contains(desk.Text, link) ||
		!strings.Contains(desk.HTML, "&lt;b&gt;parts&lt;/b&gt;.pdf</a>") || !strings.Contains(desk.HTML, link) {
		t.Errorf("the desk's mail does not link the file:\n%s\n%s", desk.Text, desk.HTML)
	}
	if strings.Contains(got["grace@example.com"].Text, "parts") {
		t.Error("the acknowledgement lists the files")
	}
}

// TestReplyGoesAsWritten: an agent's reply reaches the prospect and the
// copies, from the desk's address in the agent's name, Reply-To the desk,
// its text as written and its HTML escaped; it is on the timeline with
// its text and is the enquiry's first response.
func TestReplyGoesAsWritten(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	e := r.enquiry(nil, "DE")
	r.runOnce() // the desk notification and acknowledgement
	before := len(srv.messages())
	agent := &store.User{Email: "ana@ior.example", Name: "Ana Agent", Role: store.RoleAgent, PasswordHash: "x"}
	if err := r.st.CreateUser(context.Background(), agent); err != nil {
		t.Fatal(err)
	}
	body := "Dear Grace,\n\nplease send the commercial invoice.\n<b>Thanks</b> & regards"
	_, err := r.st.QueueReply(context.Background(), e.ID, store.Reply{Subject: "Re: [" + e.Reference + "] servers",
		Body: body, Cc: []string{"lead@ior.example"}}, store.Actor{ID: agent.ID, Name: agent.Name})
	if err != nil {
		t.Fatal(err)
	}
	if n := r.runOnce(); n != 1 {
		t.Fatalf("claimed %d messages, want the reply", n)
	}
	msgs := srv.messages()[before:]
	if len(msgs) != 1 {
		t.Fatalf("%d messages sent", len(msgs))
	}
	rcpt := msgs[0].To
	m := parseMessage(t, msgs[0].Data, msgs[0].To)
	if from := m.Header.Get("From"); from != `"Ana Agent at IOR Desk" <iordesk@ior.example>` {
		t.Errorf("From %q", from)
	}
	if !strings.Contains(m.Header.Get("To"), "grace@example.com") || !strings.Contains(m.Header.Get("Cc"), "lead@ior.example") ||
		!strings.Contains(m.Header.Get("Reply-To"), "desk@ior.example") || m.Subject != "Re: ["+e.Reference+"] servers" {
		t.Errorf("headers To %q Cc %q Reply-To %q Subject %q", m.Header.Get("To"), m.Header.Get("Cc"), m.Header.Get("Reply-To"), m.Subject)
	}
	if strings.TrimSpace(strings.ReplaceAll(m.Text, "\r\n", "\n")) != body {
		t.Errorf("text %q", m.Text)
	}
	// The reply continues the acknowledgement's thread.
	ack, _ := r.st.AcknowledgementOf(context.Background(), e.ID)
	ackID := "<" + imail.MessageID(ack, e.Reference, "ior.example") + ">"
	if m.Header.Get("In-Reply-To") != ackID || m.Header.Get("References") != ackID ||
		!strings.HasPrefix(m.Header.Get("Message-ID"), "<iordesk.") {
		t.Errorf("threading: Message-ID %q In-Reply-To %q References %q", m.Header.Get("Message-ID"), m.Header.Get("In-Reply-To"), m.Header.Get("References"))
	}
	if strings.Contains(m.HTML, "<b>Thanks</b>") || !strings.Contains(m.HTML, "&lt;b&gt;Thanks&lt;/b&gt; &amp; regards") {
		t.Errorf("HTML not escaped:\n%s", m.HTML)
	}
	if got := slices.Sorted(slices.Values(rcpt)); !slices.Equal(got, []string{"grace@example.com", "lead@ior.example"}) {
		t.Errorf("envelope recipients %v", got)
	}
	got, _ := r.st.EnquiryByID(context.Background(), e.ID)
	if got.FirstResponseAt == nil || got.FirstResponseBy == nil || *got.FirstResponseBy != agent.ID {
		t.Errorf("the reply is not the first response: %v %v", got.FirstResponseAt, got.FirstResponseBy)
	}
	events, _ := r.st.Events(context.Background(), e.ID)
	var reply string
	for _, ev := range events {
		if ev.Kind == store.EventReply {
			reply = ev.Detail
		}
	}
	if !strings.Contains(reply, "Cc: lead@ior.example") || !strings.Contains(reply, body) {
		t.Errorf("timeline reply %q", reply)
	}
}

// TestAssignmentMail: giving an enquiry to a colleague mails them, through
// the outbox; taking it oneself does not, nor giving it to someone who
// turned such mail off.
func TestAssignmentMail(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	ctx := context.Background()
	users := map[string]*store.User{}
	for _, name := range []string{"Ana", "Ben", "Cleo"} {
		u := &store.User{Email: strings.ToLower(name) + "@ior.example", Name: name, Role: store.RoleAgent, PasswordHash: "x"}
		if err := r.st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		users[name] = u
	}
	if err := r.st.SetNotifyAssigned(ctx, users["Cleo"].ID, false); err != nil {
		t.Fatal(err)
	}
	e := r.enquiry(nil, "DE")
	r.runOnce()
	before := len(srv.messages())
	ana := store.Actor{ID: users["Ana"].ID, Name: "Ana"}
	for _, to := range []string{"Ana", "Ben", "Cleo"} {
		if err := r.st.Assign(ctx, e.ID, 0, users[to], ana); err != nil {
			t.Fatal(err)
		}
	}
	r.runOnce()
	sent := srv.messages()[before:]
	if len(sent) != 1 || strings.Join(sent[0].To, ",") != "ben@ior.example" {
		t.Fatalf("assignment mail to %v, want Ben's alone", sent)
	}
	m := parseMessage(t, sent[0].Data, sent[0].To)
	if !strings.Contains(m.Subject, e.Reference) || !strings.Contains(m.Text, "Ana gave you the enquiry "+e.Reference) ||
		!strings.Contains(m.Text, "https://ior.example/staff/enquiries/") {
		t.Errorf("assignment mail %q:\n%s", m.Subject, m.Text)
	}
}

// TestProspectMailTellsTheAssigneeOrTheDesk: when the prospect writes
// back, the assignee is mailed (unless they turned such mail off), or the
// enquiry's desk when nobody is assigned; the next reply answers the
// prospect's message in its threading headers.
func TestProspectMailTellsTheAssigneeOrTheDesk(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	ctx := context.Background()
	ben := &store.User{Email: "ben@ior.example", Name: "Ben", Role: store.RoleAgent, PasswordHash: "x"}
	cleo := &store.User{Email: "cleo@ior.example", Name: "Cleo", Role: store.RoleAgent, PasswordHash: "x"}
	for _, u := range []*store.User{ben, cleo} {
		if err := r.st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.st.SetNotifyAssigned(ctx, cleo.ID, false); err != nil {
		t.Fatal(err)
	}
	nobody := r.enquiry(nil, "DE")
	bens := r.enquiry(func(e *store.Enquiry) { e.AssigneeID = &ben.ID }, "FR")
	cleos := r.enquiry(func(e *store.Enquiry) { e.AssigneeID = &cleo.ID }, "IT")
	r.runOnce()
	before := len(srv.messages())
	place, _, err := r.st.LeaseMailbox(ctx, "desk", "test", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range []*store.Enquiry{nobody, bens, cleos} {
		m := store.InboundMail{Mailbox: "desk", UIDValidity: 1, UID: place.LastUID + int64(i) + 1, MessageID: fmt.Sprintf("p%d@example.com", i),
			FromAddress: "grace@example.com", FromName: "Grace", Subject: "Re: [" + e.Reference + "] <b>servers</b>",
			Body: "Invoice attached.\n<script>x</script>"}
		if _, err := r.st.RecordInbound(ctx, "test", m, store.InboundThread{SubjectRef: e.Reference}); err != nil {
			t.Fatal(err)
		}
	}
	r.runOnce()
	sent := srv.messages()[before:]
	to := map[string]string{}
	for _, s := range sent {
		m := parseMessage(t, s.Data, s.To)
		to[strings.Join(s.To, ",")] = m.Subject
		if !strings.Contains(m.Text, "Invoice attached.") || strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
			t.Errorf("mail to %v:\n%s\n%s", s.To, m.Text, m.HTML)
		}
	}
	if len(to) != 2 || !strings.Contains(to["desk@ior.example"], nobody.Reference) || !strings.Contains(to["ben@ior.example"], bens.Reference) {
		t.Fatalf("prospect mail went to %v, want the desk and Ben", to)
	}
	if _, err := r.st.QueueReply(ctx, bens.ID, store.Reply{Subject: "Re: servers", Body: "Thanks."}, store.Actor{ID: ben.ID, Name: "Ben"}); err != nil {
		t.Fatal(err)
	}
	before = len(srv.messages())
	r.runOnce()
	reply := parseMessage(t, srv.messages()[before].Data, srv.messages()[before].To)
	if reply.Header.Get("In-Reply-To") != "<p1@example.com>" || !strings.HasSuffix(reply.Header.Get("References"), " <p1@example.com>") {
		t.Errorf("reply threading: In-Reply-To %q References %q", reply.Header.Get("In-Reply-To"), reply.Header.Get("References"))
	}
}

// TestMonthlyDigestCoversTheMonthBefore: on the first of a month the
// subscribers get the month before, once; the weekly subscribers alone
// get none.
func TestMonthlyDigestCoversTheMonthBefore(t *testing.T) {
	srv := startSMTP(t, "")
	r := newRig(t, "smtp+insecure://"+srv.addr)
	ctx := context.Background()
	r.clock.Set(time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC))
	r.enquiry(nil, "DE")
	r.clock.Set(time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)) // the month before: not counted
	r.enquiry(nil, "FR")
	r.clock.Set(time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	for r.runOnce() > 0 {
	}
	before := len(srv.messages())
	monthly := &store.User{Email: "boss@ior.example", Name: "Boss", Role: store.RoleManager, PasswordHash: "x"}
	weekly := &store.User{Email: "weekly@ior.example", Name: "Weekly", Role: store.RoleManager, PasswordHash: "x"}
	for _, u := range []*store.User{monthly, weekly} {
		if err := r.st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	r.st.SetMonthlyDigest(ctx, monthly.ID, true)
	r.st.SetWeeklyDigest(ctx, weekly.ID, true)
	r.clock.Set(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	n1, err1 := r.outbox.QueueMonthlyDigests(ctx)
	n2, err2 := r.outbox.QueueMonthlyDigests(ctx)
	if err1 != nil || err2 != nil || n1 != 1 || n2 != 0 {
		t.Fatalf("queued %d then %d (%v %v), want 1 then 0", n1, n2, err1, err2)
	}
	r.runOnce()
	msgs := srv.messages()[before:]
	if len(msgs) != 1 || msgs[0].To[0] != "boss@ior.example" {
		t.Fatalf("%d digests sent, want one to boss@ior.example", len(msgs))
	}
	p := parseMessage(t, msgs[0].Data, msgs[0].To)
	if p.Subject != "IOR Desk monthly: 1 enquiries in November 2026" || !strings.Contains(p.Text, "Your IOR Desk month, 1 Nov 2026 to 30 Nov 2026") ||
		!strings.Contains(p.Text, "Germany: 1") || strings.Contains(p.Text, "France") || !strings.Contains(p.Text, "monthly digest") ||
		!strings.Contains(p.Text, "from=2026-11-01&to=2026-11-30") {
		t.Fatalf("digest %q:\n%s", p.Subject, p.Text)
	}
}
