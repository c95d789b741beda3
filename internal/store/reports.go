package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
)

// Report holds the managers' figures for a period (spam left out).
type Report struct {
	CountryStatus []CountryStatus // destination × status
	ByMonth       []Count         // key: YYYY-MM
	ByService     []Count
	ByCategory    []Count
	Lanes         []Lane  // origin → destination, most first
	Won, Lost     int64   // for the conversion rate
	Responded     int64   // enquiries with a staff action
	FirstResponse []int64 // seconds to the first staff action, sorted
}

// CountryStatus is one cell of the destination × status table.
type CountryStatus struct {
	Country, Status string
	N               int64
}

// Lane is an origin → destination pair.
type Lane struct {
	Origin, Destination string
	N                   int64
}

// Conversion is won ÷ (won + lost), or -1 when nothing is decided yet.
func (r *Report) Conversion() float64 {
	if r.Won+r.Lost == 0 {
		return -1
	}
	return float64(r.Won) / float64(r.Won+r.Lost)
}

// ResponseQuantile is the q-quantile (0..1) of the time to first staff
// action, nearest rank; zero when no enquiry has one.
func (r *Report) ResponseQuantile(q float64) time.Duration {
	n := len(r.FirstResponse)
	if n == 0 {
		return 0
	}
	i := int(q*float64(n)+0.999999) - 1
	return time.Duration(r.FirstResponse[min(max(i, 0), n-1)]) * time.Second
}

// Report computes the figures for enquiries created in [from, to).
func (s *Store) Report(ctx context.Context, from, to time.Time) (*Report, error) {
	r := &Report{}
	db := s.read.WithContext(ctx)
	period := func(q *gorm.DB, col string) *gorm.DB {
		return within(q, col, from, to).Where("e.status <> ?", StatusSpam)
	}
	dest := func() *gorm.DB {
		return period(db.Table("enquiry_destinations AS d").Joins("JOIN enquiries AS e ON e.id = d.enquiry_id"), "d.created_at")
	}
	enq := func() *gorm.DB { return period(db.Table("enquiries AS e"), "e.created_at") }
	var statuses []Count
	var seconds []float64
	steps := []func() error{
		func() error {
			return dest().Select("d.country AS country, e.status AS status, count(*) AS n").
				Group("d.country, e.status").Order("d.country, e.status").Scan(&r.CountryStatus).Error
		},
		func() error {
			return enq().Select(s.dialect.month("e.created_at") + " AS key, count(*) AS n").Group("key").Order("key").Scan(&r.ByMonth).Error
		},
		func() error {
			return enq().Select("e.service AS key, count(*) AS n").Group("e.service").Order("n DESC, key").Scan(&r.ByService).Error
		},
		func() error {
			return enq().Select("e.product_category AS key, count(*) AS n").Group("e.product_category").Order("n DESC, key").Scan(&r.ByCategory).Error
		},
		func() error {
			return dest().Select("e.origin_country AS origin, d.country AS destination, count(*) AS n").
				Group("e.origin_country, d.country").Order("n DESC, origin, destination").Limit(15).Scan(&r.Lanes).Error
		},
		func() error {
			return enq().Select("e.status AS key, count(*) AS n").Group("e.status").Scan(&statuses).Error
		},
		func() error {
			return enq().Joins("JOIN enquiry_events AS ev ON ev.enquiry_id = e.id AND ev.actor_id IS NOT NULL").
				Select(s.dialect.seconds("min(ev.created_at)", "e.created_at")).
				Group("e.id").Scan(&seconds).Error
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	for _, c := range statuses {
		switch c.Key {
		case StatusWon:
			r.Won = c.N
		case StatusLost:
			r.Lost = c.N
		}
	}
	for _, sec := range seconds {
		r.FirstResponse = append(r.FirstResponse, int64(sec+0.5))
	}
	sort.Slice(r.FirstResponse, func(i, j int) bool { return r.FirstResponse[i] < r.FirstResponse[j] })
	r.Responded = int64(len(r.FirstResponse))
	return r, nil
}
