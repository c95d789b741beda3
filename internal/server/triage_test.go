package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"iordesk/internal/store"
)

// The enquiry page's one form saves status, assignee, next action and note
// in one write: one new version, one event each, all or nothing.
func TestOneFormSavesEverythingInOneWrite(t *testing.T) {
	onBothEngines(t, testOneFormSavesEverythingInOneWrite)
}

func testOneFormSavesEverythingInOneWrite(t *testing.T, a *app) {
	ctx := context.Background()
	e := a.enquiry("Triage", "DE")
	s := a.session(store.RoleAgent)
	path := fmt.Sprintf("/staff/enquiries/%d/update", e.ID)
	page := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", e.ID), nil, s))
	if page.Find(`form[action="`+path+`"] #status, form[action="`+path+`"] #assignee, form[action="`+path+`"] #follow_up_on, form[action="`+path+`"] #note`).Length() != 4 {
		t.Fatal("the enquiry page has no one form with status, assignee, next action and note")
	}
	events := func() int {
		evs, err := a.st.Events(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	before := events()
	form := url.Values{"version": {"1"}, "status": {"contacted"}, "assignee": {"me"}, "follow_up_on": {"2026-12-03"},
		"note": {"Asked for the commercial invoice."}}
	rec := a.request("POST", path, form, s)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "done=saved") {
		t.Fatalf("save: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	got, _ := a.st.EnquiryByID(ctx, e.ID)
	if got.Status != "contacted" || got.AssigneeID == nil || *got.AssigneeID != a.users[store.RoleAgent].ID ||
		got.FollowUpOn != "2026-12-03" || got.Version != 2 {
		t.Fatalf("saved as status %q assignee %v next action %q version %d", got.Status, got.AssigneeID, got.FollowUpOn, got.Version)
	}
	if n := events() - before; n != 4 {
		t.Fatalf("%d timeline events for status, assignee, next action and note, want 4", n)
	}

	// The same form again (a stale version): 409, nothing saved, the note
	// kept in the form for the next try.
	form.Set("status", "quoted")
	form.Set("note", "Second thoughts <b>kept</b>")
	rec = a.request("POST", path, form, s)
	if rec.Code != http.StatusConflict {
		t.Fatalf("stale save: %d", rec.Code)
	}
	if note := doc(t, rec).Find("textarea#note").Text(); note != "Second thoughts <b>kept</b>" {
		t.Fatalf("the note was not kept: %q", note)
	}
	if got, _ := a.st.EnquiryByID(ctx, e.ID); got.Status != "contacted" || events()-before != 4 {
		t.Fatalf("a stale form changed the enquiry: %q", got.Status)
	}

	// As it is, with no note: nothing saved, no version.
	same := url.Values{"version": {"2"}, "status": {"contacted"}, "assignee": {"me"}, "follow_up_on": {"2026-12-03"}}
	if rec = a.request("POST", path, same, s); !strings.Contains(rec.Header().Get("Location"), "done=unchanged") {
		t.Fatalf("unchanged form: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if got, _ := a.st.EnquiryByID(ctx, e.ID); got.Version != 2 {
		t.Fatalf("an unchanged form wrote version %d", got.Version)
	}

	// A date that is no date, or years away, is refused with the note kept.
	for _, day := range []string{"2026-13-01", "3026-01-01", "yesterday"} {
		bad := url.Values{"version": {"2"}, "status": {"contacted"}, "assignee": {"me"}, "follow_up_on": {day}, "note": {"kept"}}
		rec = a.request("POST", path, bad, s)
		if rec.Code != http.StatusUnprocessableEntity || doc(t, rec).Find("textarea#note").Text() != "kept" {
			t.Fatalf("next action on %q: %d", day, rec.Code)
		}
	}

	// Clearing the date and unassigning in one go.
	clear := url.Values{"version": {"2"}, "status": {"contacted"}, "assignee": {"none"}, "follow_up_on": {""}}
	if rec = a.request("POST", path, clear, s); rec.Code != http.StatusSeeOther {
		t.Fatalf("clear: %d", rec.Code)
	}
	if got, _ := a.st.EnquiryByID(ctx, e.ID); got.FollowUpOn != "" || got.AssigneeID != nil || got.Version != 3 {
		t.Fatalf("after clearing: next action %q assignee %v version %d", got.FollowUpOn, got.AssigneeID, got.Version)
	}

	// A compliance hold refuses quoting without a manager's reason, and
	// then nothing of the form is saved, the note included.
	held := a.enquiryWith(func(e *store.Enquiry) { e.ComplianceState = store.ComplianceHold }, "BR")
	quote := url.Values{"version": {"1"}, "status": {"quoted"}, "assignee": {"me"}, "note": {"Quoting"}}
	rec = a.request("POST", fmt.Sprintf("/staff/enquiries/%d/update", held.ID), quote, s)
	if rec.Code != http.StatusUnprocessableEntity || doc(t, rec).Find("textarea#note").Text() != "Quoting" {
		t.Fatalf("quoting a held enquiry: %d", rec.Code)
	}
	if got, _ := a.st.EnquiryByID(ctx, held.ID); got.Status != "new" || got.AssigneeID != nil {
		t.Fatalf("a refused form saved part of itself: %q %v", got.Status, got.AssigneeID)
	}
}

// "Due today or overdue" follows the desk's calendar: at 12:00 UTC on 30
// November it is already 1 December in Auckland.
func TestNextActionsDueFollowTheDesksDay(t *testing.T) {
	for _, c := range []struct {
		zone string
		due  []string
	}{{"UTC", []string{"Overdue"}}, {"Pacific/Auckland", []string{"Overdue", "Today"}}} {
		t.Run(c.zone, func(t *testing.T) {
			onBothEnginesWith(t, map[string]string{"IORDESK_TIMEZONE": c.zone}, func(t *testing.T, a *app) {
				ctx := context.Background()
				by := store.Actor{ID: a.users[store.RoleAgent].ID, Name: "Agent"}
				plan := func(name, day, status string) {
					e := a.enquiry(name, "DE")
					if _, err := a.st.UpdateEnquiry(ctx, e.ID, 1, store.Update{Status: store.StatusNew, FollowUpOn: day}, by); err != nil {
						t.Fatal(err)
					}
					if status != "" {
						if err := a.st.ChangeStatus(ctx, e.ID, 2, status, by, ""); err != nil {
							t.Fatal(err)
						}
					}
				}
				overdue := a.enquiry("Overdue", "DE")
				if _, err := a.st.UpdateEnquiry(ctx, overdue.ID, 1, store.Update{Status: store.StatusNew, FollowUpOn: "2026-11-29"}, by); err != nil {
					t.Fatal(err)
				}
				plan("Today", "2026-12-01", "")
				plan("Later", "2026-12-02", "")
				plan("Closed", "2026-11-28", store.StatusWon)
				a.enquiry("Unplanned", "DE")
				s := a.session(store.RoleAgent)
				d := doc(t, a.request("GET", "/staff/enquiries?due=today&sort=oldest", nil, s))
				var names []string
				d.Find("table.list tbody tr td:nth-child(4) .muted").Each(func(_ int, n *goquery.Selection) { names = append(names, n.Text()) })
				if strings.Join(names, ",") != strings.Join(c.due, ",") {
					t.Fatalf("due: %v, want %v", names, c.due)
				}
				if count := d.Find("p.count").Text(); !strings.HasPrefix(count, fmt.Sprint(len(c.due))+" matching") {
					t.Fatalf("count %q", count)
				}
				if d.Find(".badge-overdue").Length() != 1 {
					t.Fatal("the overdue row has no overdue badge")
				}
				tile := doc(t, a.request("GET", "/staff", nil, s)).Find(`a.stat[href*="due=today"]`).Text()
				if !strings.Contains(tile, fmt.Sprint(len(c.due))+" next actions due") {
					t.Fatalf("overview tile %q", tile)
				}
				// Closing an enquiry clears its next action.
				if err := a.st.ChangeStatus(ctx, overdue.ID, 2, store.StatusLost, by, ""); err != nil {
					t.Fatal(err)
				}
				if got, _ := a.st.EnquiryByID(ctx, overdue.ID); got.FollowUpOn != "" {
					t.Fatalf("a lost enquiry keeps its next action %q", got.FollowUpOn)
				}
			})
		})
	}
}

// The list counts exactly and numbers its pages: a page counts to 1,000
// at once and asks for the exact count as it loads.
func TestListCountsAndNumbersPages(t *testing.T) {
	a := newApp(t)
	for i := range 1234 {
		a.enquiry(fmt.Sprint("Buyer ", i), "DE")
	}
	s := a.session(store.RoleAgent)
	d := doc(t, a.request("GET", "/staff/enquiries?page=7", nil, s))
	if count := d.Find("p.count").Text(); !strings.HasPrefix(count, "More than 1,000 matching") {
		t.Fatalf("quick count %q", count)
	}
	exact, _ := d.Find("p.count").Attr("hx-get")
	if pager := strings.Join(strings.Fields(d.Find("nav.pager").Text()), " "); exact != "/staff/enquiries?count=exact&page=7" ||
		pager != "← Previous Page 7 of more than 20 1 … 5 6 7 8 9 Next →" {
		t.Fatalf("exact count from %q; pager before it %q", exact, pager)
	}
	d = doc(t, a.request("GET", exact, nil, s))
	if count := d.Find("p.count").Text(); !strings.HasPrefix(count, "1,234 matching") {
		t.Fatalf("count %q", count)
	}
	pager := strings.Join(strings.Fields(d.Find("nav.pager").Text()), " ")
	if want := "← Previous Page 7 of 25 1 … 5 6 7 8 9 … 25 Next →"; pager != want {
		t.Fatalf("pager %q, want %q", pager, want)
	}
	if href, _ := d.Find(`nav.pager .page-numbers a:contains("25")`).Attr("href"); href != "/staff/enquiries?page=25" {
		t.Fatalf("last page link %q", href)
	}
	last := doc(t, a.request("GET", "/staff/enquiries?page=25", nil, s))
	if n := last.Find("table.list a.ref").Length(); n != 34 || last.Find(`nav.pager a[rel="next"]`).Length() != 0 {
		t.Fatalf("the last page shows %d rows", n)
	}
}

// Giving an enquiry to a colleague queues their mail, on both engines;
// taking it oneself does not.
func TestAssignmentQueuesMail(t *testing.T) { onBothEngines(t, testAssignmentQueuesMail) }

func testAssignmentQueuesMail(t *testing.T, a *app) {
	ctx := context.Background()
	e := a.enquiry("Assign", "DE")
	agent := a.session(store.RoleAgent)
	assigned := func() int {
		msgs, err := a.st.MailFor(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range msgs {
			if m.Kind == store.MailAssigned {
				n++
			}
		}
		return n
	}
	path := fmt.Sprintf("/staff/enquiries/%d/update", e.ID)
	a.request("POST", path, url.Values{"version": {"1"}, "status": {"new"}, "assignee": {"me"}}, agent)
	if n := assigned(); n != 0 {
		t.Fatalf("taking an enquiry oneself queued %d mails", n)
	}
	manager := fmt.Sprint(a.users[store.RoleManager].ID)
	a.request("POST", path, url.Values{"version": {"2"}, "status": {"new"}, "assignee": {manager}}, agent)
	if n := assigned(); n != 1 {
		t.Fatalf("giving it to a colleague queued %d mails", n)
	}
}
