package store

import (
	"context"
	"fmt"
)

// RuleRow is one version of a compliance rule as stored (the compliance
// package gives it meaning).
type RuleRow struct {
	ID          string
	Version     int
	Destination string // codes or groups joined by |
	Categories  string // product categories joined by |
	Conditions  string // conditions joined by +
	Scheme      string
	Authority   string
	Summary     string
	Severity    string // info, action, hold, block
	LocalEntity bool
	LeadTime    string
	Source      string // the source's key
	SourceURL   string
	Verified    bool
	Reviewed    string // YYYY-MM-DD
}

// Finding is one rule that applied to one destination of an enquiry, with
// the rule's text in the version that applied.
type Finding struct {
	Country string
	RuleRow
}

// Compliance states of an enquiry: its most severe finding, clear when
// there is none above info; "" for enquiries received before the
// pre-screen.
const (
	ComplianceClear  = "clear"
	ComplianceAction = "action"
	ComplianceHold   = "hold"
	ComplianceBlock  = "block"
)

// ComplianceStates are the states a filter may ask for, mildest first.
var ComplianceStates = []string{ComplianceClear, ComplianceAction, ComplianceHold, ComplianceBlock}

// SeedRules stores rows as the rules when there are none yet (a new
// database), and returns how many it stored. Instances starting together
// on one PostgreSQL insert each row once.
func (s *Store) SeedRules(ctx context.Context, rows []RuleRow) (int, error) {
	stored := 0
	err := s.Write(ctx, func(tx *Tx) error {
		var n int64
		row, err := tx.queryRow("count-rules")
		if err == nil {
			err = row.Scan(&n)
		}
		if err != nil || n > 0 {
			return err
		}
		for _, r := range rows {
			if _, err := tx.exec("insert-rule", r.ID, r.Version, r.Destination, r.Categories, r.Conditions, r.Scheme,
				r.Authority, r.Summary, r.Severity, r.LocalEntity, r.LeadTime, r.Source, r.SourceURL, r.Verified, r.Reviewed); err != nil {
				return fmt.Errorf("seed rule %s: %w", r.ID, err)
			}
			stored++
		}
		return nil
	})
	return stored, err
}

// CurrentRules lists the newest version of every rule not retired.
func (s *Store) CurrentRules(ctx context.Context) ([]RuleRow, error) {
	var out []RuleRow
	err := s.scanRows(ctx, "current-rules", []any{false}, func(scan func(...any) error) error {
		var r RuleRow
		if err := scan(r.targets()...); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read compliance rules: %w", err)
	}
	return out, nil
}

// targets are a rule's columns in the order the query files select them.
func (r *RuleRow) targets() []any {
	return []any{&r.ID, &r.Version, &r.Destination, &r.Categories, &r.Conditions, &r.Scheme, &r.Authority, &r.Summary,
		&r.Severity, &r.LocalEntity, &r.LeadTime, &r.Source, &r.SourceURL, &r.Verified, &r.Reviewed}
}

// InsertFindings stores an enquiry's findings: the rule and version that
// applied to each destination.
func (tx *Tx) InsertFindings(enquiryID int64, findings []Finding) error {
	for _, f := range findings {
		if _, err := tx.exec("insert-finding", enquiryID, f.Country, f.ID, f.Version); err != nil {
			return fmt.Errorf("insert finding %s for %s: %w", f.ID, f.Country, err)
		}
	}
	return nil
}

// FindingsFor lists an enquiry's findings by destination, the most severe
// first, each with its rule's text as it was in the version that applied.
func (s *Store) FindingsFor(ctx context.Context, enquiryID int64) ([]Finding, error) {
	var out []Finding
	err := s.scanRows(s.dialect.rowContext(ctx), "findings-of-enquiry", []any{enquiryID}, func(scan func(...any) error) error {
		var f Finding
		if err := scan(append([]any{&f.Country}, f.targets()...)...); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("findings of enquiry %d: %w", enquiryID, err)
	}
	return out, nil
}
