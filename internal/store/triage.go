package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ListEnquiries returns one page of the filtered list, with each row's
// destinations, and whether more rows follow.
// Each row holds the columns the list shows; the others are empty.
func (s *Store) ListEnquiries(ctx context.Context, f Filter) ([]Enquiry, bool, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if !f.searches() {
		// An index walk of 51 rows needs no cancelling (see rowContext); a
		// full-text search may rank many matches, so it keeps the request's
		// context.
		ctx = s.dialect.rowContext(ctx)
	} else if err := s.catchUpSearch(ctx); err != nil {
		return nil, false, err
	}
	q := s.filterSQL(f)
	sqlRows, err := s.queryText(ctx, q.statement("list-enquiries"), q.orderedArgs(f.Limit+1, f.Offset)...)
	if err != nil {
		return nil, false, fmt.Errorf("list enquiries: %w", err)
	}
	defer sqlRows.Close()
	rows := make([]Enquiry, 0, f.Limit+1)
	for sqlRows.Next() {
		var r Enquiry
		var assignee sql.NullInt64
		var followUp sql.NullString
		var respondBy, firstResponse, awaiting sql.NullTime
		err := sqlRows.Scan(&r.ID, &r.Reference, &r.Status, &r.FullName, &r.Company, &r.Email, &r.Service,
			&r.ProductCategory, &r.ShipmentValueCents, &r.Currency, &assignee, &r.Version, &r.CreatedAt, &r.Destinations,
			&r.ComplianceState, &followUp, &respondBy, &firstResponse, &awaiting)
		if err != nil {
			return nil, false, fmt.Errorf("list enquiries: %w", err)
		}
		if assignee.Valid {
			r.AssigneeID = &assignee.Int64
		}
		r.FollowUpOn = followUp.String
		if respondBy.Valid {
			r.RespondBy = &respondBy.Time
		}
		if firstResponse.Valid {
			r.FirstResponseAt = &firstResponse.Time
		}
		if awaiting.Valid {
			r.AwaitingReplySince = &awaiting.Time
		}
		rows = append(rows, r)
	}
	if err := sqlRows.Err(); err != nil {
		return nil, false, fmt.Errorf("list enquiries: %w", err)
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	return rows, more, nil
}

// CountEnquiriesUpTo counts the filter's rows, stopping at limit so a count
// over a million rows stays cheap ("more than 1000"). A filter of one
// structured condition is counted from the rollups (see rolledCount).
func (s *Store) CountEnquiriesUpTo(ctx context.Context, f Filter, limit int) (int64, error) {
	if n, ok, err := s.rolledCount(ctx, f); ok || err != nil {
		return min(n, int64(limit)), err
	}
	return s.countRows(ctx, f, limit)
}

// countRows counts the filter's rows in the base tables, up to limit.
func (s *Store) countRows(ctx context.Context, f Filter, limit int) (int64, error) {
	if f.searches() {
		if err := s.catchUpSearch(ctx); err != nil {
			return 0, err
		}
	}
	q := s.filterSQL(f)
	var n int64
	err := s.readDB.QueryRowContext(s.dialect.rowContext(ctx), q.statement("count-enquiries-capped"),
		append(q.args, limit)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count enquiries: %w", err)
	}
	return n, nil
}

// Actor is who changes an enquiry, for its timeline.
type Actor struct {
	ID   int64
	Name string
}

// ChangeStatus moves an enquiry to status if it is still at version; a
// stale version is ErrConflict, so two people never silently overwrite
// each other. An enquiry the compliance pre-screen holds or blocks moves
// to quoted or won only with release, a manager's written reason (else
// ErrComplianceHold); the reason goes on the timeline.
func (s *Store) ChangeStatus(ctx context.Context, id, version int64, status string, by Actor, release string) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.change(id, version, by, toStatus(status, release)) })
}

// HeldBack reports whether moving an enquiry in compliance state to status
// needs a manager's reason: a held or blocked enquiry is not quoted or won
// on anyone's say-so.
func HeldBack(complianceState, status string) bool {
	return (complianceState == ComplianceHold || complianceState == ComplianceBlock) &&
		(status == StatusQuoted || status == StatusWon)
}

// Assign gives an enquiry to a user (nil: to nobody) if it is still at
// version.
func (s *Store) Assign(ctx context.Context, id, version int64, assignee *User, by Actor) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.change(id, version, by, toAssignee(assignee)) })
}

// ChangeStatusOfMany moves every enquiry of ids to status, in one write;
// ids that no longer exist, or that a colleague changed at the same
// moment, and those on compliance hold for quoted or won, are skipped. It
// returns how many it changed or found as asked.
func (s *Store) ChangeStatusOfMany(ctx context.Context, ids []int64, status string, by Actor) (int, error) {
	return s.changeEach(ctx, ids, by, toStatus(status, ""))
}

// AssignMany gives every enquiry of ids to a user (nil: to nobody), in one
// write, as ChangeStatusOfMany does.
func (s *Store) AssignMany(ctx context.Context, ids []int64, assignee *User, by Actor) (int, error) {
	return s.changeEach(ctx, ids, by, toAssignee(assignee))
}

// change is one change of an enquiry: the columns to set and the events to
// record, or nil when the enquiry already is as asked; an error refuses it.
type change func(e *Enquiry) (map[string]any, []Event, error)

// Update is one save of the enquiry page's form: the status (with a
// manager's release of a compliance hold), the assignee (nil: nobody), the
// next action's date (empty: none) and a note (empty: none). What differs
// from the enquiry changes, all in one write and one new version.
type Update struct {
	Status, Release string
	Assignee        *User
	FollowUpOn      string
	Note            string
}

// UpdateEnquiry saves the form if the enquiry is still at version (else
// ErrConflict, so a colleague's change made meanwhile is never reverted by
// the values this form showed). It reports whether anything was saved.
func (s *Store) UpdateEnquiry(ctx context.Context, id, version int64, u Update, by Actor) (bool, error) {
	if !slices.Contains(OpenStatuses, u.Status) {
		u.FollowUpOn = "" // a closed enquiry has no next action
	}
	saved := false
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		saved, err = tx.apply(id, version, by, all(toStatus(u.Status, u.Release), toAssignee(u.Assignee), toFollowUp(u.FollowUpOn)))
		if err != nil || u.Note == "" {
			return err
		}
		saved = true
		return tx.AddEvent(Event{EnquiryID: id, Kind: EventNote, Actor: by.Name, ActorID: &by.ID, Detail: u.Note})
	})
	return saved, err
}

// all is several changes as one: their columns and events together.
func all(changes ...change) change {
	return func(e *Enquiry) (map[string]any, []Event, error) {
		var updates map[string]any
		var events []Event
		for _, c := range changes {
			u, evs, err := c(e)
			if err != nil {
				return nil, nil, err
			}
			for k, v := range u {
				if updates == nil {
					updates = map[string]any{}
				}
				updates[k] = v
			}
			events = append(events, evs...)
		}
		return updates, events, nil
	}
}

func toFollowUp(on string) change {
	return func(e *Enquiry) (map[string]any, []Event, error) {
		switch {
		case e.FollowUpOn == on:
			return nil, nil, nil
		case on == "":
			return map[string]any{"follow_up_on": nil}, []Event{{Kind: EventFollowUp, Detail: "Next action: none planned"}}, nil
		}
		day, err := time.Parse(time.DateOnly, on)
		if err != nil {
			return nil, nil, fmt.Errorf("next action date %q: %w", on, ErrInvalid)
		}
		return map[string]any{"follow_up_on": on}, []Event{{Kind: EventFollowUp, Detail: "Next action on " + day.Format("Mon 2 Jan 2006")}}, nil
	}
}

func toStatus(status, release string) change {
	return func(e *Enquiry) (map[string]any, []Event, error) {
		if e.Status == status {
			return nil, nil, nil
		}
		ev := Event{Kind: EventStatusChanged, Detail: e.Status + " → " + status}
		if HeldBack(e.ComplianceState, status) {
			if strings.TrimSpace(release) == "" {
				return nil, nil, fmt.Errorf("enquiry %s is on compliance %s: %w", e.Reference, e.ComplianceState, ErrComplianceHold)
			}
			ev.Detail += " (compliance " + e.ComplianceState + " released: " + strings.TrimSpace(release) + ")"
		}
		updates := map[string]any{"status": status}
		events := []Event{ev}
		// A closed enquiry has no next action.
		if !slices.Contains(OpenStatuses, status) && e.FollowUpOn != "" {
			updates["follow_up_on"] = nil
			events = append(events, Event{Kind: EventFollowUp, Detail: "Next action: none planned (closed)"})
		}
		return updates, events, nil
	}
}

func toAssignee(assignee *User) change {
	return func(e *Enquiry) (map[string]any, []Event, error) {
		if assignee == nil {
			if e.AssigneeID == nil {
				return nil, nil, nil
			}
			return map[string]any{"assignee_id": nil}, []Event{{Kind: EventAssigned, Detail: "Unassigned"}}, nil
		}
		if e.AssigneeID != nil && *e.AssigneeID == assignee.ID {
			return nil, nil, nil
		}
		return map[string]any{"assignee_id": assignee.ID}, []Event{{Kind: EventAssigned, Detail: "Assigned to " + assignee.Name}}, nil
	}
}

func (s *Store) changeEach(ctx context.Context, ids []int64, by Actor, apply change) (int, error) {
	done := 0
	err := s.Write(ctx, func(tx *Tx) error {
		done = 0
		for _, id := range ids {
			err := tx.change(id, 0, by, apply)
			if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrComplianceHold) {
				continue
			}
			if err != nil {
				return err
			}
			done++
		}
		return nil
	})
	return done, err
}

// change applies one versioned update and its timeline events. version 0
// skips the check against what the caller saw (bulk actions act on what
// is there), but not against a concurrent write.
func (tx *Tx) change(id, version int64, by Actor, c change) error {
	_, err := tx.apply(id, version, by, c)
	return err
}

// apply is change, reporting whether anything changed.
func (tx *Tx) apply(id, version int64, by Actor, c change) (bool, error) {
	var e Enquiry
	if err := tx.db.Where("id = ?", id).Take(&e).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return false, ErrNotFound
		}
		return false, err
	}
	if version != 0 && e.Version != version {
		return false, fmt.Errorf("enquiry %s changed since you opened it: %w", e.Reference, ErrConflict)
	}
	// What the rollups count of it now, to move them by the difference
	// the change makes (status, lines, duplicate).
	counted, err := tx.uncounted(id)
	if err != nil {
		return false, err
	}
	updates, events, err := c(&e)
	if err != nil || updates == nil {
		return false, err
	}
	updates["version"], updates["updated_at"] = e.Version+1, tx.now().UTC()
	// The first status change away from new is the enquiry's first
	// response (docs/DESIGN.md, "The first-response promise").
	if _, moves := updates["status"]; moves && e.Status == StatusNew && e.FirstResponseAt == nil {
		updates["first_response_at"], updates["first_response_by"] = tx.now().UTC(), by.ID
	}
	// The version read above may be stale by now on PostgreSQL, where
	// another instance can commit between the read and this update: only
	// the update that still finds the version wins.
	res := tx.db.Model(&Enquiry{}).Where("id = ? AND version = ?", id, e.Version).Updates(updates)
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected != 1 {
		return false, fmt.Errorf("enquiry %s changed meanwhile: %w", e.Reference, ErrConflict)
	}
	if err := tx.recounted(id, counted); err != nil {
		return false, err
	}
	for _, ev := range events {
		ev.EnquiryID, ev.Actor, ev.ActorID = id, by.Name, &by.ID
		if err := tx.AddEvent(ev); err != nil {
			return false, err
		}
	}
	if assignee, ok := updates["assignee_id"].(int64); ok && assignee != by.ID {
		if err := tx.mailAssignee(id, assignee, by); err != nil {
			return false, err
		}
	}
	return true, nil
}

// mailAssignee queues the mail that tells an account an enquiry was given
// to it, unless the account turned such mail off or is disabled.
func (tx *Tx) mailAssignee(enquiryID, assignee int64, by Actor) error {
	if wanted, err := tx.wantsMail(assignee); err != nil || !wanted {
		return err
	}
	now := tx.now().UTC()
	m := Message{EnquiryID: &enquiryID, UserID: &assignee, Kind: MailAssigned, Status: MailPending,
		NextAttemptAt: now, CreatedAt: now, SenderName: by.Name}
	if err := tx.db.Omit("LeaseUntil", "SentAt").Create(&m).Error; err != nil {
		return fmt.Errorf("queue assignment mail: %w", err)
	}
	return nil
}

// wantsMail says whether an account is active and takes the mail about
// enquiries given to it (the choice on My account).
func (tx *Tx) wantsMail(account int64) (bool, error) {
	n, err := tx.idOf("notify-assigned", account, true)
	return n > 0, err
}

// AddNote appends a staff note to an enquiry's timeline.
func (s *Store) AddNote(ctx context.Context, id int64, text string, by Actor) error {
	return s.Write(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.db.Model(&Enquiry{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return tx.AddEvent(Event{EnquiryID: id, Kind: EventNote, Actor: by.Name, ActorID: &by.ID, Detail: text})
	})
}
