package staff

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"iordesk/internal/web"
)

// loginCSRFCookie carries the random value the login form's token is made
// from, before there is a session.
const loginCSRFCookie = "iordesk_login_csrf"

// CSRF guards every staff request that changes something. A browser tells
// us where a request came from (Sec-Fetch-Site): only "same-origin" passes
// on that word alone, and a same-site or cross-site post is refused even
// with a token, since a sibling site can plant cookies. Without the header
// (old browsers, scripts), the request must carry the token of its session:
// a hash of the session cookie, which the page can show but no other site
// can read or derive, and which changes at every login. Before a session
// exists (the login form), a random cookie of its own stands in for it.
func (m *Sessions) CSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := m.csrfToken(c)
		web.SetCSRFToken(c, token)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		switch c.Request().Header.Get("Sec-Fetch-Site") {
		case "same-origin":
			return next(c)
		case "":
			sent := c.Request().Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = c.FormValue("_csrf")
			}
			if subtle.ConstantTimeCompare([]byte(sent), []byte(token)) == 1 {
				return next(c)
			}
		}
		return echo.NewHTTPError(http.StatusForbidden, "This form has expired or was sent from another site. Go back, reload the page and send it again.")
	}
}

// csrfToken is the token of the request's session, or of its login cookie.
func (m *Sessions) csrfToken(c echo.Context) string {
	if ck, err := c.Cookie(SessionCookie); err == nil && ck.Value != "" {
		return csrfFrom(ck.Value)
	}
	return m.loginCSRFToken(c)
}

// loginCSRFToken is the token made from the login cookie, set here when the
// browser has none.
func (m *Sessions) loginCSRFToken(c echo.Context) string {
	if ck, err := c.Cookie(loginCSRFCookie); err == nil && ck.Value != "" {
		return csrfFrom(ck.Value)
	}
	value := rand.Text()
	c.SetCookie(&http.Cookie{Name: loginCSRFCookie, Value: value, Path: "/staff", MaxAge: int(AbsoluteTimeout.Seconds()),
		HttpOnly: true, Secure: m.secure, SameSite: http.SameSiteStrictMode})
	return csrfFrom(value)
}

// csrfFrom derives a token from a secret cookie value: one way, so the
// token on a page gives nobody the cookie.
func csrfFrom(secret string) string {
	sum := sha256.Sum256([]byte("iordesk csrf\x00" + secret))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
