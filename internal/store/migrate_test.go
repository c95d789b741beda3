package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"iordesk/internal/pgtest"
)

// TestDestinationsMigrationKeepsEveryDestination builds the schema before
// migration 0007 with enquiries in it, migrates, and checks each enquiry's
// codes on its row (in the prospect's order) and every destination in the
// table keyed by country.
func TestDestinationsMigrationKeepsEveryDestination(t *testing.T) {
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
			ctx := context.Background()
			if _, err := s.migrateUpTo(ctx, 6); err != nil {
				t.Fatal(err)
			}
			// Two enquiries as the old schema stored them.
			for i, countries := range [][]string{{"JP", "DE", "BR"}, {"US"}} {
				e := sampleEnquiry([]string{"ENQ-OLD00001", "ENQ-OLD00002"}[i])
				e.Status, e.Version, e.CreatedAt, e.UpdatedAt = StatusNew, 1, e.ConsentAt, e.ConsentAt
				if err := s.write.Omit("destinations", "end_user_hq_country", "compliance_state", "follow_up_on").Create(e).Error; err != nil {
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
		})
	}
}
