package compliance

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ExchangeHeader is the header of `iordesk rules export` and `import`: the
// rules file's columns with the source's address in place of its key.
var ExchangeHeader = []string{"id", "destination", "categories", "when", "scheme", "authority", "summary", "severity",
	"local_entity", "lead_time", "source_url", "verified", "reviewed"}

// ExchangeRow is a rule as one row of an export.
func ExchangeRow(r *Rule) []string {
	return []string{r.ID, r.Destination, strings.Join(r.Categories, "|"), strings.Join(r.When, "+"), r.Scheme, r.Authority,
		r.Summary, r.Severity.String(), yes(r.LocalEntity), r.LeadTime, r.SourceURL, yes(r.Verified), r.Reviewed.Format(time.DateOnly)}
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// ParseExchangeRow reads one row of an import and checks it (see Check).
func ParseExchangeRow(row []string, isCountry, isCategory func(string) bool, now time.Time) (*Rule, error) {
	if len(row) != len(ExchangeHeader) {
		return nil, fmt.Errorf("%d columns, want %d", len(row), len(ExchangeHeader))
	}
	f := func(i int) string { return strings.TrimSpace(row[i]) }
	r := &Rule{ID: f(0), Destination: f(1), Categories: splitNonEmpty(f(2), "|"), When: splitNonEmpty(f(3), "+"),
		Scheme: f(4), Authority: f(5), Summary: f(6), LeadTime: f(9), SourceURL: f(10), Source: "import"}
	var err error
	if r.Severity, err = ParseSeverity(f(7)); err != nil {
		return nil, fmt.Errorf("%s: %w", r.ID, err)
	}
	if r.LocalEntity, err = yesNo(f(8)); err != nil {
		return nil, fmt.Errorf("%s: local_entity: %w", r.ID, err)
	}
	if r.Verified, err = yesNo(f(11)); err != nil {
		return nil, fmt.Errorf("%s: verified: %w", r.ID, err)
	}
	if r.Reviewed, err = time.Parse(time.DateOnly, f(12)); err != nil {
		return nil, fmt.Errorf("%s: reviewed: want YYYY-MM-DD", r.ID)
	}
	if err := Check(r, isCountry, isCategory, now); err != nil {
		return nil, fmt.Errorf("%s: %w", r.ID, err)
	}
	return r, nil
}

// Imported counts what an import did.
type Imported struct{ Added, Changed, Unchanged int }

// Import saves each rule that is new or differs from the one in force as
// a new version; rules in force that the file lacks stay (retire them on
// the rules page). changed hears each rule saved, and the version it
// replaces (nil for a new one).
func (b *Book) Import(ctx context.Context, rules []*Rule, changed func(r, before *Rule)) (Imported, error) {
	current := map[string]*Rule{}
	for _, r := range b.Rules().All() {
		current[r.ID] = r
	}
	var n Imported
	for _, r := range rules {
		before := current[r.ID]
		if before != nil && before.Describe() == r.Describe() {
			n.Unchanged++
			continue
		}
		if before != nil && before.SourceURL == r.SourceURL {
			r.Source = before.Source
		}
		if err := b.st.SaveRule(ctx, toRow(r), false); err != nil {
			return n, fmt.Errorf("save %s: %w", r.ID, err)
		}
		if before == nil {
			n.Added++
		} else {
			n.Changed++
		}
		changed(r, before)
	}
	return n, b.Reload(ctx)
}
