package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

func openTest(tb testing.TB) *Store { return openTestWith(tb, Options{}) }

// openTestWith opens and migrates a SQLite store in a temporary directory,
// closed when the test ends.
func openTestWith(tb testing.TB, opts Options) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(tb.TempDir(), "test.db"), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s
}

func sampleEnquiry(ref string) *Enquiry {
	return &Enquiry{
		Reference: ref, FullName: "Ada Lovelace", Company: "Analytical Engines Ltd",
		Email: "ada@example.com", Service: "ior", OriginCountry: "US",
		ProductCategory: "servers_datacentre", ProductDescription: "Twelve rack servers",
		Condition: "new", ShipmentValueCents: 1250000, Currency: "USD",
		ConsentAt: time.Now(), PrivacyNoticeVersion: "2026-11",
	}
}

func TestPragmasOnEveryConnection(t *testing.T) {
	s := openTest(t)
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000", "temp_store": "2"}
	for pool, db := range map[string]*gorm.DB{"write": s.write, "read": s.read} {
		for pragma, w := range want {
			var got string
			if err := db.Raw("PRAGMA " + pragma).Scan(&got).Error; err != nil || got != w {
				t.Errorf("%s pool: PRAGMA %s = %q (%v), want %q", pool, pragma, got, err, w)
			}
		}
	}
	var queryOnly string
	s.read.Raw("PRAGMA query_only").Scan(&queryOnly)
	if queryOnly != "1" {
		t.Errorf("read pool query_only = %q, want 1", queryOnly)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	s := openTest(t)
	applied, err := s.Migrate(context.Background())
	if err != nil || len(applied) != 0 {
		t.Fatalf("second Migrate applied %v, %v; want nothing", applied, err)
	}
	if n, err := s.PendingMigrations(context.Background()); err != nil || n != 0 {
		t.Fatalf("pending = %d, %v", n, err)
	}
}

func TestConcurrentWritesAreGroupCommittedAndAllDurable(t *testing.T) {
	backends(t, time.Now, testConcurrentWrites)
}

func testConcurrentWrites(t *testing.T, s *Store) {
	ctx := context.Background()
	const n = 300
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Write(ctx, func(tx *Tx) error {
				return tx.InsertEnquiry(sampleEnquiry(fmt.Sprintf("ENQ-%06d", i)), []string{"DE", "FR"})
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.CountEnquiries(ctx); got != n {
		t.Fatalf("count = %d, want %d", got, n)
	}
	e, err := s.EnquiryByReference(ctx, "ENQ-000042")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Destinations; len(got) != 2 || got[0] != "DE" || got[1] != "FR" {
		t.Fatalf("destinations = %v", got)
	}
	evs, err := s.Events(ctx, e.ID)
	if err != nil || len(evs) != 1 || evs[0].Kind != EventCreated {
		t.Fatalf("events = %+v, %v", evs, err)
	}
}

func TestFailedOperationUndoesOnlyItself(t *testing.T) {
	backends(t, time.Now, testFailedOperation)
}

func testFailedOperation(t *testing.T, s *Store) {
	ctx := context.Background()
	if err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(sampleEnquiry("ENQ-DUP"), []string{"DE"}) }); err != nil {
		t.Fatal(err)
	}
	// A half-done operation that fails must leave nothing behind, even when
	// it shares its transaction with others.
	boom := errors.New("boom")
	var wg sync.WaitGroup
	results := make([]error, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.Write(ctx, func(tx *Tx) error {
				if err := tx.InsertEnquiry(sampleEnquiry(fmt.Sprintf("ENQ-OK%02d", i)), []string{"FR"}); err != nil {
					return err
				}
				if i%2 == 0 {
					return boom
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range results {
		if i%2 == 0 && !errors.Is(err, boom) || i%2 == 1 && err != nil {
			t.Fatalf("op %d: %v", i, err)
		}
	}
	if got, _ := s.CountEnquiries(ctx); got != 11 {
		t.Fatalf("count = %d, want 11", got)
	}
	err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(sampleEnquiry("ENQ-DUP"), []string{"DE"}) })
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate reference: %v, want ErrConflict", err)
	}
}

func TestWriterSurvivesPanicAndRefusesAfterClose(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.Write(ctx, func(tx *Tx) error { panic("bad op") }); err == nil {
		t.Fatal("panicking op returned nil")
	}
	if err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(sampleEnquiry("ENQ-AFTER"), []string{"DE"}) }); err != nil {
		t.Fatalf("writer dead after panic: %v", err)
	}
	s.Close()
	if err := s.Write(ctx, func(tx *Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

func TestChallengeConsumeAndPurge(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	s := openTestWith(t, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	for i, exp := range []time.Duration{-time.Minute, 10 * time.Minute} {
		c := Challenge{ID: fmt.Sprintf("c%d", i), Digits: "123456", ExpiresAt: now.Add(exp)}
		if err := s.Write(ctx, func(tx *Tx) error { return tx.CreateChallenge(c) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Challenge(ctx, "c0"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired challenge readable: %v", err)
	}
	if c, err := s.Challenge(ctx, "c1"); err != nil || c.Digits != "123456" {
		t.Fatalf("live challenge: %+v %v", c, err)
	}
	if n, err := s.PurgeExpiredChallenges(ctx); err != nil || n != 1 {
		t.Fatalf("purged %d, %v; want 1", n, err)
	}
	var first, second error
	s.Write(ctx, func(tx *Tx) error { _, first = tx.ConsumeChallenge("c1"); return nil })
	s.Write(ctx, func(tx *Tx) error { _, second = tx.ConsumeChallenge("c1"); return nil })
	if first != nil || !errors.Is(second, ErrNotFound) {
		t.Fatalf("consume twice: %v then %v", first, second)
	}
}

// TestRelaxedWritesNeverRelaxADurableOne: whatever the batching, a Write
// commits waiting for the disk, and a WriteRelaxed alone does not.
func TestRelaxedWritesNeverRelaxADurableOne(t *testing.T) {
	backends(t, time.Now, func(t *testing.T, s *Store) {
		ctx := context.Background()
		setting := func(tx *Tx) (string, error) {
			q := "PRAGMA synchronous" // 2 is FULL, 1 NORMAL
			if tx.dialect.postgres {
				q = "SHOW synchronous_commit"
			}
			var v string
			return v, tx.db.Raw(q).Scan(&v).Error
		}
		durable := map[string]bool{"2": true, "on": true}
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for i := range 200 {
			wg.Go(func() {
				write := s.Write
				if i%2 == 0 {
					write = s.WriteRelaxed
				}
				errs <- write(ctx, func(tx *Tx) error {
					v, err := setting(tx)
					if err == nil && i%2 == 1 && !durable[v] {
						err = fmt.Errorf("a durable write committed with %q", v)
					}
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var alone string
		s.WriteRelaxed(ctx, func(tx *Tx) (err error) { alone, err = setting(tx); return err })
		if durable[alone] {
			t.Errorf("a relaxed write alone committed with %q", alone)
		}
	})
}

// TestTimelineStartsWithTheArrivalOnce: the "created" entry comes from the
// enquiry row, and one stored by an earlier version is not shown twice.
func TestTimelineStartsWithTheArrivalOnce(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	e := sampleEnquiry("ENQ-TIMELINE")
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.InsertEnquiry(e, []string{"DE"}); err != nil {
			return err
		}
		if err := tx.AddEvent(Event{EnquiryID: e.ID, Kind: EventCreated, Actor: "prospect", Detail: "old row"}); err != nil {
			return err
		}
		return tx.AddEvent(Event{EnquiryID: e.ID, Kind: EventNote, Actor: "Agent", Detail: "called"})
	})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, e.ID)
	if err != nil || len(evs) != 2 || evs[0].Kind != EventCreated || evs[0].Detail != receivedDetail ||
		!evs[0].CreatedAt.Equal(e.CreatedAt) || evs[1].Kind != EventNote {
		t.Fatalf("timeline %+v, %v", evs, err)
	}
	if evs, err := s.Events(ctx, e.ID+1000); err != nil || len(evs) != 0 {
		t.Fatalf("unknown enquiry: %+v, %v", evs, err)
	}
}

// TestRetentionDeletesDestinationRows: deleted spam leaves nothing behind
// in enquiry_destinations, which no foreign key ties to its enquiry.
func TestRetentionDeletesDestinationRows(t *testing.T) {
	backends(t, time.Now, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var spam, kept *Enquiry
		err := s.Write(ctx, func(tx *Tx) error {
			spam, kept = sampleEnquiry("ENQ-SPAM0001"), sampleEnquiry("ENQ-KEEP0001")
			if err := tx.InsertEnquiry(spam, []string{"DE", "FR", "JP"}); err != nil {
				return err
			}
			return tx.InsertEnquiry(kept, []string{"DE"})
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Write(ctx, func(tx *Tx) error {
			return tx.db.Exec("UPDATE enquiries SET status = ? WHERE id = ?", StatusSpam, spam.ID).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		deleted, _, err := s.ApplyRetention(ctx, time.Nanosecond, 0)
		if err != nil || deleted != 1 {
			t.Fatalf("deleted %d, %v", deleted, err)
		}
		var rows []struct {
			Country   string
			EnquiryID int64
		}
		if err := s.read.Raw("SELECT country, enquiry_id FROM enquiry_destinations").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Country != "DE" || rows[0].EnquiryID != kept.ID {
			t.Fatalf("destination rows left: %+v", rows)
		}
	})
}
