package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// InsertDemo stores made-up enquiries as they are (status, times and
// assignee included), each with its destinations, in one transaction.
func (s *Store) InsertDemo(ctx context.Context, batch []Enquiry) error {
	return s.Write(ctx, func(tx *Tx) error {
		rows := make([]*Enquiry, len(batch))
		for i := range batch {
			batch[i].Version = 1
			rows[i] = &batch[i]
		}
		if err := tx.db.Omit(clause.Associations).CreateInBatches(rows, 400).Error; err != nil {
			return fmt.Errorf("insert demo enquiries: %w", err)
		}
		for _, e := range rows {
			if err := tx.insertDestinations(e.ID, e.CreatedAt, e.Destinations); err != nil {
				return fmt.Errorf("insert demo destinations: %w", err)
			}
		}
		return nil
	})
}
