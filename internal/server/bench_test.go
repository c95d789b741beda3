package server_test

import (
	"context"
	"testing"

	"iordesk/internal/demo"
	"iordesk/internal/store"
)

// BenchmarkListPage measures GET /staff/enquiries?country=DE on 20,000
// demo enquiries through the whole handler chain.
func BenchmarkListPage(b *testing.B) {
	a := newApp(b)
	if err := demo.Generate(context.Background(), a.st, 20000, a.now(), 7, nil); err != nil {
		b.Fatal(err)
	}
	s := a.session(store.RoleManager)
	b.ReportAllocs()
	for b.Loop() {
		if rec := a.request("GET", "/staff/enquiries?country=DE", nil, s); rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
