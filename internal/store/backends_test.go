package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"iordesk/internal/testclock"
)

// TestEveryFeatureOnBothBackends drives the store's features on SQLite and
// on PostgreSQL with the same assertions.
func TestEveryFeatureOnBothBackends(t *testing.T) {
	start := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	clock := testclock.New(start)
	now, advance := clock.Now, clock.Advance
	backends(t, now, func(t *testing.T, s *Store) {
		clock.Set(start) // each backend from the same start
		ctx := context.Background()
		// Intake: challenge, enquiry, destinations, event, outbox in one write.
		if err := s.Write(ctx, func(tx *Tx) error {
			return tx.CreateChallenge(Challenge{ID: "C1", Digits: "123456", ExpiresAt: now().Add(10 * time.Minute)})
		}); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i, countries := range [][]string{{"DE", "FR"}, {"JP"}, {"DE"}} {
			e := sampleEnquiry(fmt.Sprintf("ENQ-BOTH%04d", i))
			e.Email = fmt.Sprintf("Person%d@Example.com", i)
			err := s.Write(ctx, func(tx *Tx) error {
				if i == 0 {
					c, err := tx.ConsumeChallenge("C1")
					if err != nil || c.Digits != "123456" || !c.ExpiresAt.Equal(now().Add(10*time.Minute)) {
						return fmt.Errorf("consume: %+v %v", c, err)
					}
				}
				if err := tx.InsertEnquiry(e, countries); err != nil {
					return err
				}
				return tx.EnqueueMail(e.ID, MailDeskNotification, MailAcknowledgement)
			})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
			advance(time.Hour)
		}
		if err := s.Write(ctx, func(tx *Tx) error { _, err := tx.ConsumeChallenge("C1"); return err }); !errors.Is(err, ErrNotFound) {
			t.Fatalf("replayed challenge: %v", err)
		}
		if err := s.Write(ctx, func(tx *Tx) error { return tx.InsertEnquiry(sampleEnquiry("ENQ-BOTH0000"), []string{"DE"}) }); !errors.Is(err, ErrConflict) {
			t.Fatalf("duplicate reference: %v", err)
		}
		e, err := s.EnquiryByReference(ctx, "ENQ-BOTH0000")
		if err != nil || strings.Join(e.Destinations, ",") != "DE,FR" {
			t.Fatalf("read back: %+v %v", e, err)
		}

		// The list, its filters and its count.
		refs := func(f Filter) string {
			rows, _, err := s.ListEnquiries(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, r.Reference[len(r.Reference)-1:]+"/"+strings.Join(r.Destinations, "+"))
			}
			return strings.Join(out, " ")
		}
		for name, tc := range map[string]struct {
			f    Filter
			want string
		}{
			"all, newest first":   {Filter{}, "2/DE 1/JP 0/DE+FR"},
			"oldest first":        {Filter{Oldest: true}, "0/DE+FR 1/JP 2/DE"},
			"country":             {Filter{Country: "DE"}, "2/DE 0/DE+FR"},
			"free text, any case": {Filter{Query: "person1@example"}, "1/JP"},
			"literal percent":     {Filter{Query: "%"}, ""},
			"reference":           {Filter{Query: "enq-both0002"}, "2/DE"},
			"dates":               {Filter{From: now().Add(-2 * time.Hour)}, "2/DE 1/JP"},
		} {
			if got := refs(tc.f); got != tc.want {
				t.Errorf("%s: %q, want %q", name, got, tc.want)
			}
		}
		if n, err := s.CountEnquiriesUpTo(ctx, Filter{Country: "DE"}, 1000); err != nil || n != 2 {
			t.Errorf("count: %d %v", n, err)
		}

		// Staff changes, versions, notes.
		u := &User{Email: "Agent@Example.com", Name: "Agent", Role: RoleAgent, PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if got, err := s.UserByEmail(ctx, "agent@example.COM"); err != nil || got.ID != u.ID {
			t.Fatalf("user by email: %v", err)
		}
		by := Actor{ID: u.ID, Name: u.Name}
		if err := s.ChangeStatus(ctx, ids[0], 1, StatusWon, by, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.ChangeStatus(ctx, ids[0], 1, StatusLost, by, ""); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale version: %v", err)
		}
		advance(30 * time.Minute)
		if err := s.Assign(ctx, ids[1], 1, u, by); err != nil {
			t.Fatal(err)
		}
		if err := s.ChangeStatus(ctx, ids[1], 0, StatusLost, by, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.AddNote(ctx, ids[1], "called", by); err != nil {
			t.Fatal(err)
		}
		if rows := refs(Filter{AssigneeID: u.ID}); rows != "1/JP" {
			t.Errorf("assignee filter: %q", rows)
		}

		// Overview and report.
		o, err := s.Overview(ctx, time.Time{}, time.Time{})
		if err != nil || o.Total != 3 || len(o.ByWeek) != 1 || o.ByWeek[0].Key != "2026-11-30" {
			t.Fatalf("overview: %+v %v", o, err)
		}
		r, err := s.Report(ctx, time.Time{}, time.Time{})
		if err != nil || r.Won != 1 || r.Lost != 1 || len(r.ByMonth) != 1 || r.ByMonth[0].Key != "2026-11" || len(r.FirstResponse) != 2 {
			t.Fatalf("report: %+v %v", r, err)
		}
		// Enquiry 0: created 10:00, won 13:00; enquiry 1: created 11:00, assigned 13:30.
		if got := r.ResponseQuantile(1); got != 3*time.Hour {
			t.Errorf("slowest first response %s", got)
		}

		// Export rows.
		var exported []string
		err = s.ExportEnquiries(ctx, Filter{}, func(r *ExportRow) error {
			exported = append(exported, r.Reference+" "+r.CreatedAt+" "+strings.Join(r.Destinations, "+")+" "+fmt.Sprint(r.ShipmentValueCents))
			return nil
		})
		if err != nil || len(exported) != 3 || exported[2] != "ENQ-BOTH0000 2026-11-30 10:00:00 DE+FR 1250000" {
			t.Fatalf("export: %q %v", exported, err)
		}

		// Mail: leased once each, outcomes recorded (two workers on two
		// stores: TestLeasesDoNotOverlapAcrossStores).
		leased, err := s.LeaseMail(ctx, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, m := range leased {
			if seen[m.ID] {
				t.Fatalf("message %d leased twice", m.ID)
			}
			seen[m.ID] = true
			if err := s.RecordMail(ctx, m, MailOutcome{Sent: true, Recipients: "x@example.com"}); err != nil {
				t.Fatal(err)
			}
		}
		if len(seen) != 6 {
			t.Fatalf("%d messages leased, want 6", len(seen))
		}
		if st, err := s.OutboxStats(ctx); err != nil || st.Pending != 0 {
			t.Fatalf("outbox %+v %v", st, err)
		}

		// Sessions, routing, jobs, digests, audit.
		if err := s.CreateSession(ctx, Session{TokenHash: "h", UserID: u.ID, CreatedAt: now(), LastSeenAt: now(), ExpiresAt: now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, got, err := s.SessionByHash(ctx, "h"); err != nil || got.ID != u.ID {
			t.Fatalf("session: %v", err)
		}
		if _, err := s.AddRoutingRule(ctx, "EU", "eu@example.com"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddRoutingRule(ctx, "EU", "eu@example.com"); !errors.Is(err, ErrConflict) {
			t.Fatalf("duplicate rule: %v", err)
		}
		boss := &User{Email: "boss@example.com", Name: "Boss", Role: RoleManager, PasswordHash: "x"}
		s.CreateUser(ctx, boss)
		s.SetWeeklyDigest(ctx, boss.ID, true)
		var queued int64
		claimed, err := s.ClaimJob(ctx, "weekly", now(), func(tx *Tx) (err error) { queued, err = tx.EnqueueDigests(MailWeeklyDigest); return err })
		if err != nil || !claimed || queued != 1 {
			t.Fatalf("claim: %v %v %d", claimed, err, queued)
		}
		if claimed, _ := s.ClaimJob(ctx, "weekly", now(), func(*Tx) error { return nil }); claimed {
			t.Fatal("job claimed twice for one slot")
		}
		if err := s.Audit(ctx, AuditEntry{Action: AuditExport, Detail: "x"}); err != nil {
			t.Fatal(err)
		}

		// Privacy: erasure by email in any case, retention.
		if n, err := s.ErasePerson(ctx, "PERSON2@example.com", by); err != nil || n != 1 {
			t.Fatalf("erase: %d %v", n, err)
		}
		advance(400 * 24 * time.Hour)
		if _, anon, err := s.ApplyRetention(ctx, 0, 365*24*time.Hour); err != nil || anon != 2 {
			t.Fatalf("retention: %d %v", anon, err)
		}
		var names []string
		for _, id := range ids {
			e, _ := s.EnquiryByID(ctx, id)
			names = append(names, e.FullName)
		}
		sort.Strings(names)
		if strings.Join(names, ",") != "(erased),(erased),(erased)" {
			t.Fatalf("after erasure and retention: %v", names)
		}
		if n, err := s.PurgeExpiredChallenges(ctx); err != nil || n != 0 {
			t.Fatalf("purge: %d %v", n, err)
		}
	})
}
