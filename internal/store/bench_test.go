package store

import (
	"context"
	"crypto/rand"
	"os"
	"testing"
	"time"
)

// BenchmarkGroupCommit measures enquiries stored per second through the
// group-commit writer with synchronous=FULL, from 8 goroutines per CPU (16
// on two cores) at once; each b.N iteration is one enquiry with three
// destinations (its arrival on the timeline is implied by the row).
func BenchmarkGroupCommit(b *testing.B) {
	s := openTest(b)
	ctx := context.Background()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			e := sampleEnquiry("ENQ-" + rand.Text()[:8])
			e.ConsentAt = time.Now()
			err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(e, []string{"DE", "BR", "IN"}) })
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkListQuery compares one list page's rows through ListEnquiries
// with the same SQL run bare through database/sql, on the book named by
// IORDESK_BENCH_DB (skipped without one): the store's own share of a list
// page.
func BenchmarkListQuery(b *testing.B) {
	path := os.Getenv("IORDESK_BENCH_DB")
	if path == "" {
		b.Skip("IORDESK_BENCH_DB names a book made by iordesk demo-data")
	}
	s, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
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
