package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"iordesk/internal/dupes"
)

// States of a possible-duplicate pair.
const (
	DuplicatePossible  = "possible"
	DuplicateConfirmed = "confirmed"
	DuplicateDismissed = "dismissed"
)

// EventDuplicate is a timeline entry about a possible duplicate.
const EventDuplicate = "duplicate"

// Duplicate is another enquiry paired with one as a possible duplicate.
type Duplicate struct {
	Other  Enquiry // its reference, company, name, status and arrival
	Reason string
	State  string
	// Later: this enquiry is the later of the pair (the one a confirmation
	// marks as the duplicate).
	Later bool
}

// maxPairs bounds the pairs one enquiry makes (the query reads at most ten
// enquiries a key): a company that sends hundreds of enquiries a month
// needs no more than the latest few to be told it asks again.
const maxPairs = 5

// fileForDuplicates files a new enquiry under its match keys and pairs it
// with the enquiries of the last 30 days it may duplicate (dupes.Reason),
// in the intake's write: one read of two ranges of the keys' b-tree and
// one insert, both prepared on the writer's connection.
func (tx *Tx) fileForDuplicates(e *Enquiry) error {
	keys := dupes.Keys(e.Company, e.Email)
	if len(keys) == 0 {
		return nil
	}
	// Two keys always: "" is never filed, so it finds nothing.
	lookup := append(slices.Clone(keys), "", "")[:2]
	since := e.CreatedAt.Add(-dupes.Window).UTC()
	rows, err := tx.query("match-candidates", lookup[0], since, lookup[1], since)
	if err != nil {
		return err
	}
	later := comparable(e)
	type pair struct {
		other  int64
		reason string
	}
	var pairs []pair
	seen := map[int64]bool{} // found under both keys
	for rows.Next() {
		var o Enquiry
		if err := rows.Scan(&o.ID, &o.Email, &o.Company, &o.Destinations, &o.ShipmentValueCents, &o.Currency); err != nil {
			rows.Close()
			return err
		}
		if seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		if reason := dupes.Reason(later, comparable(&o)); reason != "" {
			pairs = append(pairs, pair{o.ID, reason})
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	// The latest first (ids grow with arrival), at most maxPairs.
	slices.SortFunc(pairs, func(a, b pair) int { return cmp.Compare(b.other, a.other) })
	if len(pairs) > maxPairs {
		pairs = pairs[:maxPairs]
	}
	for _, p := range pairs {
		if _, err := tx.exec("insert-duplicate", e.ID, p.other, p.reason, DuplicatePossible, e.CreatedAt.UTC()); err != nil {
			return err
		}
	}
	return tx.insertMatchKeys(e.ID, e.CreatedAt, keys)
}

// insertMatchKeys files enquiry id, created at created, under keys (one or
// two), in one statement.
func (tx *Tx) insertMatchKeys(id int64, created time.Time, keys []string) error {
	args := make([]any, 0, matchKeyWidth*len(keys))
	for _, key := range keys {
		args = append(args, key, created.UTC(), id)
	}
	_, err := tx.execRows("insert-match-keys", matchKeysKey(len(keys)), len(keys), matchKeyWidth, args...)
	return err
}

// forgetMatchKeys removes an enquiry's match keys (its company and address
// are personal data), before an erasure or a deletion.
func (tx *Tx) forgetMatchKeys(id int64, company, email string) error {
	for _, key := range dupes.Keys(company, email) {
		if _, err := tx.exec("delete-match-key", key, id, id); err != nil {
			return err
		}
	}
	return nil
}

func comparable(e *Enquiry) dupes.Enquiry {
	return dupes.Enquiry{Email: e.Email, Company: e.Company, Destinations: e.Destinations,
		ValueCents: e.ShipmentValueCents, Currency: e.Currency}
}

// DuplicatesOf lists the enquiries paired with id, dismissed pairs left
// out, latest first.
func (s *Store) DuplicatesOf(ctx context.Context, id int64) ([]Duplicate, error) {
	var out []Duplicate
	err := s.scanRows(ctx, "duplicates-of", []any{id, DuplicateDismissed, id, DuplicateDismissed}, func(scan func(...any) error) error {
		var d Duplicate
		var otherID int64
		if err := scan(&otherID, &d.Reason, &d.State, &d.Later); err != nil {
			return err
		}
		d.Other.ID = otherID
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("duplicates of %d: %w", id, err)
	}
	for i := range out {
		if err := s.read.WithContext(ctx).Select("id, reference, company, full_name, status, created_at").
			Where("id = ?", out[i].Other.ID).Take(&out[i].Other).Error; err != nil {
			return nil, fmt.Errorf("duplicates of %d: %w", id, err)
		}
	}
	return out, nil
}

// DecideDuplicate records staff's decision on the pair of a and b: confirm
// marks the later a duplicate of the earlier (counted once in the
// reports); dismiss hides the pair for good. Both timelines say so.
func (s *Store) DecideDuplicate(ctx context.Context, a, b int64, confirm bool, by Actor) error {
	return s.Write(ctx, func(tx *Tx) error {
		var later, earlier Enquiry
		if err := tx.db.Where("id = ?", a).Take(&later).Error; err != nil {
			return ErrNotFound
		}
		if err := tx.db.Where("id = ?", b).Take(&earlier).Error; err != nil {
			return ErrNotFound
		}
		if later.CreatedAt.Before(earlier.CreatedAt) || later.CreatedAt.Equal(earlier.CreatedAt) && later.ID < earlier.ID {
			later, earlier = earlier, later
		}
		state, detail := DuplicateDismissed, "Not a duplicate of "
		if confirm {
			state, detail = DuplicateConfirmed, "Confirmed: duplicate of "
		}
		res := tx.db.Table("enquiry_duplicates").Where("enquiry_id = ? AND other_id = ? AND state = ?", later.ID, earlier.ID, DuplicatePossible).
			Update("state", state)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("no open pair of %s and %s: %w", later.Reference, earlier.Reference, ErrConflict)
		}
		if confirm {
			// Through the versioned write, so a colleague's change made
			// meanwhile is a conflict, not overwritten.
			markDuplicate := func(*Enquiry) (map[string]any, []Event, error) {
				return map[string]any{"duplicate_of": earlier.ID}, nil, nil
			}
			if _, err := tx.apply(later.ID, 0, by, markDuplicate); err != nil {
				return err
			}
		}

		other := "Not duplicated by " + later.Reference
		if confirm {
			other = "Confirmed: " + later.Reference + " duplicates it"
		}
		for _, ev := range []Event{{EnquiryID: later.ID, Detail: detail + earlier.Reference}, {EnquiryID: earlier.ID, Detail: other}} {
			ev.Kind, ev.Actor, ev.ActorID = EventDuplicate, by.Name, &by.ID
			if err := tx.AddEvent(ev); err != nil {
				return err
			}
		}
		return nil
	})
}
