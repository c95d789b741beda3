package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"iordesk/internal/money"
)

// States of a destination line: each destination of an enquiry is its own
// piece of work, with its own answer.
const (
	LineOpen               = "open"
	LineFeasible           = "feasible"
	LineNeedsCertification = "needs_certification"
	LineNotServiceable     = "not_serviceable"
	LineQuoted             = "quoted"
	LineWon                = "won"
	LineLost               = "lost"
)

// LineStates are the line states in the order of a line's life.
var LineStates = []string{LineOpen, LineFeasible, LineNeedsCertification, LineNotServiceable, LineQuoted, LineWon, LineLost}

// Line is one destination of an enquiry as a line of work.
type Line struct {
	Country string
	State   string
	// FeeCents and FeeCurrency are the fee quoted for this destination;
	// FeeCents nil when none is.
	FeeCents    *int64
	FeeCurrency string
	// AssigneeID is who works on the line; nil: the enquiry's assignee.
	AssigneeID *int64
}

// LineEdit changes one line; the zero value of each part keeps it as is.
type LineEdit struct {
	Country string
	State   string // "" keeps the state
	// Release is a manager's reason to quote or win a line whose
	// destination the compliance pre-screen holds or blocks.
	Release string
	// SetFee replaces the fee with FeeCents/FeeCurrency (nil: no fee).
	SetFee      bool
	FeeCents    *int64
	FeeCurrency string
	// SetAssignee replaces the assignee with Assignee (nil: the enquiry's).
	SetAssignee bool
	Assignee    *User
	Note        string // "" adds none
}

// Lines reads an enquiry's lines in the order of its destinations. Each is
// found through the destinations' key (country, created_at, enquiry_id).
func (s *Store) Lines(ctx context.Context, e *Enquiry) ([]Line, error) {
	out := make([]Line, 0, len(e.Destinations))
	for _, country := range e.Destinations {
		l, err := scanLine(s.queryRow(ctx, "enquiry-line", country, e.ID, e.ID), country)
		if err != nil {
			return nil, fmt.Errorf("lines of %s: %w", e.Reference, err)
		}
		out = append(out, l)
	}
	return out, nil
}

func scanLine(row *sql.Row, country string) (Line, error) {
	l := Line{Country: country}
	var fee, assignee sql.NullInt64
	if err := row.Scan(&l.State, &fee, &l.FeeCurrency, &assignee); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return l, ErrNotFound
		}
		return l, err
	}
	if fee.Valid {
		l.FeeCents = &fee.Int64
	}
	if assignee.Valid {
		l.AssigneeID = &assignee.Int64
	}
	return l, nil
}

// UpdateLines applies edits to an enquiry's lines if the enquiry is still
// at version: one write, an event per change on the timeline (naming the
// line), and one new version of the enquiry, whose version stands for its
// lines too. It reports whether anything changed. Quoting or winning a
// line whose destination is on compliance hold or block takes a release
// (ErrComplianceHold without one); nothing of the edits is saved then.
func (s *Store) UpdateLines(ctx context.Context, id, version int64, edits []LineEdit, by Actor) (bool, error) {
	changed := false
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		changed, err = tx.apply(id, version, by, tx.toLines(edits))
		return err
	})
	return changed, err
}

// toLines is the change of line edits: the lines' rows are written as the
// edits are read, and the enquiry's own row takes only its new version
// (the write is undone if that version is taken meanwhile).
func (tx *Tx) toLines(edits []LineEdit) change {
	return func(e *Enquiry) (map[string]any, []Event, error) {
		findings, err := tx.findings(e.ID)
		if err != nil {
			return nil, nil, err
		}
		var events []Event
		for _, edit := range edits {
			evs, err := tx.editLine(e, edit, findings)
			if err != nil {
				return nil, nil, err
			}
			events = append(events, evs...)
		}
		if len(events) == 0 {
			return nil, nil, nil
		}
		return map[string]any{}, events, nil
	}
}

// editLine applies one edit to a line of e and returns its events.
func (tx *Tx) editLine(e *Enquiry, edit LineEdit, findings []Finding) ([]Event, error) {
	row, err := tx.queryRow("enquiry-line", edit.Country, e.ID, e.ID)
	if err != nil {
		return nil, err
	}
	l, err := scanLine(row, edit.Country)
	if err != nil {
		return nil, fmt.Errorf("line %s of %s: %w", edit.Country, e.Reference, err)
	}
	next := l
	var events []Event
	event := func(kind, detail string) {
		events = append(events, Event{Kind: kind, Country: l.Country, Detail: l.Country + ": " + detail})
	}
	if edit.State != "" && edit.State != l.State {
		detail := l.State + " → " + edit.State
		if severity := WorstFinding(findings, l.Country); (edit.State == LineQuoted || edit.State == LineWon) &&
			(severity == ComplianceHold || severity == ComplianceBlock) {
			if strings.TrimSpace(edit.Release) == "" {
				return nil, fmt.Errorf("line %s of %s is on compliance %s: %w", l.Country, e.Reference, severity, ErrComplianceHold)
			}
			detail += " (compliance " + severity + " released: " + strings.TrimSpace(edit.Release) + ")"
		}
		next.State = edit.State
		event(EventLineState, detail)
	}
	if edit.SetFee && !sameFee(l, edit) {
		next.FeeCents, next.FeeCurrency = edit.FeeCents, edit.FeeCurrency
		if edit.FeeCents == nil {
			next.FeeCurrency = ""
			event(EventLineFee, "fee removed")
		} else {
			event(EventLineFee, "fee "+money.Format(*edit.FeeCents, edit.FeeCurrency))
		}
	}
	if edit.SetAssignee {
		switch {
		case edit.Assignee == nil && l.AssigneeID != nil:
			next.AssigneeID = nil
			event(EventAssigned, "back with the enquiry's assignee")
		case edit.Assignee != nil && (l.AssigneeID == nil || *l.AssigneeID != edit.Assignee.ID):
			next.AssigneeID = &edit.Assignee.ID
			event(EventAssigned, "assigned to "+edit.Assignee.Name)
		}
	}
	if len(events) > 0 {
		if _, err := tx.exec("update-line", next.State, next.FeeCents, next.FeeCurrency, next.AssigneeID, l.Country, e.ID, e.ID); err != nil {
			return nil, err
		}
	}
	if note := strings.TrimSpace(edit.Note); note != "" {
		events = append(events, Event{Kind: EventNote, Country: l.Country, Detail: l.Country + ": " + note})
	}
	return events, nil
}

func sameFee(l Line, edit LineEdit) bool {
	if l.FeeCents == nil || edit.FeeCents == nil {
		return l.FeeCents == nil && edit.FeeCents == nil
	}
	return *l.FeeCents == *edit.FeeCents && l.FeeCurrency == edit.FeeCurrency
}

// WorstFinding is the most severe of the findings for country: clear when
// there is none above info.
func WorstFinding(findings []Finding, country string) string {
	worst := ComplianceClear
	rank := map[string]int{ComplianceClear: 0, "info": 0, ComplianceAction: 1, ComplianceHold: 2, ComplianceBlock: 3}
	for _, f := range findings {
		if f.Country == country && rank[f.Severity] > rank[worst] {
			worst = f.Severity
		}
	}
	return worst
}
