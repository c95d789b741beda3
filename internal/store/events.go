package store

import (
	"context"
	"fmt"
	"time"
)

// Event is one entry on an enquiry's timeline: who did what, and when.
type Event struct {
	ID        int64 `gorm:"primaryKey"`
	EnquiryID int64
	Kind      string
	Actor     string
	ActorID   *int64
	Detail    string
	// Country names the destination line the event concerns; empty for
	// the enquiry as a whole.
	Country   string
	CreatedAt time.Time
}

// TableName keeps the table name explicit.
func (Event) TableName() string { return "enquiry_events" }

// Event kinds.
const (
	EventCreated     = "created"
	EventMailSent    = "mail_sent"
	EventMailFailed  = "mail_failed"
	EventMailDelayed = "mail_delayed"

	EventStatusChanged = "status_changed"
	EventAssigned      = "assigned"
	EventNote          = "note"
	EventErased        = "erased"
	EventRescreened    = "rescreened"
	EventFollowUp      = "follow_up"
	EventLineState     = "line_state"
	EventLineFee       = "line_fee"
)

// AddEvent appends an event to an enquiry's timeline.
func (tx *Tx) AddEvent(ev Event) error {
	ev.ID = 0
	ev.CreatedAt = tx.now().UTC()
	if _, err := tx.exec("insert-event", ev.EnquiryID, ev.Kind, ev.Actor, ev.ActorID, ev.Detail, ev.Country, ev.CreatedAt); err != nil {
		return fmt.Errorf("add %s event: %w", ev.Kind, err)
	}
	if ev.Kind == EventNote {
		tx.reindex(ev.EnquiryID) // staff notes are searchable
	}
	return nil
}

// receivedDetail describes the first entry of every timeline.
const receivedDetail = "Enquiry received through the web form"

// Events lists an enquiry's timeline, oldest first. Its first entry, the
// enquiry's arrival, is not stored: the enquiry's own created_at says it,
// and an events row (two b-trees) per enquiry cost the intake's writer a
// tenth of its time. Rows of that kind written by earlier versions are
// skipped.
func (s *Store) Events(ctx context.Context, enquiryID int64) ([]Event, error) {
	var created []time.Time
	err := s.read.WithContext(ctx).Table("enquiries").Where("id = ?", enquiryID).Pluck("created_at", &created).Error
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	if len(created) == 0 {
		return nil, nil
	}
	evs := []Event{{EnquiryID: enquiryID, Kind: EventCreated, Actor: "prospect", Detail: receivedDetail, CreatedAt: created[0]}}
	var stored []Event
	err = s.read.WithContext(ctx).Where("enquiry_id = ? AND kind <> ?", enquiryID, EventCreated).Order("id").Find(&stored).Error
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return append(evs, stored...), nil
}
