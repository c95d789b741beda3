package staff

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/store"
	"iordesk/internal/web"
)

// SessionCookie names the staff session cookie.
const SessionCookie = "iordesk_session"

// Session timeouts: an idle session ends after IdleTimeout, any session
// after AbsoluteTimeout.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// touchEvery bounds how often activity is written: not every request.
	touchEvery = time.Minute
)

// Sessions issues, reads and ends server-side sessions.
type Sessions struct {
	store  *store.Store
	now    func() time.Time
	secure bool // cookies only over HTTPS
}

// NewSessions builds the session manager; secure marks cookies Secure (when
// the public URL is https).
func NewSessions(s *store.Store, now func() time.Time, secure bool) *Sessions {
	return &Sessions{store: s, now: now, secure: secure}
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Start opens a new session for u (a new id at every login) and sets its
// cookie; any session the browser already had is ended first.
func (m *Sessions) Start(c echo.Context, u *store.User) error {
	m.End(c)
	raw := make([]byte, 32)
	rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := m.now().UTC()
	err := m.store.CreateSession(c.Request().Context(), store.Session{
		TokenHash: hashToken(token), UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(AbsoluteTimeout)})
	if err != nil {
		return err
	}
	c.SetCookie(m.cookie(token, int(AbsoluteTimeout.Seconds())))
	return nil
}

// End deletes the browser's session server-side and clears its cookie.
func (m *Sessions) End(c echo.Context) {
	ck, err := c.Cookie(SessionCookie)
	if err != nil || ck.Value == "" {
		return
	}
	m.store.DeleteSession(c.Request().Context(), hashToken(ck.Value))
	c.SetCookie(m.cookie("", -1))
}

func (m *Sessions) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: m.secure, SameSite: http.SameSiteLaxMode}
}

// errNoSession means the request carries no live session.
var errNoSession = errors.New("no session")

// User returns the logged-in user of the request, ending the session when
// it is idle too long, past its absolute limit, or its account disabled.
func (m *Sessions) User(c echo.Context) (*store.User, error) {
	ck, err := c.Cookie(SessionCookie)
	if err != nil || ck.Value == "" {
		return nil, errNoSession
	}
	hash := hashToken(ck.Value)
	ctx := c.Request().Context()
	sess, u, err := m.store.SessionByHash(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	now := m.now()
	if u.Disabled || !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(IdleTimeout)) {
		m.store.DeleteSession(ctx, hash)
		c.SetCookie(m.cookie("", -1))
		// The browser drops the cookie: its next form goes without it.
		web.SetCSRFToken(c, m.loginCSRFToken(c))
		return nil, errNoSession
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := m.store.TouchSession(ctx, hash, now); err != nil {
			return nil, err
		}
	}
	return u, nil
}
