package compliance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"iordesk/internal/store"
)

// Load gives a new database the seed's rules, then reads the rules in
// force from the database: those are what screening uses.
func Load(ctx context.Context, st *store.Store) (*Rules, error) {
	seed, err := Seed()
	if err != nil {
		return nil, err
	}
	rows := make([]store.RuleRow, len(seed.All()))
	for i, r := range seed.All() {
		rows[i] = toRow(r)
	}
	if _, err := st.SeedRules(ctx, rows); err != nil {
		return nil, fmt.Errorf("seed compliance rules: %w", err)
	}
	b := &Book{st: st}
	if err := b.Reload(ctx); err != nil {
		return nil, err
	}
	return b.Rules(), nil
}

func toRow(r *Rule) store.RuleRow {
	return store.RuleRow{ID: r.ID, Version: r.Version, Destination: r.Destination, Categories: strings.Join(r.Categories, "|"),
		Conditions: strings.Join(r.When, "+"), Scheme: r.Scheme, Authority: r.Authority, Summary: r.Summary,
		Severity: r.Severity.String(), LocalEntity: r.LocalEntity, LeadTime: r.LeadTime, Source: r.Source,
		SourceURL: r.SourceURL, Verified: r.Verified, Reviewed: r.Reviewed.Format(time.DateOnly)}
}

func fromRow(row store.RuleRow) (*Rule, error) {
	severity, err := ParseSeverity(row.Severity)
	if err != nil {
		return nil, err
	}
	reviewed, err := time.Parse(time.DateOnly, row.Reviewed)
	if err != nil {
		return nil, err
	}
	return &Rule{ID: row.ID, Version: row.Version, Destination: row.Destination, Categories: splitNonEmpty(row.Categories, "|"),
		When: splitNonEmpty(row.Conditions, "+"), Scheme: row.Scheme, Authority: row.Authority, Summary: row.Summary,
		Severity: severity, LocalEntity: row.LocalEntity, LeadTime: row.LeadTime, Source: row.Source, SourceURL: row.SourceURL,
		Verified: row.Verified, Reviewed: reviewed}, nil
}

// Stored is a finding as the store keeps it: the rule and version that
// applied to a destination.
func Stored(destination string, f Finding) store.Finding {
	return store.Finding{Country: destination, RuleRow: toRow(&f.Rule)}
}
