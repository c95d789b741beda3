package enquiry_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"iordesk/internal/enquiry"
)

// fieldCase changes a valid form and says what must come of it.
type fieldCase struct {
	name  string
	edit  func(v url.Values)
	field string // "" means the enquiry is accepted
	msg   string // part of the message beside the field
}

func set(field string, vals ...string) func(url.Values) {
	return func(v url.Values) { v[field] = vals }
}

func del(field string) func(url.Values) { return func(v url.Values) { v.Del(field) } }

var fieldCases = []fieldCase{
	// full_name: required, 2–100, no URLs, single line.
	{"name missing", del("full_name"), "full_name", "Enter your full name"},
	{"name blank", set("full_name", "   "), "full_name", "Enter your full name"},
	{"name 1 char", set("full_name", "G"), "full_name", "at least 2"},
	{"name 2 chars", set("full_name", "Li"), "", ""},
	{"name 100 runes", set("full_name", strings.Repeat("é", 100)), "", ""},
	{"name 101 runes", set("full_name", strings.Repeat("é", 101)), "full_name", "at most 100"},
	{"name with URL", set("full_name", "Visit https://spam.example"), "full_name", "web addresses"},
	{"name with www", set("full_name", "www.spam.example"), "full_name", "web addresses"},
	{"name with CRLF", set("full_name", "Grace\r\nBcc: x@example.com"), "full_name", "single line"},
	{"name only invisible", set("full_name", "\u200b\u200b\u200b"), "full_name", "invisible"},
	{"name with bidi override", set("full_name", "Grace \u202eeppoH"), "full_name", "direction marks"},
	{"name of punctuation", set("full_name", "-- .."), "full_name", "Use letters"},
	{"name with bare domain", set("full_name", "Claim your refund at evil.example now"), "full_name", "domain names"},
	{"company only invisible", set("company", "\u2060\u2060"), "company", "invisible"},
	{"company with bidi isolate", set("company", "\u2066Acme\u2069"), "company", "direction marks"},
	{"company named after its domain", set("company", "Booking.com B.V."), "", ""},
	// end_user_hq_country: optional, a country of the list.
	{"end user HQ not stated", del("end_user_hq_country"), "", ""},
	{"end user HQ empty", set("end_user_hq_country", ""), "", ""},
	{"end user HQ unknown code", set("end_user_hq_country", "XX"), "end_user_hq_country", "Choose a country from the list"},
	{"end user HQ given twice", set("end_user_hq_country", "CN", "SG"), "end_user_hq_country", "more than once"},
	{"name with NUL", set("full_name", "Grace\x00Hopper"), "full_name", "cannot accept"},
	{"name invalid UTF-8", set("full_name", "Grace \xff\xfe"), "full_name", "cannot read"},
	{"name non-Latin", set("full_name", "山田 太郎"), "", ""},
	// company: required, 2–200, no URLs.
	{"company missing", del("company"), "company", "Enter your company"},
	{"company 200", set("company", strings.Repeat("a", 200)), "", ""},
	{"company 201", set("company", strings.Repeat("a", 201)), "company", "at most 200"},
	{"company URL", set("company", "Acme http://acme.example"), "company", "web addresses"},
	{"company domain name is fine", set("company", "Booking.com"), "", ""},
	{"company with LF", set("company", "Acme\nInc"), "company", "single line"},
	// email: required, valid, ≤ 254.
	{"email missing", del("email"), "email", "Enter your email"},
	{"email no at", set("email", "grace.example.com"), "email", "like name@company.com"},
	{"email no domain dot", set("email", "grace@localhost"), "email", "like name@company.com"},
	{"email display name", set("email", "Grace <grace@example.com>"), "email", "like name@company.com"},
	{"email two addresses", set("email", "a@example.com,b@example.com"), "email", "like name@company.com"},
	{"email header injection", set("email", "grace@example.com\r\nBcc: victim@example.com"), "email", "single line"},
	{"email 255", set("email", strings.Repeat("a", 243)+"@example.com"), "email", "at most 254"},
	{"email 254", set("email", strings.Repeat("a", 64)+"@"+strings.Repeat("b", 63)+"."+strings.Repeat("c", 63)+"."+strings.Repeat("d", 57)+".com"), "", ""},
	// phone: optional, valid international, E.164.
	{"phone empty", set("phone", ""), "", ""},
	{"phone invalid", set("phone", "+1 555"), "phone", "valid phone number"},
	{"phone letters", set("phone", "call me maybe"), "phone", "valid phone number"},
	{"phone 00 prefix", set("phone", "0049 30 901820"), "", ""},
	// service and the other choices.
	{"service missing", del("service"), "service", "Choose the service"},
	{"service unknown", set("service", "freight"), "service", "Choose the service"},
	{"service not_sure", set("service", "not_sure"), "", ""},
	{"category unknown", set("product_category", "weapons"), "product_category", "Choose a product category"},
	{"condition missing", del("condition"), "condition", "Choose the condition"},
	{"condition unknown", set("condition", "broken"), "condition", "Choose the condition"},
	{"encryption unknown value", set("contains_encryption", "maybe"), "contains_encryption", "yes, no or not sure"},
	{"encryption omitted defaults", del("contains_encryption"), "", ""},
	{"radio bad", set("wireless_radio", "YES!"), "wireless_radio", "yes, no or not sure"},
	{"lithium bad", set("lithium_batteries", "lots"), "lithium_batteries", "batteries"},
	// countries.
	{"origin missing", del("origin_country"), "origin_country", "Choose the country"},
	{"origin unknown", set("origin_country", "XX"), "origin_country", "Choose the country"},
	{"origin withdrawn", set("origin_country", "YU"), "origin_country", "Choose the country"},
	{"origin lower case", set("origin_country", "us"), "", ""},
	{"destinations missing", del("destination_countries"), "destination_countries", "at least one"},
	{"destinations unknown", set("destination_countries", "DE", "QQ"), "destination_countries", "not a country"},
	{"destinations duplicate", set("destination_countries", "DE", "FR", "DE"), "destination_countries", "only once"},
	{"destinations without an importer", set("destination_countries", "DE", "AQ"), "destination_countries", "Antarctica has no importer"},
	{"destinations duplicate by case", set("destination_countries", "DE", "de"), "destination_countries", "only once"},
	{"destinations 20", set("destination_countries", "AE", "AR", "AU", "BR", "CA", "CL", "CN", "DE", "EG", "ES", "FR", "GB", "ID", "IN", "JP", "KR", "MX", "NG", "SA", "ZA"), "", ""},
	{"destinations 21", set("destination_countries", "AE", "AR", "AU", "BR", "CA", "CL", "CN", "DE", "EG", "ES", "FR", "GB", "ID", "IN", "JP", "KR", "MX", "NG", "SA", "ZA", "US"), "destination_countries", "at most 20"},
	// description: 10–2000.
	{"description short", set("product_description", "GPUs"), "product_description", "at least 10"},
	{"description 10", set("product_description", "0123456789"), "", ""},
	{"description 2000", set("product_description", strings.Repeat("x", 2000)), "", ""},
	{"description 2001", set("product_description", strings.Repeat("x", 2001)), "product_description", "at most 2000"},
	{"description multi-line", set("product_description", "Line one\r\nLine two\ttabbed"), "", ""},
	// hs_code.
	{"hs empty", set("hs_code", ""), "", ""},
	{"hs 6", set("hs_code", "847150"), "", ""},
	{"hs 10 spaced", set("hs_code", "8471 50 01 00"), "", ""},
	{"hs 7", set("hs_code", "8471501"), "hs_code", "6, 8 or 10"},
	{"hs letters", set("hs_code", "84A150"), "hs_code", "only digits"},
	// shipment_value.
	{"value missing", del("shipment_value"), "shipment_value", "Enter the approximate value"},
	{"value zero", set("shipment_value", "0"), "shipment_value", "greater than zero"},
	{"value negative", set("shipment_value", "-5"), "shipment_value", "at most two decimals"},
	{"value three decimals", set("shipment_value", "10.123"), "shipment_value", "at most two decimals"},
	{"value max", set("shipment_value", "1000000000"), "", ""},
	{"value max formatted", set("shipment_value", "1,000,000,000.00"), "", ""},
	{"value over max", set("shipment_value", "1000000000.01"), "shipment_value", "at most 1,000,000,000"},
	{"value smallest", set("shipment_value", "0.01"), "", ""},
	{"value bad grouping", set("shipment_value", "1,00,000"), "shipment_value", "at most two decimals"},
	{"value exponent", set("shipment_value", "1e6"), "shipment_value", "at most two decimals"},
	// currency.
	{"currency default", del("currency"), "", ""},
	{"currency unknown", set("currency", "ABC"), "currency", "Choose a currency"},
	{"currency lower", set("currency", "jpy"), "", ""},
	// target_date.
	{"date empty", set("target_date", ""), "", ""},
	{"date today", set("target_date", "2026-11-30"), "", ""},
	{"date past", set("target_date", "2026-10-01"), "target_date", "not in the past"},
	{"date 24 months", set("target_date", "2028-11-30"), "", ""},
	{"date too far", set("target_date", "2028-12-01"), "target_date", "within the next 24 months"},
	{"date bad format", set("target_date", "01/03/2027"), "target_date", "YYYY-MM-DD"},
	// message.
	{"message 5000", set("message", strings.Repeat("m", 5000)), "", ""},
	{"message 5001", set("message", strings.Repeat("m", 5001)), "message", "at most 5000"},
	{"message with script kept verbatim", set("message", `<script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1)`), "", ""},
	// consent.
	{"consent missing", del("consent"), "consent", "Tick the box"},
	{"consent odd value", set("consent", "sure"), "consent", "Tick the box"},
	// tracking fields.
	// Hidden tracking fields are cleaned, not refused: the prospect cannot
	// see them (TestTrackingFieldsAreCleaned checks what is stored).
	{"utm too long", set("utm_source", strings.Repeat("u", 201)), "", ""},
	{"utm CRLF", set("utm_campaign", "a\r\nb"), "", ""},
	// a field given twice.
	{"email twice", set("email", "a@example.com", "b@example.com"), "email", "more than once"},
	{"service twice", set("service", "ior", "eor"), "service", "more than once"},
}

func TestFieldRules(t *testing.T) {
	h := newHarness(t)
	for _, tc := range fieldCases {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			before := h.count()
			id, answer := h.challenge()
			v := validForm(id, answer)
			tc.edit(v)
			rec := h.postForm(v)
			if tc.field == "" {
				if rec.Code != http.StatusSeeOther {
					t.Fatalf("status %d, want 303; body:\n%s", rec.Code, errorsIn(rec.Body.String()))
				}
				if h.count() != before+1 {
					t.Fatalf("no row written")
				}
				return
			}
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", rec.Code)
			}
			if h.count() != before {
				t.Fatalf("a row was written for an invalid form")
			}
			body := rec.Body.String()
			doc := parse(t, body)
			if got := strings.TrimSpace(doc.Find(".error-summary h2").Text()); got != enquiry.Banner {
				t.Fatalf("banner = %q", got)
			}
			msg := doc.Find("#" + tc.field + "-error").Text()
			if !strings.Contains(msg, tc.msg) {
				t.Fatalf("message at %s = %q, want it to contain %q; all errors: %s", tc.field, msg, tc.msg, errorsIn(body))
			}
			// The field points at its message for screen readers.
			if described, _ := doc.Find("#" + tc.field).Attr("aria-describedby"); !strings.Contains(described, tc.field+"-error") {
				t.Fatalf("#%s aria-describedby = %q", tc.field, described)
			}
			assertKept(t, doc, v)
			if newID := captchaIDIn(t, body); newID == id {
				t.Fatalf("the same challenge was shown again")
			}
		})
	}
}

// assertKept checks every entered value is back in the form, but the
// CAPTCHA answer.
func assertKept(t *testing.T, doc *goquery.Document, v url.Values) {
	t.Helper()
	for name, vals := range v {
		if len(vals) == 0 || !utf8.ValidString(vals[0]) || strings.ContainsRune(vals[0], 0) {
			continue // bytes no browser could show back
		}
		want := vals[0]
		switch name {
		case "captcha_id", "website", "captcha_reload":
			continue
		case "captcha_solution":
			if got := doc.Find(`input[name=captcha_solution]`).AttrOr("value", ""); got != "" {
				t.Errorf("the CAPTCHA answer was kept: %q", got)
			}
			continue
		case "destination_countries":
			checked := map[string]bool{}
			doc.Find(`input[name=destination_countries][checked]`).Each(func(_ int, s *goquery.Selection) {
				checked[s.AttrOr("value", "")] = true
			})
			for _, code := range vals {
				code = strings.ToUpper(code)
				if doc.Find(`input[name=destination_countries][value=`+code+`]`).Length() > 0 && !checked[code] {
					t.Errorf("destination %s not kept", code)
				}
			}
			continue
		case "consent":
			if want == "yes" && doc.Find(`input[name=consent][checked]`).Length() != 1 {
				t.Errorf("consent not kept")
			}
			continue
		}
		field := doc.Find(`[name="` + name + `"]`).First()
		switch goquery.NodeName(field) {
		case "input":
			if field.AttrOr("type", "") == "radio" {
				if doc.Find(`input[name="`+name+`"][value="`+want+`"]`).Length() == 0 {
					continue // an unknown choice cannot be shown ticked
				}
				if got := doc.Find(`input[name="`+name+`"][checked]`).AttrOr("value", ""); got != want {
					t.Errorf("%s: ticked %q, want %q", name, got, want)
				}
			} else if got := field.AttrOr("value", ""); got != strings.ReplaceAll(want, "\r\n", "\n") {
				// (an HTML parser reads CR LF in an attribute as LF)
				t.Errorf("%s: kept %q, want %q", name, got, want)
			}
		case "textarea":
			norm := func(s string) string { return strings.TrimPrefix(strings.ReplaceAll(s, "\r\n", "\n"), "\n") }
			if got := field.Text(); norm(got) != norm(want) {
				t.Errorf("%s: kept %q, want %q", name, got, want)
			}
		case "select":
			if field.Find(`option[value="`+want+`"]`).Length() == 0 {
				continue
			}
			if got := field.Find("option[selected]").AttrOr("value", ""); got != want {
				t.Errorf("%s: selected %q, want %q", name, got, want)
			}
		default:
			t.Errorf("field %s is not in the form", name)
		}
	}
}

// errorsIn lists the field messages of a page, for failure output.
func errorsIn(html string) string {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		return html
	}
	var out []string
	doc.Find(".field-error").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("id", "")+": "+strings.TrimSpace(s.Text()))
	})
	return strings.Join(out, "; ")
}
