package demo_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"iordesk/internal/demo"
	"iordesk/internal/store"
)

// newStore is an empty, migrated SQLite book.
func newStore(t *testing.T) *store.Store {
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestDemoDataSurvivesRetention: the first start after demo-data applies
// the default retention (spam after 90 days) and must find nothing to
// delete, while the demo still has spam to look at.
func TestDemoDataSurvivesRetention(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	if err := demo.Generate(ctx, st, 3000, time.Now(), 1, nil); err != nil {
		t.Fatal(err)
	}
	spam, err := st.CountEnquiriesUpTo(ctx, store.Filter{Status: "spam"}, 10000)
	if err != nil || spam == 0 {
		t.Fatalf("demo spam: %d %v", spam, err)
	}
	deleted, _, err := st.ApplyRetention(ctx, 90*24*time.Hour, 0)
	if err != nil || deleted != 0 {
		t.Fatalf("retention deleted %d demo enquiries (%v)", deleted, err)
	}
}

// Demo enquiries past "new" carry the timeline that got them there, by the
// staff accounts, so the reports' response times are computed from the
// same enquiries as their conversion.
func TestDemoDataHasTriageHistories(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	agent := &store.User{Email: "agent@ior.example", Name: "Agent", Role: store.RoleAgent, PasswordHash: "x"}
	if err := st.CreateUser(ctx, agent); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	if err := demo.Generate(ctx, st, 2000, now, 3, nil); err != nil {
		t.Fatal(err)
	}
	rows, _, err := st.ListEnquiries(ctx, store.Filter{Status: "", Limit: 2000})
	if err != nil {
		t.Fatal(err)
	}
	past, planned := 0, 0
	for _, r := range rows {
		events, err := st.Events(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The timeline ends at the enquiry's status, by way of the statuses
		// before it.
		status := store.StatusNew
		for _, ev := range events[1:] {
			if ev.CreatedAt.Before(r.CreatedAt) || ev.CreatedAt.After(now) || ev.ActorID == nil || *ev.ActorID != agent.ID {
				t.Fatalf("%s: event %+v outside its life or by nobody", r.Reference, ev)
			}
			if ev.Kind == store.EventStatusChanged {
				from, to, _ := strings.Cut(ev.Detail, " → ")
				if from != status {
					t.Fatalf("%s: %q after status %s", r.Reference, ev.Detail, status)
				}
				status = to
			}
		}
		if status != r.Status {
			t.Fatalf("%s is %s, its timeline says %s", r.Reference, r.Status, status)
		}
		if r.Status != store.StatusNew {
			past++
		}
		if r.FollowUpOn != "" {
			planned++
		}
	}
	rep, err := st.Report(ctx, now.AddDate(-3, 0, 0), now)
	if err != nil {
		t.Fatal(err)
	}
	if past < 1000 || planned == 0 || rep.Responded < int64(past)*9/10 {
		t.Fatalf("%d past new, %d with a next action, %d with a first response", past, planned, rep.Responded)
	}
	if median := rep.ResponseQuantile(0.5); median < time.Hour || median > 8*time.Hour {
		t.Fatalf("median first response %s", median)
	}
}
