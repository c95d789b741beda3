package web

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestHSTSOnlyOverTLS(t *testing.T) {
	_, proxy, _ := net.ParseCIDR("10.0.0.0/8")
	e := echo.New()
	e.Use(SecurityHeaders([]*net.IPNet{proxy}))
	e.GET("/", func(c echo.Context) error { return c.String(200, "ok") })
	for _, tc := range []struct {
		remote, proto string
		hsts          bool
	}{
		{"10.1.2.3:5000", "https", true},     // the trusted proxy says TLS
		{"203.0.113.9:5000", "https", false}, // anyone else saying so is ignored
		{"10.1.2.3:5000", "", false},         // plain HTTP behind the proxy
		{"203.0.113.9:5000", "", false},
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = tc.remote
		if tc.proto != "" {
			req.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if got := rec.Header().Get("Strict-Transport-Security") != ""; got != tc.hsts {
			t.Errorf("%s proto %q: HSTS %v, want %v", tc.remote, tc.proto, got, tc.hsts)
		}
		if rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Error("security headers missing")
		}
	}
}
