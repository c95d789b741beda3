package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"iordesk/internal/testclock"
)

// TestRollupsEqualARecount drives thousands of random operations on each
// engine (intake, status changes with spam, line states and fees, bulk
// changes, confirmed duplicates, erasure, retention deleting spam, demo
// batches), with the clock moving across days and months, and after every
// batch compares every counter with a recount of the base tables, and the
// sums the dashboards read for random periods with the recount's days.
func TestRollupsEqualARecount(t *testing.T) {
	start := time.Date(2026, 1, 28, 9, 0, 0, 0, time.UTC)
	clock := testclock.New(start)
	backends(t, clock.Now, func(t *testing.T, s *Store) {
		clock.Set(start)
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(7, 11))
		manager := &User{Email: "m@example.com", Name: "Manager", Role: RoleManager, PasswordHash: "x"}
		if err := s.CreateUser(ctx, manager); err != nil {
			t.Fatal(err)
		}
		by := Actor{ID: manager.ID, Name: manager.Name}
		countries := []string{"DE", "FR", "BR", "IN", "US", "JP"}
		pick := func(n int) []string {
			out := []string{}
			for _, i := range rng.Perm(len(countries))[:n] {
				out = append(out, countries[i])
			}
			return out
		}
		var ids []int64
		randomID := func() int64 { return ids[rng.IntN(len(ids))] }
		version := func(id int64) int64 {
			e, err := s.EnquiryByID(ctx, id)
			if errors.Is(err, ErrNotFound) {
				return -1
			}
			if err != nil {
				t.Fatal(err)
			}
			return e.Version
		}
		refs := 0
		newEnquiry := func() *Enquiry {
			refs++
			e := sampleEnquiry(fmt.Sprintf("ENQ-R%07d", refs))
			e.Service = []string{"ior", "eor", "not_sure"}[rng.IntN(3)]
			e.ProductCategory = []string{"servers_datacentre", "telecom", "medical"}[rng.IntN(3)]
			e.OriginCountry = []string{"US", "CN", "GB"}[rng.IntN(3)]
			e.Email = fmt.Sprintf("p%d@example.com", rng.IntN(20))
			e.UTMSource, e.UTMCampaign = []string{"", "google", "linkedin"}[rng.IntN(3)], []string{"", "spring", "fair 2026"}[rng.IntN(3)]
			e.Language = []string{"", "en", "es", "zh-Hans"}[rng.IntN(4)] // "": a caller that names none
			return e
		}
		ops := []func() error{
			func() error { // intake
				e := newEnquiry()
				return s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(e, pick(1+rng.IntN(3))) })
			},
			func() error { // a status, spam included
				id := randomID()
				status := []string{StatusTriaged, StatusQuoted, StatusWon, StatusLost, StatusSpam, StatusNew}[rng.IntN(6)]
				return s.ChangeStatus(ctx, id, version(id), status, by, "a manager's reason")
			},
			func() error { // a line's state and fee
				id := randomID()
				e, err := s.EnquiryByID(ctx, id)
				if err != nil {
					return err
				}
				edit := LineEdit{Country: e.Destinations[rng.IntN(len(e.Destinations))], State: LineStates[rng.IntN(len(LineStates))],
					Release: "a manager's reason"}
				if rng.IntN(2) == 0 {
					fee := int64(rng.IntN(100000))
					edit.SetFee, edit.FeeCents, edit.FeeCurrency = true, &fee, []string{"EUR", "USD"}[rng.IntN(2)]
				} else if rng.IntN(3) == 0 {
					edit.SetFee = true
				}
				if rng.IntN(3) == 0 {
					edit.SetAssignee, edit.Assignee = true, []*User{nil, manager}[rng.IntN(2)]
				}
				_, err = s.UpdateLines(ctx, id, e.Version, []LineEdit{edit}, by)
				return err
			},
			func() error { // several at once
				_, err := s.ChangeStatusOfMany(ctx, []int64{randomID(), randomID(), randomID()}, StatusContacted, by)
				return err
			},
			func() error { // given to someone, or to nobody
				id := randomID()
				var to *User
				if rng.IntN(2) == 0 {
					to = manager
				}
				return s.Assign(ctx, id, version(id), to, by)
			},
			func() error { // a confirmed duplicate, where the pair was found
				return s.DecideDuplicate(ctx, randomID(), randomID(), rng.IntN(2) == 0, by)
			},
			func() error { // erasure: the counts by source move
				_, err := s.ErasePerson(ctx, fmt.Sprintf("p%d@example.com", rng.IntN(20)), by)
				return err
			},
			func() error { // retention deletes old spam
				_, _, err := s.ApplyRetention(ctx, 24*time.Hour, 0)
				return err
			},
			func() error { // a demo batch, statuses and lines as made up
				batch := make([]DemoEnquiry, 3)
				for i := range batch {
					e := newEnquiry()
					e.Status = []string{StatusNew, StatusQuoted, StatusWon, StatusLost, StatusSpam}[rng.IntN(5)]
					e.CreatedAt = clock.Now().Add(-time.Duration(rng.IntN(90*24)) * time.Hour)
					e.UpdatedAt, e.Destinations = e.CreatedAt, CountryCodes(pick(1+rng.IntN(2)))
					batch[i] = DemoEnquiry{Enquiry: *e}
				}
				return s.InsertDemo(ctx, batch)
			},
		}
		weights := []int{30, 20, 20, 5, 8, 8, 2, 3, 4}
		var total int
		for _, w := range weights {
			total += w
		}
		const batches, perBatch = 12, 100
		for b := range batches {
			for range perBatch {
				clock.Advance(time.Duration(rng.IntN(14)) * time.Hour)
				op, r := 0, rng.IntN(total)
				for r >= weights[op] {
					r -= weights[op]
					op++
				}
				if len(ids) == 0 {
					op = 0
				}
				if err := ops[op](); err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) &&
					!errors.Is(err, ErrInvalid) && !errors.Is(err, ErrComplianceHold) {
					t.Fatalf("batch %d, operation %d: %v", b, op, err)
				}
				ids = ids[:0]
				if err := s.read.Model(&Enquiry{}).Order("id").Pluck("id", &ids).Error; err != nil {
					t.Fatal(err)
				}
			}
			diff, err := s.CheckRollups(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(diff) > 0 {
				t.Fatalf("after batch %d, %d counters differ from a recount; first: %s", b, len(diff), diff[0])
			}
			checkPeriods(t, s, rng, clock.Now())
			checkListCounts(t, s, manager.ID)
		}
		kept, err := s.readCounters(ctx, "kept", s.queries.sql("all-rollups"))
		if err != nil || len(kept) < 200 {
			t.Fatalf("only %d counters after the run: proves little (%v)", len(kept), err)
		}
	})
}

// checkPeriods compares what the dashboards read for random periods of
// whole days (months whole and cut) with the recount's days summed.
func checkPeriods(t *testing.T, s *Store, rng *rand.Rand, now time.Time) {
	t.Helper()
	ctx := context.Background()
	recount, err := s.readCounters(ctx, "recount", s.queries.text["recount"])
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	days := int(now.Sub(first).Hours()/24) + 2
	for range 5 {
		from := first.AddDate(0, 0, rng.IntN(days))
		to := from.AddDate(0, 0, rng.IntN(days))
		for _, dim := range []string{rollLine, rollStatus, rollFee, rollUnassigned, rollAgent, rollAgentLine, rollSource, rollValue} {
			got, err := s.rollupSums(ctx, dim, from, to)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]RollupSum{}
			f, e := from.Format(time.DateOnly), to.Format(time.DateOnly)
			for c, v := range recount {
				if c.dim == dim && c.grain == grainDay && c.period >= f && c.period < e {
					r := want[c.key]
					r.Key, r.N, r.Amount = c.key, r.N+v.n, r.Amount+v.amount
					want[c.key] = r
				}
			}
			for k, r := range want {
				if r.N == 0 && r.Amount == 0 {
					delete(want, k)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s over [%s, %s): read %v, recount %v", dim, f, e, got, want)
			}
		}
	}
}

func TestSplitPeriod(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, c := range []struct {
		from, to string
		want     [6]string
	}{
		{"2026-01-15", "2026-04-10", [6]string{"2026-02", "2026-04", "2026-01-15", "2026-02-01", "2026-04-01", "2026-04-10"}},
		{"2026-01-01", "2026-03-01", [6]string{"2026-01", "2026-03", "2026-01-01", "2026-01-01", "2026-03-01", "2026-03-01"}},
		{"2026-01-15", "2026-01-20", [6]string{"", "", "2026-01-15", "2026-01-20", "", ""}},
		{"2026-01-15", "2026-02-03", [6]string{"", "", "2026-01-15", "2026-02-03", "", ""}},
		{"0001-01-01", "9999-01-01", [6]string{"0001-01", "9999-01", "0001-01-01", "0001-01-01", "9999-01-01", "9999-01-01"}},
	} {
		if got := splitPeriod(day(c.from), day(c.to)); got != c.want {
			t.Errorf("[%s, %s): %v, want %v", c.from, c.to, got, c.want)
		}
	}
}

// checkListCounts compares the list's counts read from the rollups with
// the rows counted in the base tables, for each filter they answer.
func checkListCounts(t *testing.T, s *Store, assignee int64) {
	t.Helper()
	ctx := context.Background()
	filters := []Filter{{}, {Status: "open"}, {AssigneeID: assignee}, {Unassigned: true}, {Service: "eor"}, {Category: "telecom"}}
	for _, c := range []string{"DE", "FR", "JP"} {
		filters = append(filters, Filter{Country: c})
	}
	for _, st := range append(slices.Clone(OpenStatuses), StatusWon, StatusLost, StatusSpam) {
		filters = append(filters, Filter{Status: st})
	}
	for _, f := range filters {
		rolled, ok, err := s.rolledCount(ctx, f)
		if err != nil || !ok {
			t.Fatalf("%+v: not counted from the rollups (%v)", f, err)
		}
		rows, err := s.countRows(ctx, f, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if rolled != rows {
			t.Fatalf("%+v: the rollups count %d, the rows %d", f, rolled, rows)
		}
	}
	if _, ok, _ := s.rolledCount(ctx, Filter{Country: "DE", Status: "won"}); ok {
		t.Fatal("two conditions counted from the rollups")
	}
}
