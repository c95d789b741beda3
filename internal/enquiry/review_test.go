package enquiry_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"iordesk/internal/store"
)

// apiEnquiry is a valid JSON enquiry with raw bytes spliced in for name.
func apiEnquiry(id, answer, rawName string) []byte {
	b, _ := json.Marshal(map[string]any{
		"full_name": "PLACEHOLDER", "company": "Compilers Co", "email": "grace@example.com",
		"service": "eor", "origin_country": "US", "destination_countries": []string{"JP"},
		"product_category": "gpu_ai", "product_description": "Eight H200 GPU servers",
		"condition": "new", "shipment_value": 2500000, "currency": "USD",
		"consent": true, "captcha_id": id, "captcha_solution": answer, "end_user_hq_country": "cn",
	})
	return bytes.Replace(b, []byte(`"PLACEHOLDER"`), []byte(rawName), 1)
}

// What the form refuses, the JSON API refuses too: text that is not UTF-8
// (which Go's decoder would quietly turn into U+FFFD), lone surrogates,
// invisible names.
func TestJSONRefusesWhatTheFormRefuses(t *testing.T) {
	h := newHarness(t)
	for what, raw := range map[string]string{
		"invalid UTF-8":      "\"Grace \xff\xfe Hopper\"",
		"lone surrogate":     `"Grace \udc00 Hopper"`,
		"invisible only":     `"\u200b\u200b\u200b"`,
		"bidi override":      `"Grace \u202eHopper"`,
		"domain in the name": `"Refund at evil.example"`,
	} {
		id, answer := h.challenge()
		req := httptest.NewRequest(http.MethodPost, "/api/v1/enquiries", bytes.NewReader(apiEnquiry(id, answer, raw)))
		req.Header.Set("Content-Type", "application/json")
		rec := h.do(req)
		var out struct {
			Error  string
			Fields map[string]string
		}
		json.Unmarshal(rec.Body.Bytes(), &out)
		if rec.Code != http.StatusUnprocessableEntity || out.Fields["full_name"] == "" {
			t.Errorf("%s: %d %s", what, rec.Code, rec.Body)
		}
	}
	if n := h.count(); n != 0 {
		t.Fatalf("%d enquiries stored", n)
	}
	// A U+FFFD the prospect really typed is text like any other.
	id, answer := h.challenge()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/enquiries", bytes.NewReader(apiEnquiry(id, answer, `"Grace \ufffd Hopper"`)))
	req.Header.Set("Content-Type", "application/json")
	rec := h.do(req)
	var ok struct{ Reference string }
	json.Unmarshal(rec.Body.Bytes(), &ok)
	if rec.Code != http.StatusCreated {
		t.Fatalf("typed U+FFFD: %d %s", rec.Code, rec.Body)
	}
	// The end user's headquarters comes through the API too.
	if e, err := h.st.EnquiryByReference(t.Context(), ok.Reference); err != nil || e.EndUserHQCountry != "CN" || e.FullName != "Grace \ufffd Hopper" {
		t.Fatalf("stored %+v, %v", e, err)
	}
}

// Enquiries typed with one address get one acknowledgement an hour; each
// is stored and the desk hears of each.
func TestOneAcknowledgementPerAddressAnHour(t *testing.T) {
	h := newHarness(t)
	send := func(email string) string {
		id, answer := h.challenge()
		v := validForm(id, answer)
		v.Set("email", email)
		rec := h.postForm(v)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("post: %d", rec.Code)
		}
		return referenceIn(rec)
	}
	kinds := func(ref string) []string {
		e, err := h.st.EnquiryByReference(t.Context(), ref)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := h.st.MailFor(t.Context(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range msgs {
			out = append(out, m.Kind)
		}
		return out
	}
	first := send("victim@example.com")
	second := send("Victim@Example.com")
	h.advance(59 * time.Minute)
	third := send("victim@example.com")
	h.advance(2 * time.Minute)
	fourth := send("victim@example.com")
	other := send("someone.else@example.com")
	want := map[string]int{first: 2, second: 1, third: 1, fourth: 2, other: 2}
	for ref, n := range want {
		got := kinds(ref)
		if len(got) != n || got[0] != store.MailDeskNotification {
			t.Errorf("%s: mail %v, want the desk notification and %d in all", ref, got, n)
		}
	}
}

// Every destination is screened in the same write as the enquiry: the
// findings are stored per destination and the enquiry carries the most
// severe as its state.
func TestIntakeScreensEveryDestination(t *testing.T) {
	h := newHarness(t)
	send := func(edit func(url.Values)) *store.Enquiry {
		id, answer := h.challenge()
		v := validForm(id, answer)
		edit(v)
		rec := h.postForm(v)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("post: %d %s", rec.Code, errorsIn(rec.Body.String()))
		}
		e, err := h.st.EnquiryByReference(t.Context(), referenceIn(rec))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	// A Wi-Fi laptop with a battery to India and Germany.
	e := send(func(v url.Values) {
		v["destination_countries"] = []string{"IN", "DE"}
		v.Set("product_category", "it_networking")
		v.Set("wireless_radio", "yes")
		v.Set("lithium_batteries", "in_equipment")
		v.Set("product_description", "Forty laptops with Wi-Fi")
	})
	findings, err := h.st.FindingsFor(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	var india []string
	for _, f := range findings {
		if f.Country != "IN" {
			t.Errorf("a finding for %s: %+v", f.Country, f)
		}
		india = append(india, f.Scheme)
		if f.Version != 1 || f.SourceURL == "" || f.Reviewed == "" {
			t.Errorf("finding without its provenance: %+v", f)
		}
	}
	for _, want := range []string{"BIS CRS", "WPC ETA", "BIS CRS IS 16046"} {
		if !slices.Contains(india, want) {
			t.Errorf("India: %v lacks %s", india, want)
		}
	}
	if e.ComplianceState != store.ComplianceAction {
		t.Errorf("state %q, want action", e.ComplianceState)
	}
	// Refurbished servers to Vietnam: blocked. GPUs for a Chinese end user
	// in Germany: held.
	if e := send(func(v url.Values) {
		v["destination_countries"] = []string{"VN"}
		v.Set("condition", "refurbished")
	}); e.ComplianceState != store.ComplianceBlock {
		t.Errorf("refurbished servers to Vietnam: %q", e.ComplianceState)
	}
	if e := send(func(v url.Values) {
		v["destination_countries"] = []string{"DE"}
		v.Set("product_category", "gpu_ai")
		v.Set("end_user_hq_country", "CN")
	}); e.ComplianceState != store.ComplianceHold {
		t.Errorf("GPUs for a Chinese end user: %q", e.ComplianceState)
	}
	// Nothing to flag: clear.
	if e := send(func(v url.Values) {
		v["destination_countries"] = []string{"DE"}
		v.Set("end_user_hq_country", "")
		v.Set("lithium_batteries", "none")
	}); e.ComplianceState != store.ComplianceClear {
		t.Errorf("servers to Germany: %q", e.ComplianceState)
	}
}
