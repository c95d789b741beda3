package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"iordesk/internal/demo"
	"iordesk/internal/store"
)

// BenchmarkListPage measures the list page through the whole handler chain
// (no network), on 20,000 demo enquiries or, with IORDESK_BENCH_DB, on a
// copy of a book made by `iordesk demo-data` (the copy gets the staff
// accounts; the book is left as it was).
// It also opens one enquiry, directly and from the list.
func BenchmarkListPage(b *testing.B) {
	var a *app
	if path := os.Getenv("IORDESK_BENCH_DB"); path != "" {
		// A consistent copy (WAL included), through the store's own backup.
		book, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		cp := filepath.Join(b.TempDir(), "book.db")
		err = book.Backup(context.Background(), cp)
		book.Close()
		if err != nil {
			b.Fatal(err)
		}
		a = newAppOn(b, cp)
	} else {
		a = newApp(b)
		if err := demo.Generate(context.Background(), a.st, 20000, a.now(), 7, nil); err != nil {
			b.Fatal(err)
		}
	}
	s := a.session(store.RoleManager)
	rows, _, err := a.st.ListEnquiries(context.Background(), store.Filter{Country: "DE"})
	if err != nil || len(rows) < 2 {
		b.Fatalf("no enquiry to Germany to open: %v", err)
	}
	one := fmt.Sprintf("/%d", rows[1].ID)
	for _, page := range []struct{ name, query string }{
		{"all", ""}, {"country", "?country=DE"}, {"status", "?status=quoted"}, {"waiting-for-us", "?waiting=us"}, {"due-today", "?due=today"},
		// The exact count a page asks for as it loads, past 1,000 rows.
		{"all-exact-count", "?count=exact"}, {"country-exact-count", "?country=DE&count=exact"},
		// One enquiry, opened directly and from the list (which adds its
		// neighbours in that list).
		{"enquiry", one}, {"enquiry-from-list", one + "?list=country%3DDE"},
	} {
		b.Run(page.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if rec := a.request("GET", "/staff/enquiries"+page.query, nil, s); rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
