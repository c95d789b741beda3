package enquiry_test

import (
	"net/http"
	"testing"
)

// BenchmarkFormPage measures GET /enquiry: a new challenge and the page.
func BenchmarkFormPage(b *testing.B) {
	h := newHarness(b)
	b.ReportAllocs()
	for b.Loop() {
		if rec := h.get("/enquiry"); rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkInvalidPost measures a post refused with errors in most
// fields: validation, a new challenge and the form drawn again with every
// message (in English; BenchmarkInvalidPostArabic in Arabic).
func BenchmarkInvalidPost(b *testing.B) { benchmarkInvalidPost(b, "/enquiry") }

func BenchmarkInvalidPostArabic(b *testing.B) { benchmarkInvalidPost(b, "/enquiry?lang=ar") }

func benchmarkInvalidPost(b *testing.B, path string) {
	h := newHarness(b)
	v := validForm("NOSUCHCHALLENGE", "000000")
	for _, name := range []string{"email", "company", "service", "product_description", "shipment_value"} {
		v.Set(name, "?")
	}
	b.ReportAllocs()
	for b.Loop() {
		if rec := h.postTo(path, v); rec.Code != http.StatusUnprocessableEntity {
			b.Fatal(rec.Code)
		}
	}
}
