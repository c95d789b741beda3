package demo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"iordesk/internal/demo"
	"iordesk/internal/store"
)

// TestDemoDataSurvivesRetention: the first start after demo-data applies
// the default retention (spam after 90 days) and must find nothing to
// delete, while the demo still has spam to look at.
func TestDemoDataSurvivesRetention(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
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
