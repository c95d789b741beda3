package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"iordesk/internal/demo"
	"iordesk/internal/store"
	"iordesk/internal/testenv"
)

// chromium finds Debian's Chromium, skipping the test where it is absent
// unless IORDESK_REQUIRE_ALL=1 (CI) makes that a failure.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Missing(t, "chromium is not installed (apt-get install -y chromium)")
	return ""
}

func browser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// shot saves a PNG of the viewport or the full page under IORDESK_SCREENSHOT_DIR (docs/ when
// refreshing the README's pictures) or the test's temp dir.
func shot(t *testing.T, ctx context.Context, name string, fullPage bool) {
	capture := chromedp.CaptureScreenshot()
	if fullPage {
		capture = chromedp.FullScreenshot(100)
	}
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("IORDESK_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func evalBool(t *testing.T, ctx context.Context, js string) bool {
	t.Helper()
	return evaluate[bool](t, ctx, js)
}

func evalString(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	return evaluate[string](t, ctx, js)
}

// evaluate runs JavaScript in the page and returns its value.
func evaluate[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition (the list swaps in without a page
// load) on a page that has finished loading.
func waitFor(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !evalBool(t, ctx, `document.readyState === "complete" && (`+js+`)`) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", js)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTriageInABrowser(t *testing.T) {
	ctx := browser(t)
	a := newApp(t)
	// Realistic data makes the screenshots worth showing.
	if err := demo.Generate(context.Background(), a.st, 3000, a.now(), 42, nil); err != nil {
		t.Fatal(err)
	}
	pageRows := func(f store.Filter) int {
		rows, _, err := a.st.ListEnquiries(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	all, germany := pageRows(store.Filter{}), pageRows(store.Filter{Country: "DE"})
	if germany == 0 {
		t.Fatal("demo data has no enquiry to Germany")
	}
	evil := a.enquiry(`<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`, "US")
	ts := httptest.NewServer(a.srv.Echo)
	defer ts.Close()

	run(t, ctx, "log in", chromedp.Navigate(ts.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.ID("email"), "agent@ior.example"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("by-country")))
	shot(t, ctx, "screenshot-overview.png", true)

	// Filter by destination through the form: htmx swaps the results in.
	run(t, ctx, "open the list", chromedp.Navigate(ts.URL+"/staff/enquiries"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	if !evalBool(t, ctx, fmt.Sprintf(`document.querySelectorAll("table.list a.ref").length === %d
		&& [...document.querySelectorAll("table.list tbody tr td:nth-child(5)")].some(td => !td.textContent.includes("Germany"))`, all)) {
		t.Fatalf("the unfiltered list does not show its %d rows, some not to Germany", all)
	}
	run(t, ctx, "filter by Germany", chromedp.SetValue(chromedp.ID("f-country"), "DE"))
	evalBool(t, ctx, `document.getElementById("f-country").dispatchEvent(new Event("change", {bubbles: true})) || true`)
	waitFor(t, ctx, fmt.Sprintf(`document.querySelectorAll("table.list a.ref").length === %d && location.search.includes("country=DE")
		&& [...document.querySelectorAll("table.list tbody tr td:nth-child(5)")].every(td => td.textContent.includes("Germany"))`, germany))
	shot(t, ctx, "screenshot-list.png", false)

	// Open one, change its status, add a note, see both on the timeline.
	run(t, ctx, "open an enquiry", chromedp.Click(chromedp.CSS("table.list a.ref")), chromedp.WaitVisible(chromedp.ID("timeline")))
	notice := func(text string) string {
		return `document.querySelector(".notice") !== null && document.querySelector(".notice").textContent.includes("` + text + `")`
	}
	// Demo data gives the enquiry some status; move it to another.
	next := "contacted"
	if evalBool(t, ctx, `document.getElementById("status").value === "contacted"`) {
		next = "quoted"
	}
	run(t, ctx, "change status and add a note", chromedp.SetValue(chromedp.ID("status"), next),
		chromedp.SendKeys(chromedp.ID("note"), "Called the prospect; sending a quote."),
		chromedp.Click(chromedp.CSS(`form[action*="/update"] button:not([name])`)))
	waitFor(t, ctx, notice("Saved."))
	// The compliance panel: screened on demand, with its standing line.
	run(t, ctx, "screen again", chromedp.Click(chromedp.CSS(`form[action*="/rescreen"] button`)))
	waitFor(t, ctx, notice("Screened again"))
	if !evalBool(t, ctx, `(p => p !== null && p.textContent.includes("Indicative only — not legal advice")
		&& p.querySelector(".badge-compliance-clear, .badge-compliance-action, .badge-compliance-hold, .badge-compliance-block") !== null)
		(document.querySelector(".compliance-panel"))`) {
		t.Fatal("the compliance panel does not show the screen's state and its disclaimer")
	}
	shot(t, ctx, "screenshot-enquiry.png", false)
	timeline, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("ol.timeline")))
	if err != nil || !strings.Contains(timeline, "→ "+next) || !strings.Contains(timeline, "Called the prospect") {
		t.Fatalf("timeline %q (%v)", timeline, err)
	}

	// After three changes the page still leads back to the filtered list.
	if !evalBool(t, ctx, `[...document.querySelectorAll("a")].some(a => a.textContent.includes("Back to the list") && a.getAttribute("href") === "/staff/enquiries?country=DE")`) {
		t.Fatal("the enquiry page lost the list's filter")
	}
	// "j" opens the next enquiry of the same filtered list.
	here, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "press j", chromedp.KeyEvent("j"))
	waitFor(t, ctx, fmt.Sprintf(`location.pathname !== %q && location.search === "?list=country%%3DDE" && document.getElementById("timeline") !== null`, here))

	// A script in a prospect's name is text, and runs nothing.
	run(t, ctx, "open the hostile enquiry", chromedp.Navigate(fmt.Sprintf("%s/staff/enquiries/%d", ts.URL, evil.ID)),
		chromedp.WaitVisible(chromedp.CSS(".fields")))
	if !evalBool(t, ctx, `window.__xss === undefined && document.querySelector(".fields").textContent.includes("<script>")`) {
		t.Fatal("the payload ran or is not shown as text")
	}
	run(t, ctx, "list with the hostile row", chromedp.Navigate(ts.URL+"/staff/enquiries?country=US"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	if !evalBool(t, ctx, `window.__xss === undefined`) {
		t.Fatal("the payload ran in the list")
	}

	// "/" focuses the search box.
	run(t, ctx, "open the list again", chromedp.Navigate(ts.URL+"/staff/enquiries"), chromedp.WaitVisible(chromedp.ID("q")))
	if !evalBool(t, ctx, `document.body.dispatchEvent(new KeyboardEvent("keydown", {key: "/", bubbles: true})),
		document.activeElement && document.activeElement.id === "q"`) {
		t.Error(`"/" did not focus the search`)
	}

	run(t, ctx, "log out", chromedp.Click(chromedp.CSS(`form[action="/staff/logout"] button`)), chromedp.WaitVisible(chromedp.ID("password")))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/staff/login") {
		t.Fatalf("after logout at %s", loc)
	}
	run(t, ctx, "back to the dashboard", chromedp.Navigate(ts.URL+"/staff"), chromedp.WaitVisible(chromedp.ID("password")))
	cur, _ := a.st.EnquiryByID(context.Background(), evil.ID)
	if cur.Status != store.StatusNew { // the only change was to another enquiry
		t.Fatal("the hostile enquiry changed")
	}
}
