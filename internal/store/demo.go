package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm/clause"
)

// DemoEnquiry is a made-up enquiry with its destinations, for demo data.
type DemoEnquiry struct {
	Enquiry
	Countries []string
}

// InsertDemo stores made-up enquiries as they are (status, times and
// assignee included), each with its destinations, in one transaction.
func (s *Store) InsertDemo(ctx context.Context, batch []DemoEnquiry) error {
	return s.Write(ctx, func(tx *Tx) error {
		rows := make([]*Enquiry, len(batch))
		for i := range batch {
			e := &batch[i].Enquiry
			e.Version, e.Destinations = 1, nil
			e.DestinationCodes = strings.Join(batch[i].Countries, " ")
			rows[i] = e
		}
		if err := tx.db.Omit(clause.Associations).CreateInBatches(rows, 400).Error; err != nil {
			return fmt.Errorf("insert demo enquiries: %w", err)
		}
		var dests []any
		var dsql strings.Builder
		for _, d := range batch {
			for _, c := range d.Countries {
				dsql.WriteString(",(?,?,?)")
				dests = append(dests, c, d.CreatedAt, d.ID)
			}
		}
		// The statement stays under SQLite's 32,766 bound parameters.
		if err := tx.db.Exec("INSERT INTO enquiry_destinations (country, created_at, enquiry_id) VALUES "+dsql.String()[1:], dests...).Error; err != nil {
			return fmt.Errorf("insert demo destinations: %w", err)
		}
		return nil
	})
}
