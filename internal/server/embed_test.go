package server_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"iordesk/internal/enquiry"
)

const blog = "https://blog.example.com"

// TestEmbeddableForm: the form in a frame is framable by the listed sites
// only, keeps the host page's tracking values, posts and answers inside
// the frame, and leaves every other page unframable.
func TestEmbeddableForm(t *testing.T) {
	a := newAppWith(t, filepath.Join(t.TempDir(), "iordesk.db"), map[string]string{"IORDESK_EMBED_ORIGINS": blog + ",https://www.example.com"})

	rec := a.request("GET", "/embed.js", nil, "")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") ||
		rec.Header().Get("Cross-Origin-Resource-Policy") != "cross-origin" || !strings.Contains(rec.Body.String(), `addEventListener("message"`) {
		t.Fatalf("embed.js: %d %q", rec.Code, rec.Header())
	}

	host := "/embed/enquiry?" + url.Values{"origin": {blog}, "utm_source": {"newsletter"}, "utm_campaign": {"q4"},
		"referrer": {blog + "/2026/ior-for-gpus?x=1"}}.Encode()
	rec = a.request("GET", host, nil, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("embedded form: %d", rec.Code)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors "+blog+" https://www.example.com") ||
		rec.Header().Get("X-Frame-Options") != "" {
		t.Errorf("embedded form framing: CSP %q, X-Frame-Options %q", csp, rec.Header().Get("X-Frame-Options"))
	}
	d := doc(t, rec)
	for sel, want := range map[string]string{
		"form#enquiry-form@action":         "/embed/enquiry?lang=en",
		"input[name=embed_origin]@value":   blog,
		"input[name=utm_source]@value":     "newsletter",
		"input[name=utm_campaign]@value":   "q4",
		"input[name=referrer]@value":       blog + "/2026/ior-for-gpus?x=1",
		"main.embedded@data-host-origin":   blog,
		"[data-captcha-reload]@formaction": "/embed/enquiry?lang=en&captcha_reload=1#captcha",
	} {
		css, attr, _ := strings.Cut(sel, "@")
		if got := d.Find(css).AttrOr(attr, "(none)"); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if d.Find(".site-header, .site-footer").Length() != 0 || d.Find(`script[src="/static/js/embed-frame.js"]`).Length() != 1 {
		t.Error("the embedded form has the site's header or footer, or not the frame's script")
	}

	// A site not listed gets no form, and everything else stays unframable.
	for _, path := range []string{"/embed/enquiry?origin=https://evil.example", "/embed/enquiry", "/embed/enquiry/thanks?origin=https://evil.example&ref=ENQ-ABCDEFGH"} {
		if rec := a.request("GET", path, nil, ""); rec.Code != http.StatusForbidden {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
	for _, path := range []string{"/", "/enquiry", "/enquiry/thanks", "/privacy", "/staff/login"} {
		rec := a.request("GET", path, nil, "")
		if rec.Header().Get("X-Frame-Options") != "DENY" || !strings.HasSuffix(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s may be framed: %q", path, rec.Header())
		}
	}

	// A wrong code: the form again, in the frame, values kept.
	form := a.filledForm("DE")
	form.Set("embed_origin", blog)
	form.Set("utm_source", "newsletter")
	form.Set("referrer", blog+"/2026/ior-for-gpus?x=1")
	form.Set("captcha_solution", "000000")
	rec = a.request("POST", "/embed/enquiry", form, "")
	d = doc(t, rec)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#error-summary").Text(), enquiry.Banner) ||
		d.Find("main.embedded[data-scroll-top]").Length() != 1 || d.Find("input[name=embed_origin]").AttrOr("value", "") != blog ||
		!strings.HasSuffix(rec.Header().Get("Content-Security-Policy"), "frame-ancestors "+blog+" https://www.example.com") {
		t.Fatalf("refused post: %d %s", rec.Code, d.Find("main").AttrOr("class", ""))
	}

	// The right code: the thanks page, in the frame.
	form.Set("captcha_id", d.Find("input[name=captcha_id]").AttrOr("value", ""))
	ch, err := a.st.Challenge(context.Background(), form.Get("captcha_id"))
	if err != nil {
		t.Fatal(err)
	}
	form.Set("captcha_solution", ch.Digits)
	rec = a.request("POST", "/embed/enquiry", form, "")
	loc, _ := url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusSeeOther || loc == nil || loc.Path != "/embed/enquiry/thanks" || loc.Query().Get("origin") != blog {
		t.Fatalf("accepted post: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = a.request("GET", loc.String(), nil, "")
	d = doc(t, rec)
	if rec.Code != http.StatusOK || d.Find("strong.reference").Text() != loc.Query().Get("ref") || d.Find("main.embedded").Length() != 1 {
		t.Fatalf("thanks in the frame: %d", rec.Code)
	}
	e, err := a.st.EnquiryByReference(context.Background(), loc.Query().Get("ref"))
	if err != nil || e.UTMSource != "newsletter" || e.Referrer != blog+"/2026/ior-for-gpus?x=1" {
		t.Fatalf("stored %+v, %v", e, err)
	}

	// A post naming a site not listed is refused whole.
	form = a.filledForm("DE")
	form.Set("embed_origin", "https://evil.example")
	if rec := a.request("POST", "/embed/enquiry", form, ""); rec.Code != http.StatusForbidden {
		t.Errorf("post for an unlisted site: %d", rec.Code)
	}
}

// Without IORDESK_EMBED_ORIGINS the form cannot be framed anywhere.
func TestNoEmbeddingByDefault(t *testing.T) {
	a := newApp(t)
	rec := a.request("GET", "/embed/enquiry?origin="+url.QueryEscape(blog), nil, "")
	if rec.Code != http.StatusForbidden || rec.Header().Get("X-Frame-Options") != "DENY" ||
		!strings.HasSuffix(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Fatalf("%d %q", rec.Code, rec.Header())
	}
}
