package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"iordesk/internal/pgtest"
)

// columnsSince13 are the enquiries' columns of migrations after 0013, which
// a test building an older schema leaves out.
var columnsSince13 = []string{"desk", "respond_by", "first_response_at", "first_response_by", "duplicate_of", "awaiting_reply_since", "language"}

// onEngines runs fn on an empty, unmigrated store of each engine.
func onEngines(t *testing.T, fn func(t *testing.T, s *Store)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "old.db")
			if engine == "postgres" {
				dsn = pgtest.DSN(t)
			}
			s, err := Open(dsn, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			fn(t, s)
		})
	}
}

// TestDestinationsMigrationKeepsEveryDestination builds the schema before
// migration 0007 with enquiries in it, migrates, and checks each enquiry's
// codes on its row (in the prospect's order) and every destination in the
// table keyed by country.
func TestDestinationsMigrationKeepsEveryDestination(t *testing.T) {
	onEngines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.migrateUpTo(ctx, 6); err != nil {
			t.Fatal(err)
		}
		// Two enquiries as the old schema stored them.
		for i, countries := range [][]string{{"JP", "DE", "BR"}, {"US"}} {
			e := sampleEnquiry([]string{"ENQ-OLD00001", "ENQ-OLD00002"}[i])
			e.Status, e.Version, e.CreatedAt, e.UpdatedAt = StatusNew, 1, e.ConsentAt, e.ConsentAt
			if err := s.write.Omit(append(columnsSince13, "destinations", "end_user_hq_country", "compliance_state", "follow_up_on")...).Create(e).Error; err != nil {
				t.Fatal(err)
			}
			for pos, c := range countries {
				err := s.write.Exec("INSERT INTO enquiry_destinations (enquiry_id, position, country, created_at) VALUES (?, ?, ?, ?)",
					e.ID, pos, c, e.CreatedAt).Error
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if applied, err := s.migrateUpTo(ctx, 7); err != nil || len(applied) != 1 {
			t.Fatalf("migrate: %v, %v", applied, err)
		}
		for ref, want := range map[string]string{"ENQ-OLD00001": "JP DE BR", "ENQ-OLD00002": "US"} {
			e, err := s.EnquiryByReference(ctx, ref)
			if err != nil || strings.Join(e.Destinations, " ") != want {
				t.Fatalf("%s: %q, %v", ref, e.Destinations, err)
			}
		}
		// The list reads columns of later migrations.
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for country, want := range map[string]int{"JP": 1, "DE": 1, "BR": 1, "US": 1, "FR": 0} {
			rows, _, err := s.ListEnquiries(ctx, Filter{Country: country})
			if err != nil || len(rows) != want {
				t.Fatalf("%s: %d rows, %v", country, len(rows), err)
			}
		}
		// Migration 0026 indexed the enquiries it found for search.
		if rows, _, err := s.ListEnquiries(ctx, Filter{Query: "lovelace rack*"}); err != nil || len(rows) != 2 {
			t.Fatalf("search after migration: %d rows, %v", len(rows), err)
		}
	})
}

// TestLinesMigrationTakesWonAndLost builds the schema before migration 0013
// with enquiries of every status, migrates, and checks that each
// destination became a line: open, or won or lost with its enquiry.
func TestLinesMigrationTakesWonAndLost(t *testing.T) {
	onEngines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.migrateUpTo(ctx, 12); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for i, status := range []string{StatusNew, StatusQuoted, StatusWon, StatusLost, StatusSpam} {
			e := sampleEnquiry(fmt.Sprintf("ENQ-LINE000%d", i))
			countries := []string{"DE", "BR", "IN"}[:1+i%3]
			// As the schema of 0012 stored it.
			e.Status, e.Version, e.CreatedAt, e.UpdatedAt, e.Destinations = status, 1, e.ConsentAt, e.ConsentAt, countries
			if err := s.write.Omit(columnsSince13...).Create(e).Error; err != nil {
				t.Fatal(err)
			}
			for _, c := range countries {
				err := s.write.Exec("INSERT INTO enquiry_destinations (country, created_at, enquiry_id) VALUES (?, ?, ?)", c, e.CreatedAt, e.ID).Error
				if err != nil {
					t.Fatal(err)
				}
			}
			line := LineOpen
			if status == StatusWon || status == StatusLost {
				line = status
			}
			want[e.Reference] = strings.TrimSpace(strings.Repeat(line+" ", len(countries)))
		}
		if applied, err := s.migrateUpTo(ctx, 13); err != nil || len(applied) != 1 {
			t.Fatalf("migrate: %v, %v", applied, err)
		}
		for ref, states := range want {
			e, err := s.EnquiryByReference(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			lines, err := s.Lines(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range lines {
				if l.FeeCents != nil || l.AssigneeID != nil {
					t.Fatalf("%s: a migrated line has a fee or an assignee: %+v", ref, l)
				}
				got = append(got, l.State)
			}
			if strings.Join(got, " ") != states {
				t.Errorf("%s (%s): lines %v, want %s", ref, e.Status, got, states)
			}
		}
	})
}
