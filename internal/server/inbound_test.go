package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"iordesk/internal/imaptest"
	imail "iordesk/internal/mail"
	"iordesk/internal/pgtest"
	"iordesk/internal/store"
)

// withMailbox runs fn on each engine with an app polling the desk mailbox
// of an in-memory IMAP server of its own.
func withMailbox(t *testing.T, fn func(t *testing.T, a *app, box *imaptest.Server)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			box := imaptest.Start(t)
			dsn := filepath.Join(t.TempDir(), "iordesk.db")
			if engine == "postgres" {
				dsn = pgtest.DSN(t)
			}
			fn(t, newAppWith(t, dsn, map[string]string{"IORDESK_IMAP_URL": box.URL(), "IORDESK_BASE_URL": "https://ior.example"}), box)
		})
	}
}

func (a *app) poll() int {
	a.t.Helper()
	if a.srv.Inbox == nil {
		a.t.Fatal("IORDESK_IMAP_URL is set but the server polls no mailbox")
	}
	n, err := a.srv.Inbox.RunOnce(context.Background())
	if err != nil {
		a.t.Fatal(err)
	}
	return n
}

func prospectMail(messageID, headers, contentType, body string) string {
	return "From: Grace Hopper <p@example.com>\nTo: desk@ior.example\nSubject: Re: your answer\nMessage-ID: <" + messageID + ">\n" +
		headers + "MIME-Version: 1.0\nContent-Type: " + contentType + "\n\n" + body
}

// The prospect answers a reply: the answer is on the timeline as text
// only, the enquiry waits for the desk (badge, filter, overview) and the
// desk is told; the next reply answers the prospect's message and ends the
// wait.
func TestProspectAnswerComesBackOntoTheRecord(t *testing.T) {
	withMailbox(t, func(t *testing.T, a *app, box *imaptest.Server) {
		ctx := context.Background()
		e := a.enquiry("Grace", "DE")
		agent := a.session(store.RoleAgent)
		page := fmt.Sprintf("/staff/enquiries/%d", e.ID)
		if rec := a.request("POST", page+"/reply", url.Values{"subject": {"Re: [" + e.Reference + "] servers"},
			"body": {"Please send the invoice."}}, agent); rec.Code != http.StatusSeeOther {
			t.Fatalf("reply: %d", rec.Code)
		}
		mail, _ := a.st.MailFor(ctx, e.ID)
		ours := imail.MessageID(mail[len(mail)-1].ID, e.Reference, "ior.example")
		// Hostile HTML only, and a subject that names no reference: the
		// header finds the enquiry.
		box.Deliver(prospectMail(fmt.Sprintf("answer-%d@example.com", e.ID), "In-Reply-To: <"+ours+">\n", "text/html; charset=utf-8",
			`<p>Thanks <b>desk</b>, invoice attached.</p><script>alert("x")</script><img src=x onerror="alert(1)"><a href="https://evil.example/">click</a>`))
		if n := a.poll(); n != 1 {
			t.Fatalf("recorded %d messages", n)
		}
		d := doc(t, a.request("GET", page, nil, agent))
		event := d.Find("li.event-prospect_mail")
		if event.Length() != 1 || !strings.Contains(event.Text(), "Thanks desk, invoice attached.") {
			t.Fatalf("timeline: %q", d.Find(".timeline").Text())
		}
		if event.Find("a, script, img, b").Length() != 0 || strings.Contains(event.Text(), "alert") {
			t.Fatalf("the prospect's HTML reached the page: %q", event.Text())
		}
		if d.Find(".waiting-for-us").Length() != 1 {
			t.Fatal("the enquiry page does not say the prospect waits")
		}
		list := doc(t, a.request("GET", "/staff/enquiries?waiting=us", nil, agent))
		if list.Find("tbody tr").Length() != 1 || list.Find(".badge-waiting").Length() != 1 {
			t.Fatalf("waiting filter: %d rows", list.Find("tbody tr").Length())
		}
		if got := doc(t, a.request("GET", "/staff", nil, agent)).Find(`a[href^="/staff/enquiries?waiting=us"] .stat-n`).Text(); got != "1" {
			t.Fatalf("overview counts %q waiting", got)
		}
		mail, _ = a.st.MailFor(ctx, e.ID)
		if last := mail[len(mail)-1]; last.Kind != store.MailProspectWrote || last.UserID != nil {
			t.Fatalf("nobody is assigned, so the desk should be told: %+v", last)
		}

		if rec := a.request("POST", page+"/reply", url.Values{"subject": {"Re: your answer"}, "body": {"Thank you."}}, agent); rec.Code != http.StatusSeeOther {
			t.Fatalf("second reply: %d", rec.Code)
		}
		mail, _ = a.st.MailFor(ctx, e.ID)
		if last := mail[len(mail)-1]; last.InReplyTo != fmt.Sprintf("answer-%d@example.com", e.ID) {
			t.Fatalf("the reply answers %q", last.InReplyTo)
		}
		if list := doc(t, a.request("GET", "/staff/enquiries?waiting=us", nil, agent)); list.Find("tbody tr.empty, td.empty").Length() != 1 {
			t.Fatal("a reply did not end the wait")
		}
	})
}

// Mail that names no enquiry waits on the Unmatched mail page for a
// manager, who attaches it to its enquiry or discards it; agents cannot.
func TestUnmatchedMail(t *testing.T) {
	withMailbox(t, func(t *testing.T, a *app, box *imaptest.Server) {
		e := a.enquiry("Grace", "DE")
		box.Deliver(prospectMail("lost-1@example.com", "", "text/plain; charset=utf-8", "Which enquiry was mine again?"))
		box.Deliver(prospectMail("lost-2@example.com", "", "text/plain; charset=utf-8", "Buy cheap watches"))
		if n := a.poll(); n != 2 {
			t.Fatalf("recorded %d", n)
		}
		agent, manager := a.session(store.RoleAgent), a.session(store.RoleManager)
		if rec := a.request("GET", "/staff/mail", nil, agent); rec.Code != http.StatusForbidden {
			t.Fatalf("an agent sees unmatched mail: %d", rec.Code)
		}
		d := doc(t, a.request("GET", "/staff/mail", nil, manager))
		if d.Find("article.mail-message").Length() != 2 {
			t.Fatalf("%d messages listed", d.Find("article.mail-message").Length())
		}
		var first, second string
		d.Find("article.mail-message").Each(func(_ int, s *goquery.Selection) {
			action, _ := s.Find(`form[action$="/attach"]`).Attr("action")
			if strings.Contains(s.Text(), "Which enquiry") {
				first = action
			} else {
				second = strings.Replace(action, "/attach", "/discard", 1)
			}
		})
		if rec := a.request("POST", first, url.Values{"reference": {"ENQ-NOTTHERE"}}, agent); rec.Code != http.StatusForbidden {
			t.Fatalf("an agent attached mail: %d", rec.Code)
		}
		rec := a.request("POST", first, url.Values{"reference": {"ENQ-NOTTHERE"}}, manager)
		if rec.Code != http.StatusUnprocessableEntity || doc(t, rec).Find(`input[aria-invalid="true"]`).AttrOr("value", "") != "ENQ-NOTTHERE" {
			t.Fatalf("attach to a missing enquiry: %d", rec.Code)
		}
		rec = a.request("POST", first, url.Values{"reference": {strings.ToLower(e.Reference)}}, manager)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != fmt.Sprintf("/staff/enquiries/%d?done=mail-attached", e.ID) {
			t.Fatalf("attach: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		if rec := a.request("POST", first, url.Values{"reference": {e.Reference}}, manager); rec.Code != http.StatusConflict {
			t.Fatalf("attaching twice: %d", rec.Code)
		}
		page := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", e.ID), nil, agent))
		if !strings.Contains(page.Find("li.event-prospect_mail").Text(), "Which enquiry was mine again?") || page.Find(".waiting-for-us").Length() != 1 {
			t.Fatal("the attached message is not on the enquiry")
		}
		if rec := a.request("POST", second, nil, manager); rec.Code != http.StatusSeeOther {
			t.Fatalf("discard: %d", rec.Code)
		}
		if n := doc(t, a.request("GET", "/staff/mail", nil, manager)).Find("article.mail-message").Length(); n != 0 {
			t.Fatalf("%d messages still unmatched", n)
		}
		if n := doc(t, a.request("GET", "/staff/mail?state=discarded", nil, manager)).Find("article.mail-message").Length(); n != 1 {
			t.Fatalf("%d messages discarded", n)
		}
		// Answered by telephone: the wait ends, on the timeline.
		path := fmt.Sprintf("/staff/enquiries/%d/answered", e.ID)
		if rec := a.request("POST", path, nil, agent); rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "done=answered") {
			t.Fatalf("mark answered: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		got, _ := a.st.EnquiryByID(context.Background(), e.ID)
		if got.AwaitingReplySince != nil {
			t.Fatal("still waiting after being marked answered")
		}
		if rec := a.request("POST", path, nil, agent); !strings.Contains(rec.Header().Get("Location"), "done=answered-already") {
			t.Fatalf("marking again: %s", rec.Header().Get("Location"))
		}
	})
}

// prospectWrote records a message from the desk mailbox as the poller
// would: about e (by its reference in the subject), or unmatched (nil).
func (a *app) prospectWrote(e *store.Enquiry, subject, body string) {
	a.t.Helper()
	ctx := context.Background()
	place, ok, err := a.st.LeaseMailbox(ctx, "test", "harness", time.Minute)
	if err != nil || !ok {
		a.t.Fatalf("lease: %v %v", ok, err)
	}
	var thread store.InboundThread
	if e != nil {
		thread.SubjectRef = e.Reference
	}
	m := store.InboundMail{Mailbox: "test", UIDValidity: 1, UID: place.LastUID + 1, FromAddress: "p@example.com",
		FromName: "A Prospect", Subject: subject, Body: body, Attachments: "products.xlsx (1.2 MB)"}
	if _, err := a.st.RecordInbound(ctx, "harness", m, thread); err != nil {
		a.t.Fatal(err)
	}
}

// TestConversationInABrowser: an agent answers from a template, sees the
// reply on the timeline; the prospect's answer (hostile HTML) arrives in
// the mailbox, appears on the timeline as text and flags the enquiry in
// the list.
func TestConversationInABrowser(t *testing.T) {
	ctx := browser(t)
	box := imaptest.Start(t)
	a := newAppWith(t, filepath.Join(t.TempDir(), "iordesk.db"), map[string]string{"IORDESK_IMAP_URL": box.URL(), "IORDESK_BASE_URL": "https://ior.example"})
	e := a.enquiry("Grace Hopper", "DE", "BR")
	ts := httptest.NewServer(a.srv.Echo)
	defer ts.Close()
	page := fmt.Sprintf("%s/staff/enquiries/%d", ts.URL, e.ID)
	run(t, ctx, "log in", chromedp.Navigate(ts.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.ID("email"), "agent@ior.example"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("by-country")))
	run(t, ctx, "open the enquiry", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("reply-template")))
	run(t, ctx, "start from the first template", chromedp.Click(chromedp.CSS(".template-picker button")))
	waitFor(t, ctx, `location.search.includes("template=") && document.getElementById("reply-body").value.includes("Grace")`)
	run(t, ctx, "send the reply", chromedp.Click(chromedp.CSS(`form[action*="/reply"] button[type=submit]:not([name])`)))
	waitFor(t, ctx, `document.querySelector(".notice") !== null && document.querySelector(".notice").textContent.includes("Reply queued")`)
	if !evalBool(t, ctx, `document.querySelector("li.event-reply") !== null && document.querySelector("li.event-reply").textContent.includes("Grace")`) {
		t.Fatal("the reply is not on the timeline")
	}

	mail, _ := a.st.MailFor(context.Background(), e.ID)
	ours := imail.MessageID(mail[len(mail)-1].ID, e.Reference, "ior.example")
	box.Deliver(prospectMail("answer@example.com", "In-Reply-To: <"+ours+">\n", "text/html; charset=utf-8",
		`<p>Here is the <b>invoice</b>.</p><img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`))
	if n := a.poll(); n != 1 {
		t.Fatalf("recorded %d", n)
	}
	run(t, ctx, "reload the enquiry", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("timeline")))
	waitFor(t, ctx, `document.querySelector("li.event-prospect_mail") !== null`)
	if !evalBool(t, ctx, `window.__xss === undefined && document.querySelector("li.event-prospect_mail").textContent.includes("Here is the invoice.")
		&& document.querySelector("li.event-prospect_mail img, li.event-prospect_mail script") === null
		&& document.querySelector(".waiting-for-us") !== null`) {
		t.Fatal("the prospect's answer is not on the page as text, or the enquiry is not flagged")
	}
	evalBool(t, ctx, `document.getElementById("timeline").scrollIntoView(), true`)
	shot(t, ctx, "screenshot-conversation.png", false)
	run(t, ctx, "list what waits for us", chromedp.Navigate(ts.URL+"/staff/enquiries?waiting=us"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	if !evalBool(t, ctx, fmt.Sprintf(`document.querySelectorAll("table.list tbody a.ref").length === 1
		&& document.querySelector("table.list tbody a.ref").textContent === %q && document.querySelector(".badge-waiting") !== null`, e.Reference)) {
		t.Fatal("the list does not show the enquiry waiting for us")
	}
}
