package store

import (
	"context"
	"fmt"
)

// Finding is one result of the compliance pre-screen for one destination
// of an enquiry, kept as the rule said it when the enquiry was screened.
type Finding struct {
	Country     string
	RuleID      string
	RuleVersion int
	Severity    string // info, action, hold, block
	Scheme      string
	Authority   string
	Summary     string
	LocalEntity bool
	LeadTime    string
	SourceURL   string
	Verified    bool
	Reviewed    string // YYYY-MM-DD
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

// InsertFindings stores an enquiry's findings.
func (tx *Tx) InsertFindings(enquiryID int64, findings []Finding) error {
	for _, f := range findings {
		_, err := tx.exec("insert-finding", enquiryID, f.Country, f.RuleID, f.RuleVersion, f.Severity, f.Scheme,
			f.Authority, f.Summary, f.LocalEntity, f.LeadTime, f.SourceURL, f.Verified, f.Reviewed)
		if err != nil {
			return fmt.Errorf("insert finding %s for %s: %w", f.RuleID, f.Country, err)
		}
	}
	return nil
}

// FindingsFor lists an enquiry's findings by destination, the most severe
// first.
func (s *Store) FindingsFor(ctx context.Context, enquiryID int64) ([]Finding, error) {
	var out []Finding
	err := s.scanRows(s.dialect.rowContext(ctx), "findings-of-enquiry", []any{enquiryID}, func(scan func(...any) error) error {
		var f Finding
		if err := scan(&f.Country, &f.RuleID, &f.RuleVersion, &f.Severity, &f.Scheme, &f.Authority, &f.Summary,
			&f.LocalEntity, &f.LeadTime, &f.SourceURL, &f.Verified, &f.Reviewed); err != nil {
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
