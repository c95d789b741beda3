package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"iordesk/internal/pgtest"
	"iordesk/internal/staff"
	"iordesk/internal/store"
)

func TestUnknownEmailAndWrongPasswordLookTheSame(t *testing.T) {
	a := newApp(t)
	_, unknown := a.login("nobody@ior.example", testPassword)
	_, wrong := a.login("agent@ior.example", "wrong password 123")
	if unknown.Code != http.StatusUnauthorized || wrong.Code != unknown.Code {
		t.Fatalf("statuses %d / %d", unknown.Code, wrong.Code)
	}
	msg := func(rec *httptest.ResponseRecorder) string { return doc(t, rec).Find(".error-summary").Text() }
	if msg(unknown) == "" || msg(unknown) != msg(wrong) {
		t.Fatalf("messages differ: %q / %q", msg(unknown), msg(wrong))
	}
	// The same work is done: both verify an argon2id hash (timed loosely,
	// only to catch a shortcut that skips hashing for unknown accounts).
	timeIt := func(email string) time.Duration {
		start := time.Now()
		for range 3 {
			a.login(email, "wrong password 123")
		}
		return time.Since(start)
	}
	ut, wt := timeIt("nobody@ior.example"), timeIt("manager@ior.example")
	if ut < wt/3 {
		t.Fatalf("unknown email answered in %s, wrong password in %s", ut, wt)
	}
}

func TestLockoutPerAddressGrowsAndExpires(t *testing.T) {
	a := newApp(t)
	const attacker = "203.0.113.7"
	for i := range 5 {
		if tok, _ := a.loginFrom(attacker, "agent@ior.example", fmt.Sprintf("wrong password %d", i)); tok != "" {
			t.Fatal("wrong password accepted")
		}
	}
	// From that address the account is locked, even for the right password.
	if tok, rec := a.loginFrom(attacker, "agent@ior.example", testPassword); tok != "" || rec.Code != http.StatusUnauthorized {
		t.Fatalf("locked account logged in: %d", rec.Code)
	}
	a.advance(14 * time.Minute)
	if tok, _ := a.loginFrom(attacker, "agent@ior.example", testPassword); tok != "" {
		t.Fatal("lock ended before 15 minutes")
	}
	a.advance(2 * time.Minute)
	a.loginFrom(attacker, "agent@ior.example", "wrong again 12345") // the sixth failure doubles the lock
	a.advance(29 * time.Minute)
	if tok, _ := a.loginFrom(attacker, "agent@ior.example", testPassword); tok != "" {
		t.Fatal("second lock ended before 30 minutes")
	}
	a.advance(2 * time.Minute)
	if tok, _ := a.loginFrom(attacker, "agent@ior.example", testPassword); tok == "" {
		t.Fatal("could not log in after the lock expired")
	}
	// A good login clears the count.
	state, err := a.st.LoginState(t.Context(), store.AddressKey("agent@ior.example"), attacker)
	if err != nil || state.FromAddress.Failures != 0 || state.Account.Failures != 0 {
		t.Fatalf("failures not reset by the good login: %+v %v", state, err)
	}
}

// Twelve wrong passwords from two addresses lock nobody out: the owner,
// from another address, still logs in (slowed down, not refused).
func TestStrangerCannotLockStaffOut(t *testing.T) {
	onBothEngines(t, func(t *testing.T, a *app) {
		for i := range 12 {
			ip := []string{"203.0.113.7", "198.51.100.9"}[i%2]
			a.loginFrom(ip, "admin@ior.example", fmt.Sprintf("guess number %d", i))
		}
		if tok, _ := a.loginFrom("203.0.113.7", "admin@ior.example", testPassword); tok != "" {
			t.Fatal("the attacker's address was not locked")
		}
		a.sleptMu.Lock()
		a.slept = nil
		a.sleptMu.Unlock()
		tok, rec := a.loginFrom("192.0.2.50", "admin@ior.example", testPassword)
		if tok == "" {
			t.Fatalf("the owner was locked out: %d", rec.Code)
		}
		a.sleptMu.Lock()
		defer a.sleptMu.Unlock()
		if len(a.slept) != 1 || a.slept[0] <= 0 || a.slept[0] > 2*time.Second {
			t.Fatalf("owner's login slowed by %v, want one wait of at most 2s", a.slept)
		}
	})
}

// Failures recorded by many concurrent logins on two stores (two
// instances on one PostgreSQL) all count.
func TestLoginFailuresCountAtomically(t *testing.T) {
	dsn := pgtest.DSN(t)
	a := newAppOn(t, dsn)
	// The second instance keeps the same time as the first: failures are
	// counted over a window of the clock.
	other, err := store.Open(dsn, store.Options{Now: a.now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	account := store.AddressKey("agent@ior.example")
	var wg sync.WaitGroup
	for i := range 40 {
		st := a.st
		if i%2 == 1 {
			st = other
		}
		wg.Go(func() {
			if err := st.RecordLoginFailure(t.Context(), account, "203.0.113.7"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	state, err := a.st.LoginState(t.Context(), account, "203.0.113.7")
	if err != nil {
		t.Fatal(err)
	}
	if state.FromAddress.Failures != 40 || state.Account.Failures != 40 {
		t.Fatalf("counted %d from the address and %d in all, want 40 and 40", state.FromAddress.Failures, state.Account.Failures)
	}
}

// A known and an unknown account take the same time to refuse: 200 tries
// of each, interleaved, with the medians within a few milliseconds.
func TestLoginTimingDoesNotTellAccountsApart(t *testing.T) {
	a := newApp(t)
	const tries = 200
	var known, unknown []time.Duration
	for i := range tries {
		// Fresh addresses: neither the rate limit nor a lock gets in the way.
		ip := fmt.Sprintf("10.%d.%d.1", i/250, i%250)
		emails := []string{"agent@ior.example", "nobody@ior.example"}
		if i%2 == 1 {
			emails[0], emails[1] = emails[1], emails[0] // neither always goes first
		}
		for _, email := range emails {
			start := time.Now()
			_, rec := a.loginFrom(ip, email, fmt.Sprintf("wrong password %d", i))
			d := time.Since(start)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("%s: %d", email, rec.Code)
			}
			if email == "nobody@ior.example" {
				unknown = append(unknown, d)
			} else {
				known = append(known, d)
			}
		}
	}
	mk, mu := median(known), median(unknown)
	diff := mk - mu
	if diff < 0 {
		diff = -diff
	}
	if diff > mk/10+time.Millisecond {
		t.Fatalf("median refusal: known account %v, unknown %v", mk, mu)
	}
	t.Logf("median refusal: known account %v, unknown %v (%d tries each)", mk, mu, tries)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func TestLoginRateLimitPerIP(t *testing.T) {
	a := newApp(t)
	limited := 0
	for range 14 {
		if _, rec := a.login("nobody@ior.example", "wrong password 123"); rec.Code == http.StatusTooManyRequests {
			limited++
			if rec.Header().Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if limited < 3 {
		t.Fatalf("%d of 14 attempts limited, want the ones past 10", limited)
	}
}

func TestSessionRotationLogoutAndTimeouts(t *testing.T) {
	onBothEngines(t, testSessionRotationLogoutAndTimeouts)
}

func testSessionRotationLogoutAndTimeouts(t *testing.T, a *app) {
	first := a.session(store.RoleAgent)
	// Logging in again from a browser that has a session gives a new id
	// and ends the old one.
	req := httptest.NewRequest(http.MethodPost, "/staff/login", strings.NewReader(url.Values{
		"email": {"agent@ior.example"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: staff.SessionCookie, Value: first})
	rec := httptest.NewRecorder()
	a.srv.Echo.ServeHTTP(rec, req)
	var second string
	for _, c := range rec.Result().Cookies() {
		if c.Name == staff.SessionCookie && c.Value != "" {
			second = c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie flags: %+v", c)
			}
		}
	}
	if second == "" || second == first {
		t.Fatal("no new session id at login")
	}
	if rec := a.request("GET", "/staff", nil, first); rec.Code != http.StatusSeeOther {
		t.Fatalf("old session still works: %d", rec.Code)
	}
	if rec := a.request("GET", "/staff", nil, second); rec.Code != http.StatusOK {
		t.Fatalf("new session: %d", rec.Code)
	}
	// Logout ends it server-side: the cookie value no longer opens anything.
	a.request("POST", "/staff/logout", url.Values{}, second)
	if rec := a.request("GET", "/staff", nil, second); rec.Code != http.StatusSeeOther {
		t.Fatalf("session alive after logout: %d", rec.Code)
	}

	// Idle timeout: 30 minutes without a request.
	s := a.session(store.RoleAgent)
	a.advance(29 * time.Minute)
	if rec := a.request("GET", "/staff", nil, s); rec.Code != http.StatusOK {
		t.Fatalf("active session ended early: %d", rec.Code)
	}
	a.advance(30*time.Minute + time.Second)
	if rec := a.request("GET", "/staff", nil, s); rec.Code != http.StatusSeeOther {
		t.Fatalf("idle session still open: %d", rec.Code)
	}

	// Absolute timeout: 12 hours however active.
	s = a.session(store.RoleAgent)
	for range 24 {
		a.advance(25 * time.Minute)
		if rec := a.request("GET", "/staff", nil, s); rec.Code != http.StatusOK {
			t.Fatalf("session ended before 12 hours: %d", rec.Code)
		}
	}
	for range 6 {
		a.advance(25 * time.Minute)
		a.request("GET", "/staff", nil, s)
	}
	if rec := a.request("GET", "/staff", nil, s); rec.Code != http.StatusSeeOther {
		t.Fatalf("session alive after 12.5 hours: %d", rec.Code)
	}

	// Disabling an account ends its sessions at once.
	s = a.session(store.RoleAgent)
	admin := a.session(store.RoleAdmin)
	u := a.users[store.RoleAgent]
	a.request("POST", fmt.Sprintf("/staff/users/%d", u.ID), url.Values{"name": {u.Name}, "role": {"agent"}, "disabled": {"yes"}}, admin)
	if rec := a.request("GET", "/staff", nil, s); rec.Code != http.StatusSeeOther {
		t.Fatalf("disabled account still in: %d", rec.Code)
	}
	if tok, _ := a.login("agent@ior.example", testPassword); tok != "" {
		t.Fatal("disabled account logged in")
	}
}

func TestCSRFOnStaffPosts(t *testing.T) {
	a := newApp(t)
	s := a.session(store.RoleAgent)
	e := a.enquiry("Csrf Target")
	// The token the pages of this session carry.
	token, _ := doc(t, a.request("GET", "/staff", nil, s)).Find(`input[name="_csrf"]`).First().Attr("value")
	if token == "" {
		t.Fatal("the page carries no CSRF token")
	}
	post := func(site, token, session string) int {
		form := url.Values{"status": {"won"}, "version": {"1"}}
		if token != "" {
			form.Set("_csrf", token)
		}
		req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/staff/enquiries/%d/status", e.ID), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		req.AddCookie(&http.Cookie{Name: staff.SessionCookie, Value: session})
		// What a sibling site could plant: a cookie and a matching token.
		req.AddCookie(&http.Cookie{Name: "_csrf", Value: "planted-token"})
		rec := httptest.NewRecorder()
		a.srv.Echo.ServeHTTP(rec, req)
		return rec.Code
	}
	other := a.session(store.RoleManager)
	otherToken, _ := doc(t, a.request("GET", "/staff", nil, other)).Find(`input[name="_csrf"]`).First().Attr("value")
	for _, tc := range []struct {
		what, site, token string
	}{
		{"cross-site post", "cross-site", ""},
		{"same-site post with a planted token", "same-site", "planted-token"},
		{"same-site post even with the session's token", "same-site", token},
		{"post with neither header nor token", "", ""},
		{"post with a planted token", "", "planted-token"},
		{"post with another session's token", "", otherToken},
	} {
		if code := post(tc.site, tc.token, s); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", tc.what, code)
		}
	}
	if cur, _ := a.st.EnquiryByID(t.Context(), e.ID); cur.Status != store.StatusNew {
		t.Fatal("a refused post changed the enquiry")
	}
	if code := post("", token, s); code != http.StatusSeeOther {
		t.Errorf("post with the session's token: %d", code)
	}
	// A new login gives a new token; the old one no longer works.
	again := a.session(store.RoleAgent)
	newToken, _ := doc(t, a.request("GET", "/staff", nil, again)).Find(`input[name="_csrf"]`).First().Attr("value")
	if newToken == "" || newToken == token {
		t.Fatal("the token did not change at login")
	}
	if code := post("", token, again); code != http.StatusForbidden {
		t.Errorf("old token after a new login: %d", code)
	}
}

func TestConcurrentEditsDoNotOverwrite(t *testing.T) {
	a := newApp(t)
	e := a.enquiry("Race Case")
	agent, manager := a.session(store.RoleAgent), a.session(store.RoleManager)
	// Both opened version 1; the agent saves first.
	if rec := a.request("POST", fmt.Sprintf("/staff/enquiries/%d/status", e.ID), url.Values{"status": {"quoted"}, "version": {"1"}}, agent); rec.Code != http.StatusSeeOther {
		t.Fatalf("first change: %d", rec.Code)
	}
	rec := a.request("POST", fmt.Sprintf("/staff/enquiries/%d/status", e.ID), url.Values{"status": {"lost"}, "version": {"1"}}, manager)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Someone else changed") {
		t.Fatalf("stale change: %d", rec.Code)
	}
	cur, _ := a.st.EnquiryByID(t.Context(), e.ID)
	if cur.Status != store.StatusQuoted || cur.Version != 2 {
		t.Fatalf("after the race: %s v%d", cur.Status, cur.Version)
	}
	// The timeline says who did what.
	evs, _ := a.st.Events(t.Context(), e.ID)
	last := evs[len(evs)-1]
	if last.Kind != store.EventStatusChanged || last.Actor != "Agent Person" || last.Detail != "new → quoted" {
		t.Fatalf("event %+v", last)
	}
}

func TestLoginRedirectStaysLocal(t *testing.T) {
	a := newApp(t)
	for next, want := range map[string]string{
		"/staff/enquiries?country=DE": "/staff/enquiries?country=DE",
		"https://evil.example/":       "/staff",
		"//evil.example":              "/staff",
		"/staff\\@evil":               "/staff",
	} {
		rec := a.request("POST", "/staff/login", url.Values{"email": {"agent@ior.example"}, "password": {testPassword}, "next": {next}}, "")
		if got := rec.Header().Get("Location"); got != want {
			t.Errorf("next=%q: redirect %q, want %q", next, got, want)
		}
	}
}

func TestLoginsAndAccountChangesAreAudited(t *testing.T) {
	a := newApp(t)
	a.login("agent@ior.example", "wrong password 123")
	a.login("nobody@ior.example", "my secret password")
	admin := a.session(store.RoleAdmin)
	u := a.users[store.RoleAgent]
	a.request("POST", fmt.Sprintf("/staff/users/%d", u.ID), url.Values{"name": {u.Name}, "role": {"manager"}}, admin)
	a.request("POST", "/staff/logout", url.Values{}, admin)
	log, _ := a.st.AuditLog(t.Context(), 10)
	var got []string
	for i := len(log) - 1; i >= 0; i-- {
		got = append(got, log[i].Action+": "+log[i].Detail)
		if strings.Contains(log[i].Detail, "secret") || strings.Contains(log[i].Detail, "wrong password 123") {
			t.Fatalf("a password reached the audit log: %q", log[i].Detail)
		}
	}
	want := []string{"login_failed: wrong password", "login_failed: unknown account (18 characters)", "login: ",
		"account_changed: agent@ior.example: name \"Agent Person\", role agent → manager, disabled false, password reset false", "logout: "}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
