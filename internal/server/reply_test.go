package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"iordesk/internal/store"
)

// A reply from the enquiry page: queued through the outbox with its text
// on the timeline; copies only to the prospect's address and the company's
// domains; one-line subjects only.
func TestReplyFromTheEnquiryPage(t *testing.T) { onBothEngines(t, testReplyFromTheEnquiryPage) }

func testReplyFromTheEnquiryPage(t *testing.T, a *app) {
	ctx := context.Background()
	e := a.enquiry("Grace", "DE")
	agent := a.session(store.RoleAgent)
	page := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", e.ID), nil, agent))
	subject, _ := page.Find("#reply-subject").Attr("value")
	if !strings.HasPrefix(subject, "Re: ["+e.Reference+"] ") {
		t.Fatalf("the reply's subject starts as %q", subject)
	}
	path := fmt.Sprintf("/staff/enquiries/%d/reply", e.ID)
	for _, bad := range []url.Values{
		{"subject": {"Hello\r\nBcc: victim@example.net"}, "body": {"x"}},
		{"subject": {"Hello"}, "body": {"  "}},
		{"subject": {"Hello"}, "body": {"x"}, "cc": {"someone@elsewhere.example"}},
		{"subject": {"Hello"}, "body": {"x"}, "cc": {"Evil <boss@ior.example>"}},
	} {
		if rec := a.request("POST", path, bad, agent); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d", bad, rec.Code)
		}
	}
	mail, _ := a.st.MailFor(ctx, e.ID)
	queued := len(mail)
	rec := a.request("POST", path, url.Values{"subject": {subject}, "body": {"Please send the invoice.\n\nThanks"},
		"cc": {"manager@ior.example, p@example.com"}}, agent)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "done=reply") {
		t.Fatalf("reply: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	mail, _ = a.st.MailFor(ctx, e.ID)
	if len(mail) != queued+1 || mail[len(mail)-1].Kind != store.MailReply {
		t.Fatalf("outbox %+v", mail)
	}
	got, _ := a.st.EnquiryByID(ctx, e.ID)
	if got.FirstResponseAt == nil || *got.FirstResponseBy != a.users[store.RoleAgent].ID || got.Status != store.StatusNew {
		t.Fatalf("the reply is not the first response: %v", got.FirstResponseAt)
	}
	timeline := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", e.ID), nil, agent)).Find("li.event-reply").Text()
	if !strings.Contains(timeline, "Please send the invoice.") || !strings.Contains(timeline, "Cc: manager@ior.example, p@example.com") {
		t.Fatalf("timeline %q", timeline)
	}
}

// A reply that cannot be sent comes back as written; Preview shows the
// HTML version's paragraphs without sending.
func TestReplyDraftKeptAndPreviewed(t *testing.T) {
	a := newApp(t)
	e := a.enquiry("Grace", "DE")
	agent := a.session(store.RoleAgent)
	path := fmt.Sprintf("/staff/enquiries/%d/reply", e.ID)
	draft := url.Values{"subject": {"Re: servers"}, "body": {"Dear Grace,\n\n<b>two</b> lines\nhere"}, "cc": {"x@elsewhere.example"}}
	d := doc(t, a.request("POST", path, draft, agent))
	if d.Find("#reply-body").Text() != draft.Get("body") || d.Find("#reply-cc").AttrOr("value", "") != "x@elsewhere.example" {
		t.Fatal("a refused reply lost what was written")
	}
	draft.Set("cc", "")
	draft.Set("preview", "1")
	rec := a.request("POST", path, draft, agent)
	d = doc(t, rec)
	if rec.Code != http.StatusOK || d.Find(".reply-preview p").Length() != 3 || !strings.Contains(d.Find(".reply-preview").Text(), "<b>two</b> lines") {
		t.Fatalf("preview: %d %q", rec.Code, d.Find(".reply-preview").Text())
	}
	if d.Find(".reply-preview b").Length() != 0 {
		t.Fatal("the preview renders the text as HTML")
	}
	if msgs, _ := a.st.MailFor(context.Background(), e.ID); len(msgs) != 0 {
		t.Fatalf("a preview queued mail: %+v", msgs)
	}
}
