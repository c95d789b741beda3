package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"iordesk/internal/demo"
	"iordesk/internal/store"
)

// axeSource is axe-core 4.14.1 (axe.min.js from the npm package, MPL-2.0,
// licence beside it), the accessibility checker most audits use.
func axeSource(t *testing.T) string {
	src, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// axeViolations runs axe-core on the page the browser shows and returns
// one line per violated rule: the rule, its help and the first offending
// elements. DevTools evaluation is not bound by the page's CSP, so the
// pages are checked with their real headers.
func axeViolations(t *testing.T, ctx context.Context, axe string) []string {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var found []struct {
		ID, Help string
		Nodes    []string
	}
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		t.Fatalf("axe-core result %q: %v", out, err)
	}
	var lines []string
	for _, v := range found {
		lines = append(lines, fmt.Sprintf("%s (%s) at %s", v.ID, v.Help, strings.Join(v.Nodes, ", ")))
	}
	return lines
}

// staffPages are every staff page an admin may open, e an enquiry's.
func staffPages(e *store.Enquiry) []string {
	return []string{
		"/staff", "/staff/enquiries", "/staff/enquiries?country=DE&status=open", "/staff/enquiries?q=ada+lov*", fmt.Sprintf("/staff/enquiries/%d", e.ID),
		"/staff/account", "/staff/reports", "/staff/rules", "/staff/routing", "/staff/desks", "/staff/templates", "/staff/mail", "/staff/rates", "/staff/users", "/staff/audit", "/staff/privacy",
	}
}

// demoSite serves an app with 300 demo enquiries and one more, returned.
func demoSite(t *testing.T) (*httptest.Server, *store.Enquiry) {
	a := newApp(t)
	if err := demo.Generate(context.Background(), a.st, 300, a.now(), 7, nil); err != nil {
		t.Fatal(err)
	}
	e := a.enquiry("Ada Lovelace", "DE", "CN")
	a.prospectWrote(e, "Re: the servers", "Here is the product list.\n\nhttps://example.com/list <b>not bold</b>")
	a.prospectWrote(nil, "A question", "Which enquiry was mine?")
	ts := httptest.NewServer(a.srv.Echo)
	t.Cleanup(ts.Close)
	return ts, e
}

func logInAsAdmin(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	run(t, ctx, "log in", chromedp.Navigate(base+"/staff/login"),
		chromedp.SendKeys(chromedp.ID("email"), "admin@ior.example"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("by-country")))
}

// TestEveryPageIsAccessible runs axe-core on every public page and, as an
// admin who may see them all, every staff page, with realistic data.
func TestEveryPageIsAccessible(t *testing.T) {
	ctx := browser(t)
	axe := axeSource(t)
	ts, e := demoSite(t)

	check := func(path string) {
		t.Helper()
		run(t, ctx, "open "+path, chromedp.Navigate(ts.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
		for _, v := range axeViolations(t, ctx, axe) {
			t.Errorf("%s: %s", path, v)
		}
	}
	for _, p := range []string{"/", "/enquiry", "/enquiry/thanks", "/privacy", "/staff/login", "/?lang=ar", "/enquiry?lang=zh-Hans", "/enquiry/thanks?lang=de"} {
		check(p)
	}
	logInAsAdmin(t, ctx, ts.URL)
	for _, p := range staffPages(e) {
		check(p)
	}
}

// TestNewCodeInPlace: with JavaScript "New code" changes the image and the
// audio player together, without leaving the page.
func TestNewCodeInPlace(t *testing.T) {
	ctx := browser(t)
	a := newApp(t)
	ts := httptest.NewServer(a.srv.Echo)
	defer ts.Close()
	same := `(() => { const img = document.querySelector(".captcha-image").getAttribute("src"), au = document.querySelector("audio.captcha-player").getAttribute("src");
		return img.replace(/\.png$/, "") + " " + au.replace(/\.wav$/, ""); })()`
	run(t, ctx, "open the form", chromedp.Navigate(ts.URL+"/enquiry"), chromedp.WaitVisible(chromedp.CSS(".captcha-image")))
	before, err := chromedp.Run(ctx, chromedp.Evaluate[string](same))
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "ask for a new code", chromedp.Click(chromedp.CSS("[data-captcha-reload]")))
	waitFor(t, ctx, fmt.Sprintf(`document.querySelector(".captcha-image").getAttribute("src") !== %q`, strings.Fields(before)[0]+".png"))
	after, err := chromedp.Run(ctx, chromedp.Evaluate[string](same))
	if err != nil {
		t.Fatal(err)
	}
	if f := strings.Fields(after); len(f) != 2 || f[0] != f[1] || !strings.HasPrefix(f[0], "/captcha/") {
		t.Errorf("after a new code the image and the audio are %q", after)
	}
}

// TestErrorSummaryLinksShowTheLabel: following a link of the error summary
// brings the field into view with its label and message above it, not
// scrolled off the top.
func TestErrorSummaryLinksShowTheLabel(t *testing.T) {
	ctx := browser(t)
	a := newApp(t)
	ts := httptest.NewServer(a.srv.Echo)
	defer ts.Close()
	run(t, ctx, "send the empty form", chromedp.Navigate(ts.URL+"/enquiry"),
		chromedp.Click(chromedp.CSS(`#enquiry-form button[type=submit]:not([formaction])`)),
		chromedp.WaitVisible(chromedp.ID("error-summary")))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#error-summary a").length`))
	if err != nil || n < 3 {
		t.Fatalf("error links: %d %v", n, err)
	}
	for i := range n {
		js := fmt.Sprintf(`(() => {
			const a = document.querySelectorAll("#error-summary a")[%d];
			a.click();
			const field = document.getElementById(a.hash.slice(1));
			const group = field.closest(".field");
			const label = group.querySelector("label, legend");
			return [a.hash, String(Math.round(label.getBoundingClientRect().top)), String(Math.round(field.getBoundingClientRect().bottom)), String(window.innerHeight)].join(" ");
		})()`, i)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatal(err)
		}
		var hash string
		var labelTop, fieldBottom, height int
		if _, err := fmt.Sscan(got, &hash, &labelTop, &fieldBottom, &height); err != nil {
			t.Fatalf("%q: %v", got, err)
		}
		if labelTop < 0 || fieldBottom > height {
			t.Errorf("after following %s the label's top is at %d px and the field's bottom at %d px of %d", hash, labelTop, fieldBottom, height)
		}
	}
}

// TestStaffPagesFitAPhone: at 390 px every staff page (and the public
// form) fits the screen
// without page-level horizontal scrolling (wide tables scroll in their own
// box), and the staff menu is reachable through its button.
func TestStaffPagesFitAPhone(t *testing.T) {
	ctx := browser(t)
	ts, e := demoSite(t)
	run(t, ctx, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	logInAsAdmin(t, ctx, ts.URL)
	// The menu is closed on a phone and opens from its button.
	if evalBool(t, ctx, `document.querySelector(".staff-menu nav a[href='/staff/enquiries']").checkVisibility()`) {
		t.Error("the staff menu is open on a phone before it is asked for")
	}
	run(t, ctx, "open the menu", chromedp.Click(chromedp.CSS(".staff-menu summary")))
	if !evalBool(t, ctx, `document.querySelector(".staff-menu nav a[href='/staff/enquiries']").checkVisibility()`) {
		t.Error("the menu button does not show the staff links")
	}
	shot(t, ctx, "staff-phone-menu.png", false)
	for _, p := range append(staffPages(e), "/", "/enquiry", "/privacy") {
		run(t, ctx, "open "+p, chromedp.Navigate(ts.URL+p), chromedp.WaitReady(chromedp.CSS("main")))
		width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if width > 390 {
			wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("main *")].filter(el => el.getBoundingClientRect().right > 391 && !el.parentElement.closest(".table-scroll, .table")).slice(0, 4).map(el => el.tagName + "." + el.className + " " + Math.round(el.getBoundingClientRect().right) + " " + getComputedStyle(el).display).join(", ")`))
			t.Errorf("%s is %d px wide at 390 px (widest: %s)", p, width, wide)
		}
		if p == "/staff/enquiries" {
			shot(t, ctx, "staff-phone-list.png", false)
		}
	}
}
