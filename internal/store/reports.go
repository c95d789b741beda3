package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
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
	ByLanguage    []Count // key: the code of internal/lang
	Lanes         []Lane  // origin → destination, most first
	Won, Lost     int64   // for the conversion rate
	Responded     int64   // enquiries with a staff action
	FirstResponse []int64 // seconds to the first staff action, sorted
	// Promises are the enquiries received under a first-response promise.
	Promises []Promise
	// ByAgent are the figures of each assignee (nobody's included), most
	// enquiries first; BySource those of each UTM source and campaign.
	ByAgent  []AgentFigures
	BySource []SourceFigures
	// Pipeline is the money of the period by currency.
	Pipeline []PipelineFigures
}

// PipelineFigures are the money of a period in one currency: the fees
// quoted on lines, and the shipment values of the enquiries still open and
// of those won.
type PipelineFigures struct {
	Currency                 string
	QuotedLines, QuotedCents int64
	Open, OpenCents          int64
	Won, WonCents            int64
}

// AgentFigures are one assignee's enquiries of the period and the lines
// they own by state (a line is its enquiry's assignee's unless it has its
// own). AssigneeID nil: nobody's.
type AgentFigures struct {
	AssigneeID *int64
	Enquiries  int64
	Lines      map[string]int64
}

// SourceFigures are the enquiries of one UTM source and campaign ("" for
// none) and how many were won and lost.
type SourceFigures struct {
	Source, Campaign     string
	Enquiries, Won, Lost int64
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
		func() (err error) { r.ByLanguage, err = s.rolledCounts(ctx, rollLanguage, from, to); return err },
		func() error {
			lanes, err := s.rolledCounts(ctx, rollLane, from, to)
			for _, l := range lanes[:min(len(lanes), topLanes)] {
				origin, destination, _ := strings.Cut(l.Key, " ")
				r.Lanes = append(r.Lanes, Lane{Origin: origin, Destination: destination, N: l.N})
			}
			return err
		},
		func() (err error) { statuses, err = s.rolledCounts(ctx, rollStatus, from, to); return err },
		func() (err error) { r.ByAgent, err = s.agentFigures(ctx, from, to); return err },
		func() (err error) { r.BySource, err = s.sourceFigures(ctx, from, to); return err },
		func() (err error) { r.Pipeline, err = s.pipeline(ctx, from, to); return err },
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

// agentFigures reads the rollups by agent over a period.
func (s *Store) agentFigures(ctx context.Context, from, to time.Time) ([]AgentFigures, error) {
	enquiries, err := s.rollupSums(ctx, rollAgent, from, to)
	if err != nil {
		return nil, err
	}
	lines, err := s.rollupSums(ctx, rollAgentLine, from, to)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*AgentFigures{}
	figures := func(key string) *AgentFigures {
		if f := byKey[key]; f != nil {
			return f
		}
		f := &AgentFigures{Lines: map[string]int64{}}
		if id, err := strconv.ParseInt(key, 10, 64); err == nil {
			f.AssigneeID = &id
		}
		byKey[key] = f
		return f
	}
	for key, r := range enquiries {
		figures(key).Enquiries += r.N
	}
	for key, r := range lines {
		agent, state, _ := strings.Cut(key, " ")
		figures(agent).Lines[state] += r.N
	}
	out := make([]AgentFigures, 0, len(byKey))
	for _, f := range byKey {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Enquiries > b.Enquiries || a.Enquiries == b.Enquiries && agentKey(a.AssigneeID) < agentKey(b.AssigneeID)
	})
	return out, nil
}

// sourceFigures reads the rollups by source over a period.
func (s *Store) sourceFigures(ctx context.Context, from, to time.Time) ([]SourceFigures, error) {
	sums, err := s.rollupSums(ctx, rollSource, from, to)
	if err != nil {
		return nil, err
	}
	bySource := map[[2]string]*SourceFigures{}
	for key, r := range sums {
		parts := strings.SplitN(key, "\t", 3)
		if len(parts) != 3 {
			continue
		}
		k := [2]string{parts[0], parts[1]}
		f := bySource[k]
		if f == nil {
			f = &SourceFigures{Source: parts[0], Campaign: parts[1]}
			bySource[k] = f
		}
		f.Enquiries += r.N
		switch parts[2] {
		case StatusWon:
			f.Won += r.N
		case StatusLost:
			f.Lost += r.N
		}
	}
	out := make([]SourceFigures, 0, len(bySource))
	for _, f := range bySource {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Enquiries > b.Enquiries || a.Enquiries == b.Enquiries && a.Source+"\t"+a.Campaign < b.Source+"\t"+b.Campaign
	})
	return out, nil
}

// pipeline reads the quoted fees and the shipment values by currency.
func (s *Store) pipeline(ctx context.Context, from, to time.Time) ([]PipelineFigures, error) {
	fees, err := s.rollupSums(ctx, rollFee, from, to)
	if err != nil {
		return nil, err
	}
	values, err := s.rollupSums(ctx, rollValue, from, to)
	if err != nil {
		return nil, err
	}
	byCurrency := map[string]*PipelineFigures{}
	of := func(currency string) *PipelineFigures {
		if byCurrency[currency] == nil {
			byCurrency[currency] = &PipelineFigures{Currency: currency}
		}
		return byCurrency[currency]
	}
	for key, f := range fees {
		_, currency, _ := strings.Cut(key, " ")
		p := of(currency)
		p.QuotedLines += f.N
		p.QuotedCents += f.Amount
	}
	for key, v := range values {
		status, currency, _ := strings.Cut(key, " ")
		switch {
		case status == StatusWon:
			p := of(currency)
			p.Won += v.N
			p.WonCents += v.Amount
		case slices.Contains(OpenStatuses, status):
			p := of(currency)
			p.Open += v.N
			p.OpenCents += v.Amount
		}
	}
	out := make([]PipelineFigures, 0, len(byCurrency))
	for _, p := range byCurrency {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out, nil
}
