package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// TestExportPipelineStopsCleanly covers the reader goroutine: every row
// arrives once and in order across several batches, and an export stopped
// by its caller or by a cancelled context ends with that error and leaves
// no goroutine behind.
func TestExportPipelineStopsCleanly(t *testing.T) { backends(t, time.Now, testExportPipeline) }

func testExportPipeline(t *testing.T, s *Store) {
	ctx := context.Background()
	const n = 3*exportBatch + 17
	err := s.Write(ctx, func(tx *Tx) error {
		for i := range n {
			e := sampleEnquiry(fmt.Sprintf("ENQ-%06d", i))
			e.CreatedAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			if err := tx.InsertEnquiry(e, []string{"DE", "JP"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	goroutines := runtime.NumGoroutine()

	var refs []string
	err = s.ExportEnquiries(ctx, Filter{}, func(r *ExportRow) error {
		if len(r.Destinations) != 2 || r.Destinations[1] != "JP" {
			return fmt.Errorf("%s: countries %v", r.Reference, r.Destinations)
		}
		refs = append(refs, r.Reference)
		return nil
	})
	if err != nil || len(refs) != n || refs[0] != fmt.Sprintf("ENQ-%06d", n-1) || refs[n-1] != "ENQ-000000" {
		t.Fatalf("full export: %d rows, first %v, %v", len(refs), refs[:1], err)
	}

	stop := errors.New("disk full")
	seen := 0
	err = s.ExportEnquiries(ctx, Filter{}, func(*ExportRow) error {
		if seen++; seen == exportBatch+5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || seen != exportBatch+5 {
		t.Fatalf("stopped by the writer: %v after %d rows", err, seen)
	}

	cctx, cancel := context.WithCancel(ctx)
	seen = 0
	err = s.ExportEnquiries(cctx, Filter{}, func(*ExportRow) error {
		if seen++; seen == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || seen >= n {
		t.Fatalf("cancelled: %v after %d rows", err, seen)
	}

	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > goroutines {
		t.Fatalf("%d goroutines after the exports, %d before", got, goroutines)
	}
}
