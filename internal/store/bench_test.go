package store

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkGroupCommit measures enquiries stored per second through the
// group-commit writer with synchronous=FULL, from many goroutines at once
// (each b.N iteration is one enquiry with three destinations and its event).
func BenchmarkGroupCommit(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
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
