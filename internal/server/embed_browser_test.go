package server_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"iordesk/internal/store"
)

// TestEmbedOnAnotherSite: a blog on another origin, with a strict
// Content-Security-Policy, adds the one-line embed; the form appears in a
// frame sized to its content, is sent from inside the frame with the
// blog's tracking values, and thanks the prospect there. A site not listed
// in IORDESK_EMBED_ORIGINS gets no form.
func TestEmbedOnAnotherSite(t *testing.T) {
	ctx := browser(t)
	var deskURL string
	blogPage := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src "+deskURL+"; frame-src "+deskURL)
		pageLang := cmp.Or(r.URL.Query().Get("page_lang"), "en")
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><title>Our blog</title></head><body>
<h1>Importing GPUs into Brazil</h1><p>Ask our desk:</p>
<script src="%s/embed.js" async></script>
<p id="after">Posted in Logistics.</p></body></html>`, pageLang, deskURL)
	}
	blog := httptest.NewServer(http.HandlerFunc(blogPage))
	defer blog.Close()
	stranger := httptest.NewServer(http.HandlerFunc(blogPage))
	defer stranger.Close()
	a := newAppWith(t, filepath.Join(t.TempDir(), "iordesk.db"), map[string]string{"IORDESK_EMBED_ORIGINS": blog.URL})
	desk := httptest.NewServer(a.srv.Echo)
	defer desk.Close()
	deskURL = desk.URL

	post := blog.URL + "/2026/gpus-into-brazil?utm_source=blog&utm_campaign=gpu-week"
	run(t, ctx, "open the blog post", chromedp.Navigate(post), chromedp.WaitReady(chromedp.CSS("#after")))
	// The frame starts 1400 px tall and takes the form's height when it
	// tells it (over 1400 on a desktop: the form is long).
	waitFor(t, ctx, `(f => f && f.style.height !== "1400px" && parseInt(f.style.height) > 800)(document.querySelector("iframe.iordesk-form"))`)
	if !inFrame[bool](t, ctx, deskURL, `!!document.getElementById("enquiry-form")`) {
		t.Fatal("no form in the frame")
	}
	id := inFrame[string](t, ctx, deskURL, `document.querySelector("input[name=captcha_id]").value`)
	ch, err := a.st.Challenge(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	inFrame[bool](t, ctx, deskURL, fmt.Sprintf(`(f => {
		const v = {full_name: "Grace Hopper", company: "Compilers Ltd", email: "grace@example.com", phone: "+44 20 7946 0018",
			service: "ior", origin_country: "US", product_category: "servers_datacentre",
			product_description: "40 servers with GPUs", condition: "new", contains_encryption: "yes", wireless_radio: "no",
			lithium_batteries: "none", shipment_value: "250000", currency: "EUR", captcha_solution: %q};
		for (const [k, val] of Object.entries(v)) f.elements[k].value = val;
		f.querySelector("input[name=destination_countries][value=BR]").checked = true;
		f.elements.consent.checked = true;
		f.querySelector("button.button-large").click();
		return true })(document.getElementById("enquiry-form"))`, ch.Digits))
	deadline := time.Now().Add(15 * time.Second)
	for !inFrame[bool](t, ctx, deskURL, `!!document.querySelector("strong.reference")`) {
		if time.Now().After(deadline) {
			t.Fatal("no thanks page in the frame")
		}
		time.Sleep(100 * time.Millisecond)
	}
	shot(t, ctx, "embed-on-another-site.png", false)
	ref := inFrame[string](t, ctx, deskURL, `document.querySelector("strong.reference").textContent`)
	e, err := a.st.EnquiryByReference(context.Background(), ref)
	if err != nil || e.UTMSource != "blog" || e.UTMCampaign != "gpu-week" || e.Referrer != post || e.Destinations[0] != "BR" {
		t.Fatalf("stored %+v, %v", e, err)
	}
	if e.Language != "en" {
		t.Errorf("stored language %q", e.Language)
	}
	if evalString(t, ctx, `location.href`) != post {
		t.Error("the blog page itself navigated")
	}
	// Without data-lang the form takes the host page's language.
	run(t, ctx, "open a German post", chromedp.Navigate(blog.URL+"/2026/gpus?page_lang=de-DE"), chromedp.WaitReady(chromedp.CSS("#after")))
	waitFor(t, ctx, `(f => f && f.style.height !== "1400px")(document.querySelector("iframe.iordesk-form"))`)
	if got := inFrame[string](t, ctx, deskURL, `document.documentElement.lang + " " + document.querySelector("button[data-send]").textContent`); got != "de Anfrage senden" {
		t.Errorf("the form on a German page: %q", got)
	}

	// Another site: the frame is refused, no form, no message.
	run(t, ctx, "open a site not listed", chromedp.Navigate(stranger.URL+"/post"), chromedp.WaitReady(chromedp.CSS("#after")))
	time.Sleep(1500 * time.Millisecond)
	if evalString(t, ctx, `document.querySelector("iframe.iordesk-form").style.height`) != "1400px" {
		t.Error("a site not listed got a message from the frame")
	}
	if inFrame[bool](t, ctx, deskURL, `!!document.getElementById("enquiry-form")`) {
		t.Error("a site not listed shows the form")
	}
	rows, _, err := a.st.ListEnquiries(context.Background(), store.Filter{})
	if err != nil || len(rows) != 1 {
		t.Errorf("%d enquiries, %v", len(rows), err)
	}
}

// inFrame evaluates js in the first frame of the page whose address starts
// with prefix (the zero value when there is none), in an isolated world of
// that frame: the test reaches into a frame of another origin as the
// prospect would, which the host page's own scripts cannot. A frame that
// navigates meanwhile (after a post) takes its world with it: the call is
// tried again on the new page.
func inFrame[T any](t *testing.T, ctx context.Context, prefix, js string) T {
	t.Helper()
	var zero T
	var err error
	for range 50 {
		var v T
		var found bool
		if v, found, err = evalInFrame[T](ctx, prefix, js); err == nil {
			if !found {
				return zero
			}
			return v
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("in the frame, %s: %v", js, err)
	return zero
}

func evalInFrame[T any](ctx context.Context, prefix, js string) (T, bool, error) {
	var zero T
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return zero, false, err
	}
	var frame *cdp.Frame
	for _, child := range tree.FrameTree.ChildFrames {
		if strings.HasPrefix(child.Frame.URL, prefix) {
			frame = child.Frame
		}
	}
	if frame == nil {
		return zero, false, nil
	}
	world, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: frame.ID})
	if err != nil {
		return zero, false, err
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, func(p *runtime.EvaluateParams) { p.ContextID = world.ExecutionContextID }))
	return v, err == nil, err
}
