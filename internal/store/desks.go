package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// Desk is a desk's working hours and first-response promise as stored, by
// its address ("" for the default desk).
type Desk struct {
	Email         string `gorm:"primaryKey"`
	Days          string // "Mon,Tue,Wed,Thu,Fri"
	Opens, Closes string // "09:00"
	TimeZone      string // an IANA name
	TargetMinutes int
	UpdatedAt     time.Time
}

// Holiday is a day a desk does not work.
type Holiday struct {
	Email string `gorm:"primaryKey"`
	Day   string `gorm:"primaryKey"` // YYYY-MM-DD
	Name  string
}

// TableName keeps the table name explicit.
func (Holiday) TableName() string { return "desk_holidays" }

// Desks lists the desks with hours of their own, and every desk's holidays.
func (s *Store) Desks(ctx context.Context) ([]Desk, []Holiday, error) {
	var desks []Desk
	var holidays []Holiday
	if err := s.read.WithContext(ctx).Order("email").Find(&desks).Error; err != nil {
		return nil, nil, fmt.Errorf("list desks: %w", err)
	}
	if err := s.read.WithContext(ctx).Order("email, day").Find(&holidays).Error; err != nil {
		return nil, nil, fmt.Errorf("list holidays: %w", err)
	}
	return desks, holidays, nil
}

// SaveDesk stores a desk's hours and promise and replaces its holidays, in
// one write.
func (s *Store) SaveDesk(ctx context.Context, d Desk, holidays []Holiday) error {
	return s.Write(ctx, func(tx *Tx) error {
		d.UpdatedAt = tx.now().UTC()
		upsert := clause.OnConflict{Columns: []clause.Column{{Name: "email"}}, UpdateAll: true}
		if err := tx.db.Clauses(upsert).Create(&d).Error; err != nil {
			return fmt.Errorf("save desk: %w", err)
		}
		if err := tx.db.Where("email = ?", d.Email).Delete(&Holiday{}).Error; err != nil {
			return fmt.Errorf("save holidays: %w", err)
		}
		for i := range holidays {
			holidays[i].Email = d.Email
		}
		if len(holidays) == 0 {
			return nil
		}
		if err := tx.db.Create(&holidays).Error; err != nil {
			return fmt.Errorf("save holidays: %w", err)
		}
		return nil
	})
}
