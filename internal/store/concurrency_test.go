package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"iordesk/internal/pgtest"
)

// twoStores runs fn with two Stores on one database, as two instances of
// iordesk would be: on one SQLite file and on one PostgreSQL database.
func twoStores(t *testing.T, fn func(t *testing.T, a, b *Store)) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "shared.db")
			if name == "postgres" {
				dsn = pgtest.DSN(t)
			}
			a, err := Open(dsn, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if _, err := a.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			b, err := Open(dsn, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			fn(t, a, b)
		})
	}
}

// Many editors on two instances change one enquiry at the same version:
// exactly one wins each round, the others get ErrConflict, and the row and
// its timeline agree.
func TestVersionedWritesHaveOneWinnerAcrossStores(t *testing.T) {
	twoStores(t, func(t *testing.T, a, b *Store) {
		e := sampleEnquiry("ENQ-RACE0001")
		if err := a.Write(t.Context(), func(tx *Tx) error { return tx.InsertEnquiry(e, []string{"DE"}) }); err != nil {
			t.Fatal(err)
		}
		editor := &User{Email: "editor@example.com", Name: "Editor", Role: RoleAgent, PasswordHash: "x"}
		if err := a.CreateUser(t.Context(), editor); err != nil {
			t.Fatal(err)
		}
		targets := []string{StatusTriaged, StatusContacted, StatusQuoted, StatusWon, StatusLost}
		current := StatusNew
		for version := int64(1); version <= 40; version++ {
			var wins, conflicts atomic.Int64
			var winner atomic.Value
			var wg sync.WaitGroup
			ready := make(chan struct{}) // every editor starts at once
			for g := range 16 {
				st := []*Store{a, b}[g%2]
				status := targets[(int(version)+g)%len(targets)]
				if status == current {
					status = StatusSpam
				}
				wg.Go(func() {
					<-ready
					err := st.ChangeStatus(t.Context(), e.ID, version, status, Actor{ID: editor.ID, Name: fmt.Sprint("editor ", g)}, "")
					switch {
					case err == nil:
						wins.Add(1)
						winner.Store(status)
					case errors.Is(err, ErrConflict):
						conflicts.Add(1)
					default:
						t.Error(err)
					}
				})
			}
			close(ready)
			wg.Wait()
			if wins.Load() != 1 || conflicts.Load() != 15 {
				t.Fatalf("version %d: %d winners, %d conflicts, want 1 and 15", version, wins.Load(), conflicts.Load())
			}
			row, err := a.EnquiryByID(t.Context(), e.ID)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := b.Events(t.Context(), e.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := winner.Load().(string)
			last := evs[len(evs)-1]
			if row.Status != want || row.Version != version+1 || last.Detail != current+" → "+want || len(evs) != int(version)+1 {
				t.Fatalf("version %d: row %s v%d, timeline %d entries ending %q; winner set %s", version, row.Status, row.Version, len(evs), last.Detail, want)
			}
			current = want
		}
	})
}

// Two workers on two instances lease the due mail without overlap.
func TestLeasesDoNotOverlapAcrossStores(t *testing.T) {
	twoStores(t, func(t *testing.T, a, b *Store) {
		for i := range 20 {
			e := sampleEnquiry(fmt.Sprintf("ENQ-LEAS%04d", i))
			err := a.Write(t.Context(), func(tx *Tx) error {
				if err := tx.InsertEnquiry(e, []string{"FR"}); err != nil {
					return err
				}
				return tx.EnqueueMail(e.ID, MailDeskNotification, MailAcknowledgement)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for g := range 8 {
			st := []*Store{a, b}[g%2]
			wg.Go(func() {
				for {
					leased, err := st.LeaseMail(t.Context(), 3, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(leased) == 0 {
						return
					}
					mu.Lock()
					for _, m := range leased {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 40 {
			t.Fatalf("%d messages leased, want 40", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("message %d leased %d times", id, n)
			}
		}
	})
}

// Concurrent intakes on two instances to one address queue one
// acknowledgement an hour between them.
func TestOneAcknowledgementPerAddressAndHour(t *testing.T) {
	twoStores(t, func(t *testing.T, a, b *Store) {
		var granted atomic.Int64
		var wg sync.WaitGroup
		for g := range 12 {
			st := []*Store{a, b}[g%2]
			wg.Go(func() {
				err := st.Write(t.Context(), func(tx *Tx) error {
					ok, err := tx.MayAcknowledge([]string{"Victim@Example.com", "victim@example.com"}[g%2])
					if ok {
						granted.Add(1)
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if granted.Load() != 1 {
			t.Fatalf("%d acknowledgements granted, want 1", granted.Load())
		}
	})
}

// Two instances index the owed search documents while both take
// enquiries: no write fails, and every enquiry ends with one document.
func TestSearchIndexersShareTheBacklogAcrossStores(t *testing.T) {
	twoStores(t, func(t *testing.T, a, b *Store) {
		const n = 300
		var wg sync.WaitGroup
		errs := make(chan error, 4*n)
		for i, s := range []*Store{a, b} {
			wg.Go(func() {
				for j := range n / 2 {
					e := sampleEnquiry(fmt.Sprintf("ENQ-IDX%d%04d", i, j))
					e.FullName = "Indexed Person"
					errs <- s.Write(t.Context(), func(tx *Tx) error { return tx.InsertEnquiry(e, []string{"DE"}) })
				}
			})
			wg.Go(func() {
				for range 40 {
					_, err := s.IndexOwed(t.Context())
					errs <- err
					time.Sleep(2 * time.Millisecond)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, err := a.CountEnquiriesUpTo(t.Context(), Filter{Query: "indexed person"}, 1000); err != nil || n != 300 {
			t.Fatalf("found %d, %v", n, err)
		}
		var docs int64
		if err := b.read.Table("enquiry_search").Count(&docs).Error; err != nil || docs != n {
			t.Errorf("%d documents for %d enquiries, %v", docs, n, err)
		}
	})
}

// A note or an erasure on one instance while the other indexes the same
// enquiries: every document ends as its enquiry is — the note's words
// found, the erased names not.
func TestSearchDocumentsFollowNotesAndErasureAcrossStores(t *testing.T) {
	twoStores(t, func(t *testing.T, a, b *Store) {
		ctx := t.Context()
		u := &User{Email: "desk@example.com", Name: "Desk", Role: RoleAgent, PasswordHash: "x"}
		if err := a.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		const n = 60
		ids := make([]int64, n)
		for i := range n {
			e := sampleEnquiry(fmt.Sprintf("ENQ-RACE%04d", i))
			e.Email = fmt.Sprintf("racer%d@example.com", i)
			e.FullName = fmt.Sprintf("Racer Person%d", i)
			if err := a.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(e, []string{"DE"}) }); err != nil {
				t.Fatal(err)
			}
			ids[i] = e.ID
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4*n)
		wg.Go(func() {
			for i, id := range ids {
				if i%2 == 0 {
					errs <- a.AddNote(ctx, id, fmt.Sprintf("kiwi%d mentioned", i), Actor{ID: u.ID, Name: u.Name})
				} else {
					_, err := a.ErasePerson(ctx, fmt.Sprintf("racer%d@example.com", i), Actor{ID: u.ID, Name: u.Name})
					errs <- err
				}
			}
		})
		wg.Go(func() {
			for range 30 {
				_, err := b.IndexOwed(ctx)
				errs <- err
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range n {
			word, want := fmt.Sprintf("kiwi%d", i), 1
			if i%2 == 1 {
				word, want = fmt.Sprintf("person%d", i), 0
			}
			if got, err := b.CountEnquiriesUpTo(ctx, Filter{Query: word}, 10); err != nil || got != int64(want) {
				t.Errorf("%s found %d times, want %d (%v)", word, got, want, err)
			}
		}
	})
}

// While one instance holds an enquiry to rewrite its search document (a
// note, an erasure, the indexer), the other's intake may still link a new
// enquiry to it as a possible duplicate: the document's lock leaves the
// foreign key's share lock free, so the intake does not wait, and two
// instances that each do both at once cannot deadlock.
func TestSearchDocumentLockLeavesDuplicateLinksFree(t *testing.T) {
	twoStores(t, func(t *testing.T, a, b *Store) {
		if !a.dialect.postgres {
			return // one writer at a time: nothing to wait for
		}
		ctx := t.Context()
		first := sampleEnquiry("ENQ-LOCK0001")
		if err := a.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(first, []string{"DE"}) }); err != nil {
			t.Fatal(err)
		}
		held, err := a.write.WithContext(ctx).Statement.ConnPool.(*sql.DB).BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Rollback()
		var name string
		if err := held.QueryRowContext(ctx, a.queries.sql("search-fields"), first.ID).Scan(&name, new(string), new(string), new(string), new(string), new(string)); err != nil {
			t.Fatal(err)
		}
		quick, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		second := sampleEnquiry("ENQ-LOCK0002") // same company and address: a possible duplicate of the first
		if err := b.Write(quick, func(tx *Tx) error { return tx.InsertEnquiry(second, []string{"DE"}) }); err != nil {
			t.Fatalf("the intake waited for the document's lock: %v", err)
		}
		pairs, err := b.DuplicatesOf(ctx, second.ID)
		if err != nil || len(pairs) != 1 {
			t.Fatalf("linked %d, %v", len(pairs), err)
		}
	})
}
