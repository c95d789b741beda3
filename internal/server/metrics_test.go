package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMetricsForOperatorsOnly(t *testing.T) {
	a := newApp(t)
	a.login("agent@ior.example", "wrong password 123")
	a.request("GET", "/enquiry", nil, "")
	get := func(remote string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		a.srv.Echo.ServeHTTP(rec, req)
		return rec
	}
	if rec := get("203.0.113.5:4000"); rec.Code != http.StatusNotFound {
		t.Fatalf("metrics from the internet: %d", rec.Code)
	}
	rec := get("127.0.0.1:4000")
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("metrics from loopback: %d", rec.Code)
	}
	for _, want := range []string{
		`iordesk_http_request_duration_seconds_count{code="200",method="GET",route="/enquiry"} 1`,
		"iordesk_login_failures_total 1", "iordesk_outbox_pending 0", "iordesk_outbox_failed 0",
		"iordesk_outbox_oldest_pending_seconds 0", "go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
