package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
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

// Rescreened is what a re-screen changed: the findings that appeared and
// went (by destination and rule), and the state before and after.
type Rescreened struct {
	Added, Removed []Finding
	Before, After  string
	Changed        bool
}

// Rescreen screens an enquiry again with screen (the rules in force now)
// and, when anything differs, replaces its findings and state and records
// the difference on its timeline, all in one write.
func (s *Store) Rescreen(ctx context.Context, id int64, by Actor, screen func(*Enquiry) ([]Finding, string)) (Rescreened, error) {
	var r Rescreened
	err := s.Write(ctx, func(tx *Tx) error {
		var e Enquiry
		if err := tx.db.Where("id = ?", id).Take(&e).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		old, err := tx.findings(id)
		if err != nil {
			return err
		}
		fresh, state := screen(&e)
		r = Rescreened{Added: missingFrom(fresh, old), Removed: missingFrom(old, fresh), Before: e.ComplianceState, After: state}
		r.Changed = len(r.Added)+len(r.Removed) > 0 || r.Before != r.After
		if !r.Changed {
			return nil
		}
		if _, err := tx.exec("delete-findings", id); err != nil {
			return err
		}
		if err := tx.InsertFindings(id, fresh); err != nil {
			return err
		}
		res := tx.db.Model(&Enquiry{}).Where("id = ? AND version = ?", id, e.Version).
			Updates(map[string]any{"compliance_state": state, "version": e.Version + 1, "updated_at": tx.now().UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("enquiry %s changed meanwhile: %w", e.Reference, ErrConflict)
		}
		return tx.AddEvent(Event{EnquiryID: id, Kind: EventRescreened, Actor: by.Name, ActorID: &by.ID, Detail: r.describe()})
	})
	return r, err
}

// missingFrom lists the findings of a that b lacks (same destination, rule
// and version).
func missingFrom(a, b []Finding) []Finding {
	var out []Finding
	for _, f := range a {
		found := false
		for _, g := range b {
			found = found || (f.Country == g.Country && f.ID == g.ID && f.Version == g.Version)
		}
		if !found {
			out = append(out, f)
		}
	}
	return out
}

// describe is the timeline's account of a re-screen.
func (r Rescreened) describe() string {
	var parts []string
	for _, f := range r.Added {
		parts = append(parts, fmt.Sprintf("+ %s: %s (%s v%d, %s)", f.Country, f.Scheme, f.ID, f.Version, f.Severity))
	}
	for _, f := range r.Removed {
		parts = append(parts, fmt.Sprintf("− %s: %s (%s v%d)", f.Country, f.Scheme, f.ID, f.Version))
	}
	before := r.Before
	if before == "" {
		before = "not screened"
	}
	return "Re-screened: state " + before + " → " + r.After + "; " + strings.Join(parts, "; ")
}

// findings reads an enquiry's findings inside a write.
func (tx *Tx) findings(enquiryID int64) ([]Finding, error) {
	rows, err := tx.query("findings-of-enquiry", enquiryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		if err := rows.Scan(append([]any{&f.Country}, f.targets()...)...); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// SaveRule stores a new version of a rule (a new rule's first), which the
// rules in force read from then on; retire ends the rule. Findings made
// with earlier versions keep them.
func (s *Store) SaveRule(ctx context.Context, r RuleRow, retire bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		var version int
		row, err := tx.queryRow("next-rule-version", r.ID)
		if err == nil {
			err = row.Scan(&version)
		}
		if err != nil {
			return err
		}
		_, err = tx.exec("insert-rule-version", r.ID, version, r.Destination, r.Categories, r.Conditions, r.Scheme, r.Authority,
			r.Summary, r.Severity, r.LocalEntity, r.LeadTime, r.Source, r.SourceURL, r.Verified, r.Reviewed, retire)
		// Two instances saving one rule at once: the second finds the
		// version taken.
		if err != nil && isUniqueViolation(err) {
			return fmt.Errorf("rule %s changed meanwhile: %w", r.ID, ErrConflict)
		}
		return err
	})
}
