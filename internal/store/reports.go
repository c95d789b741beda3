package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Report holds the managers' figures for a period (spam left out).
type Report struct {
	CountryLines  []CountryLine // destination × line state
	QuotedFees    []QuotedFee   // per destination and currency
	ByMonth       []Count       // key: YYYY-MM
	ByService     []Count
	ByCategory    []Count
	Lanes         []Lane  // origin → destination, most first
	Won, Lost     int64   // for the conversion rate
	Responded     int64   // enquiries with a staff action
	FirstResponse []int64 // seconds to the first staff action, sorted
	// Promises are the enquiries received under a first-response promise.
	Promises []Promise
}

// Promise is one enquiry's first-response promise and how it was kept.
type Promise struct {
	Desk            string
	CreatedAt       time.Time
	RespondBy       time.Time
	FirstResponseAt *time.Time // nil: not answered yet
	FirstResponseBy *int64
}

// CountryLine is one cell of the destination × line state table: how many
// lines to Country are in State.
type CountryLine struct {
	Country, State string
	N              int64
}

// QuotedFee is the fees quoted on the lines to one destination in one
// currency.
type QuotedFee struct {
	Country, Currency string
	Lines, Cents      int64
}

// Lane is an origin → destination pair.
type Lane struct {
	Origin, Destination string
	N                   int64
}

// topLanes is how many origin → destination lanes the report lists.
const topLanes = 15

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
	return time.Duration(NearestRank(r.FirstResponse, q)) * time.Second
}

// NearestRank is the q-quantile (0..1) of sorted by the nearest-rank
// method; the zero value when sorted is empty.
func NearestRank[T any](sorted []T, q float64) T {
	var zero T
	n := len(sorted)
	if n == 0 {
		return zero
	}
	i := int(q*float64(n)+0.999999) - 1
	return sorted[min(max(i, 0), n-1)]
}

// Report computes the figures for enquiries created in [from, to).
func (s *Store) Report(ctx context.Context, from, to time.Time) (*Report, error) {
	r := &Report{}
	from, to = period(from, to)
	var statuses []Count
	var seconds []float64
	steps := []func() error{
		func() (err error) { r.CountryLines, err = s.rolledLines(ctx, from, to); return err },
		func() error {
			sums, err := s.rollupSums(ctx, rollFee, from, to)
			for key, f := range sums {
				country, currency, _ := strings.Cut(key, " ")
				r.QuotedFees = append(r.QuotedFees, QuotedFee{Country: country, Currency: currency, Lines: f.N, Cents: f.Amount})
			}
			sort.Slice(r.QuotedFees, func(i, j int) bool {
				a, b := r.QuotedFees[i], r.QuotedFees[j]
				return a.Country < b.Country || a.Country == b.Country && a.Currency < b.Currency
			})
			return err
		},
		func() error {
			return s.scanRows(ctx, "report-promises", []any{from, to}, func(scan func(...any) error) error {
				var p Promise
				var at sql.NullTime
				var by sql.NullInt64
				if err := scan(&p.Desk, &p.CreatedAt, &p.RespondBy, &at, &by); err != nil {
					return err
				}
				if at.Valid {
					p.FirstResponseAt = &at.Time
				}
				if by.Valid {
					p.FirstResponseBy = &by.Int64
				}
				r.Promises = append(r.Promises, p)
				return nil
			})
		},
		func() error {
			months, err := s.monthly(ctx, rollStatus, StatusSpam, from, to)
			for month, n := range months {
				if n != 0 {
					r.ByMonth = append(r.ByMonth, Count{Key: month, N: n})
				}
			}
			sort.Slice(r.ByMonth, func(i, j int) bool { return r.ByMonth[i].Key < r.ByMonth[j].Key })
			return err
		},
		func() (err error) { r.ByService, err = s.rolledCounts(ctx, rollService, from, to); return err },
		func() (err error) { r.ByCategory, err = s.rolledCounts(ctx, rollCategory, from, to); return err },
		func() error {
			lanes, err := s.rolledCounts(ctx, rollLane, from, to)
			for _, l := range lanes[:min(len(lanes), topLanes)] {
				origin, destination, _ := strings.Cut(l.Key, " ")
				r.Lanes = append(r.Lanes, Lane{Origin: origin, Destination: destination, N: l.N})
			}
			return err
		},
		func() (err error) { statuses, err = s.rolledCounts(ctx, rollStatus, from, to); return err },
		func() error {
			return s.scanRows(ctx, "report-first-responses", []any{from, to}, func(scan func(...any) error) error {
				var sec float64
				if err := scan(&sec); err != nil {
					return err
				}
				seconds = append(seconds, sec)
				return nil
			})
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
