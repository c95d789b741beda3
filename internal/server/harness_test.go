package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"iordesk/internal/config"
	"iordesk/internal/pgtest"
	"iordesk/internal/server"
	"iordesk/internal/staff"
	"iordesk/internal/store"
	"iordesk/internal/testclock"
	"iordesk/internal/testenv"
)

const testPassword = "correct horse battery staple"

// app is the real server on a real SQLite file, with a clock the test moves
// and one account of each role.
type app struct {
	t     testing.TB
	dsn   string
	st    *store.Store
	srv   *server.Server
	clock *testclock.Clock
	users map[string]*store.User // by role
	// slept records the login slowdowns the server asked for, instead of
	// waiting them out.
	sleptMu sync.Mutex
	slept   []time.Duration
}

func newApp(t testing.TB) *app { return newAppOn(t, filepath.Join(t.TempDir(), "iordesk.db")) }

// onBothEngines runs a test on SQLite and on PostgreSQL.
func onBothEngines(t *testing.T, fn func(t *testing.T, a *app)) { onBothEnginesWith(t, nil, fn) }

// onBothEnginesWith is onBothEngines with settings (IORDESK_… variables).
func onBothEnginesWith(t *testing.T, env map[string]string, fn func(t *testing.T, a *app)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newAppWith(t, filepath.Join(t.TempDir(), "iordesk.db"), env)) })
	t.Run("postgres", func(t *testing.T) { fn(t, newAppWith(t, pgtest.DSN(t), env)) })
}

func newAppOn(t testing.TB, dsn string) *app { return newAppWith(t, dsn, nil) }

// newAppWith is newAppOn with settings (IORDESK_… variables) of its own.
func newAppWith(t testing.TB, dsn string, env map[string]string) *app {
	t.Helper()
	a := &app{t: t, dsn: dsn, clock: testclock.New(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)), users: map[string]*store.User{}}
	st, err := store.Open(dsn, store.Options{Now: a.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.Load("serve", nil, func(k string) string {
		if k == "IORDESK_DB" {
			return filepath.Join(t.TempDir(), "x.db")
		}
		return env[k]
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.srv, err = server.New(cfg, server.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: a.now,
		Sleep: func(_ context.Context, d time.Duration) error {
			a.sleptMu.Lock()
			defer a.sleptMu.Unlock()
			if d > 0 {
				a.slept = append(a.slept, d)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	a.st = st
	for _, role := range []string{store.RoleAgent, store.RoleManager, store.RoleAdmin} {
		u, _, err := staff.NewAccount(context.Background(), st, role+"@ior.example", strings.ToUpper(role[:1])+role[1:]+" Person", role, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		a.users[role] = u
	}
	return a
}

func (a *app) now() time.Time { return a.clock.Now() }

func (a *app) advance(d time.Duration) { a.clock.Advance(d) }

// request sends one request as a browser on our own pages would
// (Sec-Fetch-Site: same-origin), with the session cookie if any.
func (a *app) request(method, path string, form url.Values, session string) *httptest.ResponseRecorder {
	return a.requestFrom("192.0.2.1", method, path, form, session)
}

// requestFrom is request from the client address ip.
func (a *app) requestFrom(ip, method, path string, form url.Values, session string) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return a.send(req, ip, session)
}

// send serves req as from a browser on our own pages at the client
// address ip (Sec-Fetch-Site: same-origin), with the session cookie if
// any.
func (a *app) send(req *http.Request, ip, session string) *httptest.ResponseRecorder {
	req.RemoteAddr = ip + ":1234"
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if session != "" {
		req.AddCookie(&http.Cookie{Name: staff.SessionCookie, Value: session})
	}
	rec := httptest.NewRecorder()
	a.srv.Echo.ServeHTTP(rec, req)
	return rec
}

// login logs in and returns the session token ("" when refused) and the
// response.
func (a *app) login(email, password string) (string, *httptest.ResponseRecorder) {
	return a.loginFrom("192.0.2.1", email, password)
}

// loginFrom logs in from the client address ip.
func (a *app) loginFrom(ip, email, password string) (string, *httptest.ResponseRecorder) {
	rec := a.requestFrom(ip, http.MethodPost, "/staff/login", url.Values{"email": {email}, "password": {password}}, "")
	for _, c := range rec.Result().Cookies() {
		if c.Name == staff.SessionCookie && c.MaxAge >= 0 && c.Value != "" {
			return c.Value, rec
		}
	}
	return "", rec
}

func (a *app) session(role string) string {
	a.t.Helper()
	if role == "" {
		return ""
	}
	token, rec := a.login(role+"@ior.example", testPassword)
	if token == "" {
		a.t.Fatalf("login as %s: %d", role, rec.Code)
	}
	return token
}

var refs atomic.Int64

// enquiry stores an enquiry the way the intake does and returns it.
func (a *app) enquiry(name string, countries ...string) *store.Enquiry {
	a.t.Helper()
	return a.enquiryFrom("p@example.com", name, countries...)
}

// enquiryFrom stores an enquiry sent from email.
func (a *app) enquiryFrom(email, name string, countries ...string) *store.Enquiry {
	a.t.Helper()
	return a.enquiryWith(func(e *store.Enquiry) { e.Email, e.FullName = email, name }, countries...)
}

// enquiryWith stores an enquiry changed by edit.
func (a *app) enquiryWith(edit func(*store.Enquiry), countries ...string) *store.Enquiry {
	a.t.Helper()
	if len(countries) == 0 {
		countries = []string{"DE"}
	}
	e := &store.Enquiry{Reference: fmt.Sprintf("ENQ-T%07d", refs.Add(1)),
		FullName: "Test Buyer", Email: "p@example.com", Service: "ior", OriginCountry: "US",
		ProductCategory: "gpu_ai", ProductDescription: "Eight GPU servers", Condition: "new",
		ShipmentValueCents: 5000000, Currency: "USD", ConsentAt: a.now(), PrivacyNoticeVersion: "v1"}
	edit(e)
	if e.Company == "" {
		e.Company = "Acme " + e.FullName
	}
	err := a.st.Write(context.Background(), func(tx *store.Tx) error { return tx.InsertEnquiry(e, countries) })
	if err != nil {
		a.t.Fatal(err)
	}
	return e
}

func doc(t testing.TB, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMain(m *testing.M) { testenv.Main(m, pgtest.Stop) }
