package store

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkGroupCommit measures enquiries stored per second through the
// group-commit writer with synchronous=FULL, from 8 goroutines per CPU (16
// on two cores) at once; each b.N iteration is one enquiry with three
// destinations (its arrival on the timeline is implied by the row), filed
// for possible duplicates. On an empty book, or with IORDESK_BENCH_DB on a
// copy of that book; "new-company" enquiries each come from a company and
// domain of their own, "same-company" ones all from one, so each finds
// and links its possible duplicates.
func BenchmarkGroupCommit(b *testing.B) {
	s := openTest(b)
	if path := os.Getenv("IORDESK_BENCH_DB"); path != "" {
		s = copyOfBook(b, path)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name        string
		sameCompany bool
	}{{"new-company", false}, {"same-company", true}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := rand.Text()[:8]
					e := sampleEnquiry("ENQ-" + id)
					if !c.sameCompany {
						e.Company, e.Email = "Company "+id, "buyer@"+strings.ToLower(id)+".example"
					}
					e.ConsentAt = time.Now()
					err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(e, []string{"DE", "BR", "IN"}) })
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// copyOfBook is a migrated copy of the SQLite book at path, made through
// the store's own backup (WAL included).
func copyOfBook(b *testing.B, path string) *Store {
	book, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	cp := filepath.Join(b.TempDir(), "book.db")
	err = book.Backup(context.Background(), cp)
	book.Close()
	if err != nil {
		b.Fatal(err)
	}
	s, err := Open(cp, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkListQuery compares one list page's rows through ListEnquiries
// with the same SQL run bare through database/sql, on the book named by
// IORDESK_BENCH_DB (skipped without one): the store's own share of a list
// page.
func BenchmarkListQuery(b *testing.B) {
	s := benchBook(b)
	ctx := context.Background()
	f := Filter{Status: StatusQuoted, Limit: 50}
	b.Run("store", func(b *testing.B) {
		for b.Loop() {
			if rows, _, err := s.ListEnquiries(ctx, f); err != nil || len(rows) != 50 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("bare", func(b *testing.B) {
		q := s.queries.sql("list-enquiries", "{from}", "enquiries AS e", "{where}", "e.status = 'quoted'",
			"{order}", "e.created_at DESC, e.id DESC")
		for b.Loop() {
			rows, err := s.readDB.Query(q, 51, 0)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
}

// BenchmarkSearch times the store's share of a search page (its rows and
// its count to 1,001) on the book IORDESK_BENCH_DB names — a SQLite file
// or a postgres:// URL — for words the demo book has in few, some and many
// enquiries, by relevance and by date.
func BenchmarkSearch(b *testing.B) {
	s := benchBook(b)
	ctx := context.Background()
	for _, query := range []string{"zzzznothing", `"james okafor"`, "okafor", "fulcrum nvidia", "okaf*"} {
		for _, order := range []string{"relevance", "newest"} {
			f := Filter{Query: query, Newest: order == "newest", Limit: 50}
			b.Run(query+"/"+order, func(b *testing.B) {
				for b.Loop() {
					if _, _, err := s.ListEnquiries(ctx, f); err != nil {
						b.Fatal(err)
					}
					if _, err := s.CountEnquiriesUpTo(ctx, f, 1001); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// benchBook opens the book IORDESK_BENCH_DB names (a SQLite file or a
// postgres:// URL); without one the benchmark is skipped.
func benchBook(b *testing.B) *Store {
	path := os.Getenv("IORDESK_BENCH_DB")
	if path == "" {
		b.Skip("IORDESK_BENCH_DB names a book made by iordesk demo-data")
	}
	s, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}
