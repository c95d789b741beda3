package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// ContentSecurityPolicy allows nothing inline and nothing from elsewhere.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// FramableBy lets the sites of origins show a route's pages in a frame (the
// embeddable form): frame-ancestors names them instead of 'none', and
// X-Frame-Options, which cannot name a site, goes. With no origins the
// route stays unframable like every other.
func FramableBy(origins []string) echo.MiddlewareFunc {
	policy := strings.TrimSuffix(ContentSecurityPolicy, "'none'") + strings.Join(origins, " ")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if len(origins) > 0 {
				h := c.Response().Header()
				h.Set("Content-Security-Policy", policy)
				h.Del("X-Frame-Options")
			}
			return next(c)
		}
	}
}

// SecurityHeaders sets the headers every response carries; HSTS only when
// the request reached us over TLS, directly or through one of the trusted
// proxies (anyone else's X-Forwarded-Proto is ignored).
func SecurityHeaders(trusted []*net.IPNet) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			securityHeaders(c, trusted)
			return next(c)
		}
	}
}

func securityHeaders(c echo.Context, trusted []*net.IPNet) {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if overTLS(c.Request(), trusted) {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
}

func overTLS(r *http.Request, trusted []*net.IPNet) bool {
	if r.TLS != nil {
		return true
	}
	if r.Header.Get(echo.HeaderXForwardedProto) != "https" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	if err != nil || ip == nil {
		return false
	}
	for _, n := range trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// IPExtractor believes X-Forwarded-For only from the trusted proxies; with
// none configured, the client IP is the peer address.
func IPExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// SameOriginPost refuses a browser post from another site: the public form
// is for our own pages; other sites embed through the JSON API.
func SameOriginPost(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
			return echo.NewHTTPError(403, Language(c).T("error.cross_site"))
		}
		// "null" is what sandboxed frames, data: pages and some redirects
		// send: never one of our pages.
		if origin := r.Header.Get(echo.HeaderOrigin); origin != "" {
			host := strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://")
			if origin == "null" || host != r.Host {
				return echo.NewHTTPError(403, Language(c).T("error.cross_site"))
			}
		}
		return next(c)
	}
}
