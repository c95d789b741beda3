package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"

	"iordesk/internal/dupes"
)

// DemoEnquiry is a made-up enquiry with its timeline.
type DemoEnquiry struct {
	Enquiry
	Events []Event // EnquiryID is filled in when stored
}

// demoLines gives a made-up enquiry's lines the state its status implies:
// won or lost like it, or quoted at a twentieth of the shipment's value;
// it returns them.
func (tx *Tx) demoLines(e *Enquiry) ([]lineState, error) {
	lines := openLines(e.Destinations)
	var fee *int64
	switch e.Status {
	case StatusWon, StatusLost:
	case StatusQuoted:
		quoted := e.ShipmentValueCents / 20
		fee = &quoted
	default:
		return lines, nil
	}
	currency := ""
	if fee != nil {
		currency = e.Currency
	}
	for i, country := range e.Destinations {
		if _, err := tx.exec("update-line", e.Status, fee, currency, nil, country, e.ID, e.ID); err != nil {
			return nil, err
		}
		lines[i] = lineState{Country: country, State: e.Status, FeeCents: fee, FeeCurrency: currency}
	}
	return lines, nil
}

// InsertDemo stores made-up enquiries as they are (status, times, assignee
// and next action included), each with its destinations and timeline, in
// one transaction.
func (s *Store) InsertDemo(ctx context.Context, batch []DemoEnquiry) error {
	return s.Write(ctx, func(tx *Tx) error {
		rows := make([]*Enquiry, len(batch))
		for i := range batch {
			if batch[i].Version == 0 {
				batch[i].Version = 1
			}
			batch[i].Language = languageOrEnglish(batch[i].Language)
			rows[i] = &batch[i].Enquiry
		}
		// follow_up_on is NULL unless planned, and gorm would write "".
		if err := tx.db.Omit(clause.Associations, "follow_up_on").CreateInBatches(rows, 400).Error; err != nil {
			return fmt.Errorf("insert demo enquiries: %w", err)
		}
		var events []*Event
		counted := tx.tally()
		for i, e := range rows {
			if err := tx.insertDestinations(e.ID, e.CreatedAt, e.Destinations); err != nil {
				return fmt.Errorf("insert demo destinations: %w", err)
			}
			if err := tx.oweDocument(e.ID); err != nil {
				return err
			}
			lines, err := tx.demoLines(e)
			if err != nil {
				return fmt.Errorf("demo lines: %w", err)
			}
			counted.add(e, lines, +1)
			if e.FollowUpOn != "" {
				if err := tx.db.Model(&Enquiry{}).Where("id = ?", e.ID).Update("follow_up_on", e.FollowUpOn).Error; err != nil {
					return fmt.Errorf("plan demo next action: %w", err)
				}
			}
			if keys := dupes.Keys(e.Company, e.Email); len(keys) > 0 {
				if err := tx.insertMatchKeys(e.ID, e.CreatedAt, keys); err != nil {
					return fmt.Errorf("file demo match keys: %w", err)
				}
			}
			for j := range batch[i].Events {
				ev := &batch[i].Events[j]
				ev.EnquiryID = e.ID
				events = append(events, ev)
			}
		}
		if len(events) == 0 {
			return nil
		}
		if err := tx.db.CreateInBatches(events, 500).Error; err != nil {
			return fmt.Errorf("insert demo timelines: %w", err)
		}
		return nil
	})
}
