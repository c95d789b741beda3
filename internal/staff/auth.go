package staff

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/store"
	"iordesk/internal/web"
)

// Require lets a request through only with a live session of at least role
// min: without one, a page request goes to the login page (and back after
// it), anything else gets 401; a lower role gets 403.
func (h *Handlers) Require(min string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, err := h.sessions.User(c)
			if errors.Is(err, errNoSession) {
				if c.Request().Method == http.MethodGet {
					return c.Redirect(http.StatusSeeOther, "/staff/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
				}
				return echo.NewHTTPError(http.StatusUnauthorized, "Your session has ended. Please log in again.")
			}
			if err != nil {
				return err
			}
			if !u.Can(min) {
				return echo.NewHTTPError(http.StatusForbidden, "Your role ("+u.Role+") does not allow this page.")
			}
			web.SetCurrentUser(c, u)
			if u.MustChangePassword && !strings.HasPrefix(c.Path(), "/staff/account") {
				if c.Request().Method == http.MethodGet {
					return c.Redirect(http.StatusSeeOther, "/staff/account?must=1")
				}
				return echo.NewHTTPError(http.StatusForbidden, "Choose your own password first, on the My account page.")
			}
			c.Response().Header().Set("Cache-Control", "no-store")
			return next(c)
		}
	}
}

// Logins under attack (see docs/DESIGN.md, "Logins under attack"): failed
// logins are counted per account and client address, and per account. From
// one address, five failures lock the account for that address for 15
// minutes, each further failure doubling the lock up to a day; a right
// password from another address still works, so a stranger can never lock
// staff out. Five failures from anywhere slow every login of the account
// down, growing to a couple of seconds, for as long as failures keep coming.
const (
	freeFailures = 5
	firstLock    = 15 * time.Minute
	maxLock      = 24 * time.Hour

	slowAfter    = 5
	firstSlow    = 100 * time.Millisecond
	maxSlow      = 2 * time.Second
	slowForSince = 15 * time.Minute
)

// lockFor is how long an account locks for an address after its n-th
// consecutive failure from there.
func lockFor(n int) time.Duration {
	if n < freeFailures {
		return 0
	}
	d := firstLock
	for i := freeFailures; i < n && d < maxLock; i++ {
		d *= 2
	}
	return min(d, maxLock)
}

// lockedFrom reports whether an address's failures lock the account for it.
func lockedFrom(f store.LoginFailures, now time.Time) bool {
	return f.Failures >= freeFailures && now.Before(f.Last.Add(lockFor(f.Failures)))
}

// slowdown is how long every login of an account waits while failures from
// anywhere keep coming.
func slowdown(f store.LoginFailures, now time.Time) time.Duration {
	if f.Failures < slowAfter || now.After(f.Last.Add(slowForSince)) {
		return 0
	}
	d := firstSlow
	for i := slowAfter; i < f.Failures && d < maxSlow; i++ {
		d *= 2
	}
	return min(d, maxSlow)
}

// loginFailed is the one answer for an unknown email, a wrong password, a
// locked or a disabled account: which of them it was is not the visitor's
// business.
const loginFailed = "The email or password is not right. After several failed attempts an account is locked for a while."

type loginView struct {
	Page
	Email, Next, Error string
}

// LoginPage serves GET /staff/login.
func (h *Handlers) LoginPage(c echo.Context) error {
	if u, err := h.sessions.User(c); err == nil && u != nil {
		return c.Redirect(http.StatusSeeOther, "/staff")
	}
	return h.render.Render(c, http.StatusOK, "staff_login", loginView{Page: h.page(c, "Log in"), Next: localPath(c.QueryParam("next"))})
}

// Login serves POST /staff/login. A known and an unknown email take the
// same path — one read of the account, one argon2id check, one read and
// one write of the failure counts, one audit line — so neither the answer
// nor its timing tells them apart.
func (h *Handlers) Login(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	password := c.FormValue("password")
	next := localPath(c.FormValue("next"))
	ctx := c.Request().Context()
	ip, account := c.RealIP(), store.AddressKey(email)
	state, err := h.store.LoginState(ctx, account, ip)
	if err != nil {
		return err
	}
	if err := h.sleep(ctx, slowdown(state.Account, h.now())); err != nil {
		return err
	}
	u, err := h.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	ok := false
	if err := h.hashing.do(ctx, func() { ok = VerifyPassword(hash, password) }); errors.Is(err, errHashBusy) {
		return busy(c)
	} else if err != nil {
		return err
	}
	ok = ok && u != nil
	locked := lockedFrom(state.FromAddress, h.now())
	if !ok || locked || u.Disabled {
		if !ok {
			if err := h.store.RecordLoginFailure(ctx, account, ip); err != nil {
				return err
			}
		}
		h.log.Warn("login failed", "locked", locked, "ip", ip)
		h.audit(c, u, store.AuditLoginFailed, loginFailureDetail(u, ok, locked, email))
		if h.metrics != nil {
			h.metrics.LoginFailures.Inc()
		}
		return h.render.Render(c, http.StatusUnauthorized, "staff_login",
			loginView{Page: h.page(c, "Log in"), Email: email, Next: next, Error: loginFailed})
	}
	if state.FromAddress.Failures > 0 || state.Account.Failures > 0 {
		if err := h.store.ClearLoginFailures(ctx, account, ip); err != nil {
			return err
		}
	}
	if err := h.sessions.Start(c, u); err != nil {
		return err
	}
	h.log.Info("login", "user", u.ID, "ip", ip)
	h.audit(c, u, store.AuditLogin, "")
	if next == "" {
		next = "/staff"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// Logout serves POST /staff/logout: the session ends server-side.
func (h *Handlers) Logout(c echo.Context) error {
	if u, err := h.sessions.User(c); err == nil {
		h.audit(c, u, store.AuditLogout, "")
	}
	h.sessions.End(c)
	return c.Redirect(http.StatusSeeOther, "/staff/login")
}

// localPath keeps a redirect target inside the staff area, so "next" can
// never send someone to another site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/staff") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return ""
	}
	return p
}

// loginFailureDetail says in the audit log (for admins, never the visitor)
// why a login failed. An unknown email is recorded only by its length, so
// a password typed into the email field does not land in the log.
func loginFailureDetail(u *store.User, passwordOK, locked bool, email string) string {
	switch {
	case u == nil:
		return fmt.Sprintf("unknown account (%d characters)", len([]rune(email)))
	case u.Disabled:
		return "account disabled"
	case locked:
		return "account locked for this address"
	case !passwordOK:
		return "wrong password"
	}
	return ""
}
