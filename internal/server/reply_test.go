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

// Reply templates: managers keep them, a template the sandbox refuses is
// not saved and the page says where; an agent starts a reply from one,
// filled for the enquiry and in their name.
func TestReplyTemplates(t *testing.T) { onBothEngines(t, testReplyTemplates) }

func testReplyTemplates(t *testing.T, a *app) {
	ctx := context.Background()
	manager, agent := a.session(store.RoleManager), a.session(store.RoleAgent)
	list, err := a.st.ReplyTemplates(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("%d seeded templates: %v", len(list), err)
	}
	if rec := a.request("GET", "/staff/templates", nil, agent); rec.Code != http.StatusForbidden {
		t.Fatalf("an agent on the templates page: %d", rec.Code)
	}
	bad := url.Values{"name": {"Broken"}, "subject": {"Re: {{.Reference}}"}, "body": {"Dear {{.Name}},\n{{printf \"%s\" .Email}}"}}
	rec := a.request("POST", "/staff/templates", bad, manager)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(doc(t, rec).Find(".error-summary").Text(), "line 2, column 3") {
		t.Fatalf("a broken template: %d %q", rec.Code, doc(t, rec).Find(".error-summary").Text())
	}
	if doc(t, rec).Find("#body-new").Text() != bad.Get("body") {
		t.Fatal("the refused template's text was not kept")
	}
	good := url.Values{"name": {"Short"}, "subject": {"Re: [{{.Reference}}] {{.Destinations}}"}, "body": {"Dear {{.Name}},\nthanks. {{.Agent}}"}}
	if rec := a.request("POST", "/staff/templates", good, manager); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", rec.Code)
	}
	list, _ = a.st.ReplyTemplates(ctx)
	var id int64
	for _, tpl := range list {
		if tpl.Name == "Short" {
			id = tpl.ID
		}
	}
	e := a.enquiry("Grace Hopper", "DE", "BR")
	page := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d?template=%d", e.ID, id), nil, agent))
	if s := page.Find("#reply-subject").AttrOr("value", ""); s != "Re: ["+e.Reference+"] Germany, Brazil" {
		t.Fatalf("subject from the template %q", s)
	}
	if b := page.Find("#reply-body").Text(); b != "Dear Grace Hopper,\nthanks. Agent Person" {
		t.Fatalf("text from the template %q", b)
	}

	// A template in Spanish: offered first for a prospect who wrote in
	// Spanish, its merge fields in Spanish; last for the others.
	spanish := url.Values{"name": {"Primera respuesta"}, "language": {"es"}, "subject": {"Re: [{{.Reference}}] {{.Destinations}}"},
		"body": {"Estimado/a {{.Name}}:\n{{.Service}} para {{.Destinations}}.\n{{.Agent}}"}}
	if rec := a.request("POST", "/staff/templates", spanish, manager); rec.Code != http.StatusSeeOther {
		t.Fatalf("save a Spanish template: %d", rec.Code)
	}
	if rec := a.request("POST", "/staff/templates", url.Values{"name": {"X"}, "language": {"tlh"}, "subject": {"S"}, "body": {"B"}}, manager); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a template in no language iordesk has: %d", rec.Code)
	}
	form := a.filledForm("DE", "BR")
	rec = a.requestFrom("198.51.100.40", http.MethodPost, "/enquiry?lang=es", form, "")
	loc, _ := url.Parse(rec.Header().Get("Location"))
	es, err := a.st.EnquiryByReference(ctx, loc.Query().Get("ref"))
	if err != nil {
		t.Fatal(err)
	}
	page = doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", es.ID), nil, agent))
	first := page.Find("#reply-template optgroup").First()
	if first.AttrOr("label", "") != "In Spanish, the prospect's language" || first.Find("option").First().Text() != "Primera respuesta" ||
		page.Find("#reply-template option").First().Text() != "Primera respuesta" {
		t.Fatalf("picker for a Spanish prospect: %q first, %q", first.AttrOr("label", ""), page.Find("#reply-template option").First().Text())
	}
	if last := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", e.ID), nil, agent)).Find("#reply-template optgroup").Last(); last.AttrOr("label", "") != "In Spanish" {
		t.Fatalf("picker for an English prospect ends with %q", last.AttrOr("label", ""))
	}
	list, _ = a.st.ReplyTemplates(ctx)
	for _, tpl := range list {
		if tpl.Name == "Primera respuesta" {
			id = tpl.ID
			if tpl.Language != "es" {
				t.Fatalf("stored language %q", tpl.Language)
			}
		}
	}
	page = doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d?template=%d", es.ID, id), nil, agent))
	if s := page.Find("#reply-subject").AttrOr("value", ""); s != "Re: ["+es.Reference+"] Alemania, Brasil" {
		t.Fatalf("Spanish subject %q", s)
	}
	if b := page.Find("#reply-body").Text(); b != "Estimado/a Grace Hopper:\nImportador Registrado (IOR) para Alemania, Brasil.\nAgent Person" {
		t.Fatalf("Spanish text %q", b)
	}
}
