package enquiry

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"
)

var fuzzNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func validValues() url.Values {
	return url.Values{
		"full_name": {"Grace Hopper"}, "company": {"Compilers Co"}, "email": {"grace@example.com"},
		"phone": {"+1 202 555 0143"}, "service": {"ior"}, "origin_country": {"US"},
		"destination_countries": {"DE", "FR"}, "product_category": {"it_networking"},
		"product_description": {"Forty Cisco switches"}, "condition": {"new"},
		"shipment_value": {"25000"}, "currency": {"USD"}, "consent": {"yes"},
		"captcha_id": {"X"}, "captcha_solution": {"123456"},
	}
}

// FuzzFormValidation feeds arbitrary urlencoded bodies through decoding and
// validation: it must never panic, and whatever it accepts must hold every
// rule of the form.
func FuzzFormValidation(f *testing.F) {
	f.Add(validValues().Encode())
	f.Add("full_name=%00&email=a%0d%0ab@example.com&destination_countries=DE&destination_countries=de")
	f.Add("shipment_value=1,000,000,000.00&target_date=2028-11-30&hs_code=8471.50.01.00")
	f.Add("full_name=\xff\xfe&company=www.x.com&phone=00441234&consent=on")
	f.Add(strings.Repeat("destination_countries=AE&", 25))
	cat := catalog.New()
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		// Start from a valid form so mutations probe one rule at a time.
		merged := validValues()
		for k, vals := range v {
			merged[k] = vals
		}
		form, errs, err := FormFromValues(merged, lang.English)
		if err != nil {
			return
		}
		c := form.Validate(cat, fuzzNow, errs, lang.English)
		if len(errs) > 0 {
			return
		}
		for name, s := range map[string]string{"full_name": c.FullName, "company": c.Company, "email": c.Email, "phone": c.Phone, "utm_source": c.UTMSource, "referrer": c.Referrer} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\x00") {
				t.Fatalf("accepted %s %q", name, s)
			}
		}
		if n := utf8.RuneCountInString(c.FullName); n < 2 || n > 100 {
			t.Fatalf("accepted name of %d runes", n)
		}
		if n := utf8.RuneCountInString(c.ProductDescription); n < 10 || n > 2000 {
			t.Fatalf("accepted description of %d runes", n)
		}
		if len(c.Email) > 254 || !strings.Contains(c.Email, "@") {
			t.Fatalf("accepted email %q", c.Email)
		}
		if c.ShipmentValueCents <= 0 || c.ShipmentValueCents > maxShipmentCents {
			t.Fatalf("accepted value %d", c.ShipmentValueCents)
		}
		if c.Phone != "" && !strings.HasPrefix(c.Phone, "+") {
			t.Fatalf("accepted phone %q", c.Phone)
		}
		if n := len(c.HSCode); n != 0 && n != 6 && n != 8 && n != 10 {
			t.Fatalf("accepted hs code %q", c.HSCode)
		}
		seen := map[string]bool{}
		for _, d := range c.Destinations {
			if _, ok := cat.Country(d); !ok || seen[d] {
				t.Fatalf("accepted destinations %v", c.Destinations)
			}
			seen[d] = true
		}
		if len(c.Destinations) < 1 || len(c.Destinations) > 20 {
			t.Fatalf("accepted %d destinations", len(c.Destinations))
		}
		if !catalog.HasChoice(catalog.Services, c.Service) || !catalog.HasChoice(catalog.ProductCategories, c.ProductCategory) || !cat.IsCurrency(c.Currency) {
			t.Fatalf("accepted codes %q %q %q", c.Service, c.ProductCategory, c.Currency)
		}
	})
}

func TestNewReferenceShape(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		r := NewReference()
		if !ValidReference(r) || seen[r] {
			t.Fatalf("reference %q (seen before: %v)", r, seen[r])
		}
		seen[r] = true
	}
}
