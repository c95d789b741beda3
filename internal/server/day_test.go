package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"iordesk/internal/demo"
	"iordesk/internal/store"
)

// TestAnAgentsDayOnAPhone is a desk agent's day at 390 px: log in, open
// the menu, filter the list, open an enquiry, "save and next" through
// three, go back with k, back to the list, change the password, log out
// and in again with it. Every page on the way fits the screen and passes
// axe-core.
func TestAnAgentsDayOnAPhone(t *testing.T) {
	ctx := browser(t)
	axe := axeSource(t)
	a := newApp(t)
	if err := demo.Generate(context.Background(), a.st, 300, a.now(), 11, nil); err != nil {
		t.Fatal(err)
	}
	// Four new enquiries to New Zealand, which the demo data never names:
	// the day's filtered queue, newest first.
	var queue []*store.Enquiry
	for i := range 4 {
		a.advance(1)
		queue = append([]*store.Enquiry{a.enquiry(fmt.Sprint("Kiwi Buyer ", i), "NZ")}, queue...)
	}
	ts := httptest.NewServer(a.srv.Echo)
	t.Cleanup(ts.Close)
	run(t, ctx, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))

	// Every page on the way: no page-level horizontal scroll, no axe
	// violation.
	checkPage := func(what string) {
		t.Helper()
		if w := evaluate[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("%s: the page is %d px wide on a 390 px screen", what, w)
		}
		for _, v := range axeViolations(t, ctx, axe) {
			t.Errorf("%s: %s", what, v)
		}
	}
	logIn := func(password string) {
		t.Helper()
		run(t, ctx, "log in", chromedp.Navigate(ts.URL+"/staff/login"), chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), "agent@ior.example"), chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Click(chromedp.CSS("form button[type=submit]")), chromedp.WaitVisible(chromedp.ID("by-country")))
	}
	// menu opens the menu and follows the link to path, then waits for
	// that page: the page before it has a heading too.
	menu := func(path string) {
		t.Helper()
		run(t, ctx, "open the menu", chromedp.Click(chromedp.CSS(".staff-menu summary")))
		run(t, ctx, "follow "+path, chromedp.Click(chromedp.CSS(`.staff-menu nav a[href="`+path+`"]`)))
		waitFor(t, ctx, `location.pathname === "`+path+`"`)
	}

	logIn(testPassword)
	checkPage("overview")
	menu("/staff/enquiries")
	run(t, ctx, "filter by New Zealand", chromedp.SetValue(chromedp.ID("f-country"), "NZ"))
	evalBool(t, ctx, `document.getElementById("f-country").dispatchEvent(new Event("change", {bubbles: true})) || true`)
	waitFor(t, ctx, `document.querySelectorAll("table.list a.ref").length === 4 && location.search.includes("country=NZ")`)
	checkPage("the filtered list")

	run(t, ctx, "open the first", chromedp.Click(chromedp.CSS("table.list a.ref")), chromedp.WaitVisible(chromedp.ID("follow_up_on")))
	for i, e := range queue[:3] {
		if ref := evalString(t, ctx, `document.querySelector("h1 .ref").textContent`); ref != e.Reference {
			t.Fatalf("step %d shows %s, want %s", i, ref, e.Reference)
		}
		if i == 0 {
			checkPage("an enquiry")
		}
		run(t, ctx, "triage "+e.Reference, chromedp.SetValue(chromedp.ID("status"), "triaged"),
			chromedp.SetValue(chromedp.ID("assignee"), "me"), chromedp.SetValue(chromedp.ID("follow_up_on"), "2026-12-02"),
			chromedp.SetValue(chromedp.ID("note"), "Asked for the product list."))
		run(t, ctx, "save and next", chromedp.Click(chromedp.CSS(`form[action*="/update"] button[name="then"]`)))
		waitFor(t, ctx, fmt.Sprintf(`document.querySelector("h1 .ref") !== null && document.querySelector("h1 .ref").textContent === %q
			&& document.querySelector(".notice") !== null && document.querySelector(".notice").textContent.includes("Here is the next")`, queue[i+1].Reference))
	}
	for _, e := range queue[:3] {
		got, err := a.st.EnquiryByID(context.Background(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		events, _ := a.st.Events(context.Background(), e.ID)
		if got.Status != "triaged" || got.AssigneeID == nil || *got.AssigneeID != a.users[store.RoleAgent].ID ||
			got.FollowUpOn != "2026-12-02" || got.Version != 2 || events[len(events)-1].Detail != "Asked for the product list." {
			t.Fatalf("%s after save and next: %q assignee %v next %q version %d", e.Reference, got.Status, got.AssigneeID, got.FollowUpOn, got.Version)
		}
	}
	// k goes back to the one before, in the same list.
	run(t, ctx, "press k", chromedp.KeyEvent("k"))
	waitFor(t, ctx, fmt.Sprintf(`document.querySelector("h1 .ref") !== null && document.querySelector("h1 .ref").textContent === %q`, queue[2].Reference))
	run(t, ctx, "back to the list", chromedp.Click(chromedp.CSS(".queue-nav a:first-child")), chromedp.WaitVisible(chromedp.CSS("table.list")))
	if !strings.Contains(evalString(t, ctx, `location.search`), "country=NZ") ||
		evalString(t, ctx, `[...document.querySelectorAll("table.list .badge-triaged")].length + ""`) != "3" {
		t.Fatal("back on the list, the filter or the changes are missing")
	}

	// The agent's own password, then out and in again with it.
	menu("/staff/account")
	checkPage("my account")
	const newPassword = "kiwi orchard lantern tuesday"
	run(t, ctx, "change the password", chromedp.SendKeys(chromedp.ID("current"), testPassword),
		chromedp.SendKeys(chromedp.ID("new-password"), newPassword), chromedp.SendKeys(chromedp.ID("repeat"), newPassword),
		chromedp.Click(chromedp.CSS("#password-form button")))
	waitFor(t, ctx, `document.querySelector(".notice") !== null`)
	run(t, ctx, "log out", chromedp.Click(chromedp.CSS(".staff-menu summary")), chromedp.Click(chromedp.CSS(`form[action="/staff/logout"] button`)))
	waitFor(t, ctx, `location.pathname === "/staff/login" && document.getElementById("email") !== null`)
	checkPage("the login page")
	run(t, ctx, "the old password", chromedp.SendKeys(chromedp.ID("email"), "agent@ior.example"), chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS("form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	a.advance(1) // past the short lockout a failed login may start
	logIn(newPassword)
}
