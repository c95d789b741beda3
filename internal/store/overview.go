package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Count is one group of a summary: a key (country, status, week) and how
// many enquiries it holds.
type Count struct {
	Key string
	N   int64
}

// Overview is the dashboard's summary of a period.
type Overview struct {
	ByCountry  []Count // destinations, most first; an enquiry counts once per destination
	ByStatus   []Count
	ByWeek     []Count // key: the Monday starting the week, YYYY-MM-DD
	Total      int64   // enquiries in the period, spam excluded
	Unassigned int64   // open and nobody's (whole book, not the period)
	New        int64   // still new (whole book)
	OldestNew  *Enquiry
	Outbox     OutboxStats
}

// Overview summarises enquiries created in [from, to) (zero bounds are
// open), spam left out.
func (s *Store) Overview(ctx context.Context, from, to time.Time) (*Overview, error) {
	o := &Overview{}
	db := s.read.WithContext(ctx)
	period := func(q *gorm.DB, col string) *gorm.DB { return within(q, col, from, to) }
	steps := []func() error{
		func() error {
			return period(db.Table("enquiry_destinations AS d").Joins("JOIN enquiries AS e ON e.id = d.enquiry_id"), "d.created_at").
				Where("e.status <> ?", StatusSpam).Select("d.country AS key, count(*) AS n").
				Group("d.country").Order("n DESC, key").Scan(&o.ByCountry).Error
		},
		func() error {
			return period(db.Table("enquiries"), "created_at").Select("status AS key, count(*) AS n").
				Group("status").Order("n DESC").Scan(&o.ByStatus).Error
		},
		func() error {
			return period(db.Table("enquiries"), "created_at").Where("status <> ?", StatusSpam).
				Select(s.dialect.week("created_at") + " AS key, count(*) AS n").
				Group("key").Order("key").Scan(&o.ByWeek).Error
		},
		func() error {
			return db.Table("enquiries").Where("assignee_id IS NULL AND status IN ?",
				[]string{StatusNew, StatusTriaged, StatusContacted, StatusQuoted}).Count(&o.Unassigned).Error
		},
		func() error { return db.Table("enquiries").Where("status = ?", StatusNew).Count(&o.New).Error },
		func() error {
			var e Enquiry
			err := db.Where("status = ?", StatusNew).Order("created_at, id").Take(&e).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			}
			o.OldestNew = &e
			return err
		},
		func() (err error) { o.Outbox, err = s.OutboxStats(ctx); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("overview: %w", err)
		}
	}
	for _, c := range o.ByStatus {
		if c.Key != StatusSpam {
			o.Total += c.N
		}
	}
	return o, nil
}

// within keeps the rows whose col lies in [from, to); zero bounds are open.
func within(q *gorm.DB, col string, from, to time.Time) *gorm.DB {
	if !from.IsZero() {
		q = q.Where(col+" >= ?", from.UTC())
	}
	if !to.IsZero() {
		q = q.Where(col+" < ?", to.UTC())
	}
	return q
}
