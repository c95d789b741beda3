package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// TestBackupUnderWriteLoad backs up while enquiries keep arriving, restores
// the copy and checks that everything committed before the backup began is
// in it, and that it is sound.
func TestBackupUnderWriteLoad(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var n atomic.Int64
	write := func() {
		i := n.Add(1)
		if err := s.Write(ctx, func(tx *Tx) error {
			return tx.InsertEnquiry(sampleEnquiry(fmt.Sprintf("ENQ-B%07d", i)), []string{"DE"})
		}); err != nil {
			t.Error(err)
		}
	}
	for range 500 {
		write()
	}
	before, _ := s.CountEnquiries(ctx)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					write()
				}
			}
		})
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if err := s.Backup(ctx, dest); err == nil {
		t.Fatal("backup over an existing file accepted")
	}
	restored, err := Open(dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if pending, err := restored.PendingMigrations(ctx); err != nil || pending != 0 {
		t.Fatalf("restored schema: %d pending, %v", pending, err)
	}
	got, _ := restored.CountEnquiries(ctx)
	after, _ := s.CountEnquiries(ctx)
	if got < before || got > after {
		t.Fatalf("backup holds %d enquiries; %d before it began, %d after", got, before, after)
	}
	for i := 1; i <= int(before); i++ {
		if _, err := restored.EnquiryByReference(ctx, fmt.Sprintf("ENQ-B%07d", i)); err != nil {
			t.Fatalf("ENQ-B%07d missing from the backup: %v", i, err)
		}
	}
	raw, _ := sql.Open(driverName, "file:"+dest+"?mode=ro")
	defer raw.Close()
	var check string
	if raw.QueryRow("PRAGMA integrity_check").Scan(&check); check != "ok" {
		t.Fatalf("integrity_check: %s", check)
	}
	t.Logf("backup of %d enquiries taken while %d more arrived", got, after-before)
}
