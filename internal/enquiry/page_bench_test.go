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
