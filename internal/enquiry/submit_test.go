package enquiry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"iordesk/internal/store"
)

func TestValidEnquiryIsStoredNormalisedAndAcknowledged(t *testing.T) {
	h := newHarness(t)
	id, digits := h.challenge()
	req := httptest.NewRequest(http.MethodPost, "/enquiry", strings.NewReader(validForm(id, digits).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	req.Header.Set("User-Agent", "Mozilla/5.0 test\r\nX-Evil: 1")
	req.RemoteAddr = "203.0.113.9:5555"
	rec := h.do(req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("status %d: %s", rec.Code, errorsIn(rec.Body.String()))
	}
	loc, _ := url.Parse(rec.Header().Get("Location"))
	ref := loc.Query().Get("ref")
	if loc.Path != "/enquiry/thanks" || !strings.HasPrefix(ref, "ENQ-") || len(ref) != 12 {
		t.Fatalf("redirect %q", loc)
	}
	e, err := h.st.EnquiryByReference(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Enquiry{
		Reference: ref, Status: "new", FullName: "Grace Hopper", Company: "Compilers & Co. GmbH",
		Email: "grace@example.com", Phone: "+442079460018", Service: "ior", OriginCountry: "US",
		ProductCategory: "servers_datacentre", ProductDescription: "40 x Dell PowerEdge R760 servers with NVIDIA GPUs",
		Condition: "new", HSCode: "847150", EndUserHQCountry: "SG", ContainsEncryption: "yes", WirelessRadio: "no",
		LithiumBatteries: "in_equipment", ShipmentValueCents: 125000050, Currency: "EUR",
		TargetDate: "2027-03-01", Message: "Please call in the morning.\nThanks!",
		PrivacyNoticeVersion: "2026-11-30", UTMSource: "linkedin", UTMMedium: "social", UTMCampaign: "q4-gpu",
		Referrer: "https://www.example.org/blog", ClientIP: "203.0.113.9", UserAgent: "Mozilla/5.0 testX-Evil: 1",
		Version: 1, Destinations: store.CountryCodes{"DE", "BR", "IN"}, ComplianceState: store.ComplianceAction, Language: "en",
	}
	got := *e
	got.ID, got.CreatedAt, got.UpdatedAt, got.ConsentAt = 0, want.CreatedAt, want.UpdatedAt, want.ConsentAt
	// Received Monday 12:00 UTC by the default desk (Mon-Fri 09:00-17:30
	// UTC, four working hours): due at 16:00.
	if got.RespondBy == nil || !got.RespondBy.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("respond by %v", got.RespondBy)
	}
	got.RespondBy = nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stored:\n%+v\nwant:\n%+v", got, want)
	}
	if !e.ConsentAt.Equal(h.now()) || !e.CreatedAt.Equal(h.now()) {
		t.Fatalf("consent at %v, created %v; want %v", e.ConsentAt, e.CreatedAt, h.now())
	}
	if c := e.Destinations; strings.Join(c, ",") != "DE,BR,IN" {
		t.Fatalf("destinations %v", c)
	}
	evs, _ := h.st.Events(context.Background(), e.ID)
	if len(evs) != 1 || evs[0].Kind != store.EventCreated {
		t.Fatalf("timeline %+v", evs)
	}
	// Both messages were queued in the same transaction as the enquiry.
	mail, _ := h.st.MailFor(context.Background(), e.ID)
	if len(mail) != 2 || mail[0].Kind != store.MailDeskNotification || mail[1].Kind != store.MailAcknowledgement ||
		mail[0].Status != store.MailPending {
		t.Fatalf("outbox %+v", mail)
	}

	// The thanks page shows the reference and nothing of the enquiry.
	page := h.get(loc.String())
	body := page.Body.String()
	if page.Code != http.StatusOK || !strings.Contains(body, ref) || strings.Contains(body, "Grace") || strings.Contains(body, "grace@") {
		t.Fatalf("thanks page: %d", page.Code)
	}
	if strings.Contains(h.get("/enquiry/thanks?ref=<script>").Body.String(), "<script>") {
		t.Fatal("thanks page echoes a non-reference")
	}
}

func TestScriptInFieldsIsStoredVerbatimAndShownEscaped(t *testing.T) {
	h := newHarness(t)
	payload := `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	id, digits := h.challenge()
	v := validForm(id, digits)
	v.Set("company", "Evil "+payload)
	v.Set("message", payload+" javascript:alert(3)")
	v.Del("consent") // force the form back, with the payloads in it
	rec := h.postForm(v)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Fatal("payload rendered unescaped")
	}
	doc := parse(t, body)
	if doc.Find("script:not([src])").Length() != 0 || doc.Find("img[onerror]").Length() != 0 {
		t.Fatal("payload became markup")
	}
	if got := doc.Find("input[name=company]").AttrOr("value", ""); got != "Evil "+payload {
		t.Fatalf("company kept as %q", got)
	}
	// Accepted, it is stored as typed.
	id, digits = h.challenge()
	v = validForm(id, digits)
	v.Set("message", payload)
	rec = h.postForm(v)
	loc, _ := url.Parse(rec.Header().Get("Location"))
	e, err := h.st.EnquiryByReference(context.Background(), loc.Query().Get("ref"))
	if err != nil || e.Message != payload {
		t.Fatalf("stored message %q, %v", e.Message, err)
	}
}

func TestMalformedPostsAreRefusedWithNothingStored(t *testing.T) {
	h := newHarness(t)
	id, digits := h.challenge()
	valid := validForm(id, digits).Encode()
	multipartBody, multipartType := multipartOf(t, validForm(id, digits))
	manyFields := url.Values{}
	for i := range 5000 {
		manyFields.Set("f"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("y", i/26), "1")
	}
	cases := []struct {
		name        string
		contentType string
		body        io.Reader
		chunked     bool
		header      map[string]string
		status      int
	}{
		{"no content type", "", strings.NewReader(valid), false, nil, http.StatusUnsupportedMediaType},
		{"json to the form", "application/json", strings.NewReader(`{}`), false, nil, http.StatusUnsupportedMediaType},
		{"multipart without a boundary", "multipart/form-data", multipartBody, false, nil, http.StatusBadRequest},
		{"multipart/mixed", strings.Replace(multipartType, "form-data", "mixed", 1), multipartBody, false, nil, http.StatusUnsupportedMediaType},
		{"over 64 KiB by length", "application/x-www-form-urlencoded", strings.NewReader(valid + "&message=" + strings.Repeat("a", 70<<10)), false, nil, http.StatusRequestEntityTooLarge},
		{"over 64 KiB chunked", "application/x-www-form-urlencoded", strings.NewReader(valid + "&message=" + strings.Repeat("a", 70<<10)), true, nil, http.StatusRequestEntityTooLarge},
		{"thousands of fields", "application/x-www-form-urlencoded", strings.NewReader(manyFields.Encode()[:60<<10]), false, nil, http.StatusBadRequest},
		{"cross-site post", "application/x-www-form-urlencoded", strings.NewReader(valid), false, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"foreign origin", "application/x-www-form-urlencoded", strings.NewReader(valid), false, map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"bad percent-encoding", "application/x-www-form-urlencoded", strings.NewReader("full_name=%zz&" + valid), false, nil, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/enquiry", tc.body)
			if tc.chunked {
				req.ContentLength = -1
				req.TransferEncoding = []string{"chunked"}
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := h.do(req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if !strings.Contains(rec.Body.String(), "<h1>") {
				t.Fatalf("no readable error page: %q", rec.Body.String())
			}
			if h.count() != 0 {
				t.Fatal("row written")
			}
		})
	}
	// The challenge was never consumed by those refusals: the same post now works.
	if rec := h.postForm(validForm(id, digits)); rec.Code != http.StatusSeeOther {
		t.Fatalf("valid post after refusals: %d", rec.Code)
	}
}

func multipartOf(t *testing.T, v url.Values) (io.Reader, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vals := range v {
		for _, val := range vals {
			w.WriteField(k, val)
		}
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

func TestJSONIntake(t *testing.T) {
	h := newHarness(t)
	newChallenge := func() (string, string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/captcha", nil)
		rec := h.do(req)
		var c struct{ CaptchaID, ImageURL string }
		if err := json.Unmarshal(rec.Body.Bytes(), &map[string]any{}); err != nil || rec.Code != http.StatusCreated {
			t.Fatalf("captcha: %d %s", rec.Code, rec.Body)
		}
		var m map[string]string
		json.Unmarshal(rec.Body.Bytes(), &m)
		c.CaptchaID, c.ImageURL = m["captcha_id"], m["image_url"]
		if c.ImageURL != "http://localhost:8080/captcha/"+c.CaptchaID+".png" {
			t.Fatalf("image url %q", c.ImageURL)
		}
		return c.CaptchaID, h.answer(c.CaptchaID)
	}
	body := func(id, answer string, edit func(map[string]any)) io.Reader {
		m := map[string]any{
			"full_name": "Grace Hopper", "company": "Compilers Co", "email": "grace@example.com",
			"service": "eor", "origin_country": "US", "destination_countries": []string{"JP", "SG"},
			"product_category": "gpu_ai", "product_description": "Eight H200 GPU servers",
			"condition": "refurbished", "shipment_value": 2500000, "currency": "USD",
			"consent": true, "captcha_id": id, "captcha_solution": answer,
		}
		if edit != nil {
			edit(m)
		}
		b, _ := json.Marshal(m)
		return bytes.NewReader(b)
	}
	post := func(r io.Reader, ct string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/enquiries", r)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		return h.do(req)
	}

	id, answer := newChallenge()
	rec := post(body(id, answer, nil), "application/json")
	var ok map[string]string
	json.Unmarshal(rec.Body.Bytes(), &ok)
	if rec.Code != http.StatusCreated || !strings.HasPrefix(ok["reference"], "ENQ-") {
		t.Fatalf("valid JSON: %d %s", rec.Code, rec.Body)
	}
	e, err := h.st.EnquiryByReference(context.Background(), ok["reference"])
	if err != nil || e.ShipmentValueCents != 250000000 || strings.Join(e.Destinations, ",") != "JP,SG" {
		t.Fatalf("stored %+v %v", e, err)
	}

	id, _ = newChallenge()
	rec = post(body(id, "000000x", func(m map[string]any) {
		m["email"] = "nope"
		m["destination_countries"] = []string{"JP", "JP"}
	}), "application/json")
	var bad struct {
		Error   string            `json:"error"`
		Fields  map[string]string `json:"fields"`
		Captcha map[string]string `json:"captcha"`
	}
	json.Unmarshal(rec.Body.Bytes(), &bad)
	if rec.Code != http.StatusUnprocessableEntity || bad.Error != "Please correct the errors and try again." ||
		bad.Fields["email"] == "" || bad.Fields["destination_countries"] == "" || bad.Fields["captcha_solution"] == "" ||
		bad.Captcha["captcha_id"] == "" || bad.Captcha["captcha_id"] == id {
		t.Fatalf("invalid JSON: %d %s", rec.Code, rec.Body)
	}

	for name, tc := range map[string]struct {
		body   string
		ct     string
		status int
	}{
		"form content type": {`{}`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		"not JSON":          {`full_name=x`, "application/json", http.StatusBadRequest},
		"array":             {`[1,2]`, "application/json", http.StatusBadRequest},
		"wrong type":        {`{"full_name": 5}`, "application/json", http.StatusBadRequest},
		"two values":        {`{} {}`, "application/json", http.StatusBadRequest},
		"too large":         {`{"message": "` + strings.Repeat("a", 70<<10) + `"}`, "application/json", http.StatusRequestEntityTooLarge},
	} {
		rec := post(strings.NewReader(tc.body), tc.ct)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s: %d %s, want %d", name, rec.Code, rec.Body, tc.status)
		}
	}
	if n := h.count(); n != 1 {
		t.Fatalf("%d rows, want 1", n)
	}
}

func TestPublicPagesRenderWithSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/", "/enquiry", "/enquiry/thanks?ref=ENQ-23456789", "/privacy", "/nope"} {
		rec := h.get(path)
		want := http.StatusOK
		if path == "/nope" {
			want = http.StatusNotFound
		}
		if rec.Code != want {
			t.Errorf("%s: %d", path, rec.Code)
		}
		hdr := rec.Header()
		if !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") || hdr.Get("X-Content-Type-Options") != "nosniff" ||
			hdr.Get("X-Frame-Options") != "DENY" || hdr.Get("Referrer-Policy") == "" {
			t.Errorf("%s: security headers %v", path, hdr)
		}
		doc := parse(t, rec.Body.String())
		if doc.Find("script:not([src])").Length() != 0 || doc.Find("[style]").Length() != 0 {
			t.Errorf("%s: inline script or style (the CSP forbids them)", path)
		}
	}
	doc := parse(t, h.get("/").Body.String())
	if !strings.Contains(doc.Find("#explainer-title").Text(), "customs broker") {
		t.Error("home page lacks the IOR-or-broker explainer")
	}
	// Every form control has a label.
	doc.Find("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea").Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("id", "")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() == 0 {
			t.Errorf("control %s has no label", s.AttrOr("name", "?"))
		}
	})
	if n := doc.Find("input[name=destination_countries]").Length(); n < 240 {
		t.Errorf("only %d destination countries offered", n)
	}
	for _, path := range []string{"/static/css/app.css", "/static/js/app.js", "/healthz", "/readyz"} {
		if rec := h.get(path); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
}
