package enquiry_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRateLimits(t *testing.T) {
	h := newHarnessEnv(t, map[string]string{"IORDESK_TRUSTED_PROXIES": "10.0.0.1"})
	send := func(method, path, body, remote, xff string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.RemoteAddr = remote + ":1234"
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		return h.do(req)
	}
	// Five enquiry posts a minute per client; the sixth is refused cheaply.
	// A client spoofing X-Forwarded-For from an untrusted address is still
	// itself.
	for i := range 5 {
		if rec := send("POST", "/enquiry", "full_name=x", "198.51.100.7", "203.0.113."+string(rune('1'+i))); rec.Code == http.StatusTooManyRequests {
			t.Fatalf("post %d limited", i+1)
		}
	}
	rec := send("POST", "/enquiry", "full_name=x", "198.51.100.7", "203.0.113.99")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("sixth post: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if !strings.Contains(rec.Body.String(), "Too many enquiries") {
		t.Fatalf("body %q", rec.Body.String())
	}
	// The refusal speaks the page's language.
	if rec := send("POST", "/enquiry?lang=de", "full_name=x", "198.51.100.7", ""); !strings.Contains(rec.Body.String(), "Zu viele Anfragen") {
		t.Fatalf("German refusal %d %q", rec.Code, rec.Body.String())
	}
	// "New code" without JavaScript stores nothing: it is limited as a
	// challenge, not as an enquiry, so a client at its post limit still
	// gets a new code.
	for i := range 3 {
		if rec := send("POST", "/enquiry?captcha_reload=1", "full_name=x", "198.51.100.7", ""); rec.Code != http.StatusOK {
			t.Fatalf("new code %d at the post limit: %d", i+1, rec.Code)
		}
	}
	// Another client is not affected; behind the trusted proxy the
	// forwarded address is the client.
	if rec := send("POST", "/enquiry", "full_name=x", "198.51.100.8", ""); rec.Code == http.StatusTooManyRequests {
		t.Fatal("another client limited")
	}
	for range 5 {
		send("POST", "/enquiry", "full_name=x", "10.0.0.1", "203.0.113.50")
	}
	if rec := send("POST", "/enquiry", "full_name=x", "10.0.0.1", "203.0.113.51"); rec.Code == http.StatusTooManyRequests {
		t.Fatal("a second client behind the proxy was limited with the first")
	}
	if rec := send("POST", "/enquiry", "full_name=x", "10.0.0.1", "203.0.113.50"); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("the first client behind the proxy: %d", rec.Code)
	}
	// Thirty CAPTCHA-costing requests a minute per client, new codes
	// included; they do not use up enquiry posts.
	limited := 0
	for i := range 35 {
		path, method := "/enquiry", "GET"
		if i%5 == 0 {
			path, method = "/enquiry?captcha_reload=1", "POST"
		}
		if send(method, path, map[bool]string{true: "full_name=x"}[method == "POST"], "198.51.100.9", "").Code == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 5 {
		t.Fatalf("%d of 35 form pages and new codes limited, want 5", limited)
	}
	if rec := send("POST", "/enquiry", "full_name=x", "198.51.100.9", ""); rec.Code == http.StatusTooManyRequests {
		t.Fatal("new codes used up the enquiry posts")
	}
	if n := h.count(); n != 0 {
		t.Fatalf("%d rows", n)
	}
}
