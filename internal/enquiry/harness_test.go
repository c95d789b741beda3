package enquiry_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"iordesk/internal/config"
	"iordesk/internal/server"
	"iordesk/internal/store"
	"iordesk/internal/testclock"
)

// harness drives the real server.New over a real SQLite file, with a clock
// the test moves.
type harness struct {
	t     testing.TB
	st    *store.Store
	srv   *server.Server
	clock *testclock.Clock
}

// generous lifts the per-IP limits for tests that post many forms from one
// address; TestRateLimits checks the real defaults.
var generous = map[string]string{"IORDESK_RATE_LIMITS": "enquiry=100000,captcha=100000,login=100000"}

func newHarness(t testing.TB) *harness { return newHarnessEnv(t, generous) }

func newHarnessEnv(t testing.TB, env map[string]string) *harness {
	t.Helper()
	h := &harness{t: t, clock: testclock.New(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))}
	st, err := store.Open(filepath.Join(t.TempDir(), "iordesk.db"), store.Options{Now: h.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.Load("serve", nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(cfg, server.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: h.now})
	if err != nil {
		t.Fatal(err)
	}
	h.st, h.srv = st, srv
	return h
}

func (h *harness) now() time.Time { return h.clock.Now() }

func (h *harness) advance(d time.Duration) { h.clock.Advance(d) }

func (h *harness) do(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.srv.Echo.ServeHTTP(rec, req)
	return rec
}

func (h *harness) get(path string) *httptest.ResponseRecorder {
	return h.do(httptest.NewRequest(http.MethodGet, path, nil))
}

func (h *harness) postForm(v url.Values) *httptest.ResponseRecorder { return h.postTo("/enquiry", v) }

// postTo posts the form to path (/enquiry with a query).
func (h *harness) postTo(path string, v url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return h.do(req)
}

// challenge opens the form and returns the challenge shown and its answer,
// read from the database as only a test can.
func (h *harness) challenge() (id, answer string) {
	h.t.Helper()
	rec := h.get("/enquiry")
	if rec.Code != http.StatusOK {
		h.t.Fatalf("GET /enquiry: %d", rec.Code)
	}
	id = captchaIDIn(h.t, rec.Body.String())
	return id, h.answer(id)
}

func (h *harness) answer(id string) string {
	h.t.Helper()
	c, err := h.st.Challenge(context.Background(), id)
	if err != nil {
		h.t.Fatalf("challenge %s: %v", id, err)
	}
	return c.Digits
}

func (h *harness) count() int64 {
	h.t.Helper()
	n, err := h.st.CountEnquiries(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func captchaIDIn(t testing.TB, html string) string {
	t.Helper()
	doc := parse(t, html)
	id, ok := doc.Find(`input[name=captcha_id]`).Attr("value")
	if !ok || id == "" {
		t.Fatalf("no captcha_id in page")
	}
	return id
}

func parse(t testing.TB, html string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// validForm is an enquiry that passes every rule.
func validForm(captchaID, answer string) url.Values {
	return url.Values{
		"full_name":             {"Grace Hopper"},
		"company":               {"Compilers & Co. GmbH"},
		"email":                 {"grace@example.com"},
		"phone":                 {"+44 20 7946 0018"},
		"service":               {"ior"},
		"origin_country":        {"US"},
		"destination_countries": {"DE", "BR", "IN"},
		"product_category":      {"servers_datacentre"},
		"product_description":   {"40 x Dell PowerEdge R760 servers with NVIDIA GPUs"},
		"condition":             {"new"},
		"hs_code":               {"8471.50"},
		"end_user_hq_country":   {"sg"},
		"contains_encryption":   {"yes"},
		"wireless_radio":        {"no"},
		"lithium_batteries":     {"in_equipment"},
		"shipment_value":        {"1,250,000.50"},
		"currency":              {"EUR"},
		"target_date":           {"2027-03-01"},
		"message":               {"Please call in the morning.\nThanks!"},
		"consent":               {"yes"},
		"captcha_id":            {captchaID},
		"captcha_solution":      {answer},
		"website":               {""},
		"utm_source":            {"linkedin"},
		"utm_medium":            {"social"},
		"utm_campaign":          {"q4-gpu"},
		"referrer":              {"https://www.example.org/blog"},
	}
}

// referenceIn is the reference a redirect to the thanks page names.
func referenceIn(rec *httptest.ResponseRecorder) string {
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		return ""
	}
	return loc.Query().Get("ref")
}
