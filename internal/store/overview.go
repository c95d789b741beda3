package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
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
	ByCountry []Count // destination lines, most first; an enquiry counts once per destination
	// Lines are the destination lines by country and state.
	Lines      []CountryLine
	ByStatus   []Count
	ByWeek     []Count // key: the Monday starting the week, YYYY-MM-DD
	Total      int64   // enquiries in the period, spam excluded
	Unassigned int64   // open and nobody's (whole book, not the period; confirmed duplicates left out)
	New        int64   // still new (whole book; confirmed duplicates left out)
	OnHold     int64   // open and held or blocked by the compliance pre-screen (whole book)
	// AwaitingReply: enquiries whose prospect wrote and was not answered
	// (whole book).
	AwaitingReply int64
	OldestNew     *Enquiry
	Outbox        OutboxStats
}

// Overview summarises enquiries created in [from, to) (whole UTC days;
// zero bounds are open), spam left out, from the rollups.
func (s *Store) Overview(ctx context.Context, from, to time.Time) (*Overview, error) {
	o := &Overview{}
	from, to = period(from, to)
	// The whole book's figures: every period.
	first, last := period(time.Time{}, time.Time{})
	steps := []func() error{
		func() (err error) { o.Lines, err = s.rolledLines(ctx, from, to); return err },
		func() (err error) { o.ByStatus, err = s.rolledCounts(ctx, rollStatus, from, to); return err },
		func() error {
			days, err := s.daily(ctx, rollStatus, StatusSpam, from, to)
			o.ByWeek = byWeek(days)
			return err
		},
		func() error {
			unassigned, err := s.rollupSums(ctx, rollUnassigned, first, last)
			for _, status := range OpenStatuses {
				o.Unassigned += unassigned[status].N
			}
			return err
		},
		func() error {
			statuses, err := s.rollupSums(ctx, rollStatus, first, last)
			o.New = statuses[StatusNew].N
			return err
		},
		func() (err error) { o.AwaitingReply, err = s.CountAwaitingReply(ctx); return err },
		func() error {
			return s.queryRow(ctx, "count-open-on-hold", append(anySlice(OpenStatuses), ComplianceHold, ComplianceBlock)...).Scan(&o.OnHold)
		},
		func() error {
			var e Enquiry
			err := s.read.WithContext(ctx).Where("status = ?", StatusNew).Order("created_at, id").Take(&e).Error
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
	o.ByCountry = lineTotals(o.Lines)
	return o, nil
}

// countryLines reads a named count of lines by country and state.
func (s *Store) rolledLines(ctx context.Context, from, to time.Time) ([]CountryLine, error) {
	sums, err := s.rollupSums(ctx, rollLine, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]CountryLine, 0, len(sums))
	for key, r := range sums {
		country, state, _ := strings.Cut(key, " ")
		out = append(out, CountryLine{Country: country, State: state, N: r.N})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Country < out[j].Country || out[i].Country == out[j].Country && out[i].State < out[j].State
	})
	return out, nil
}

// rolledCounts reads one grouping's counts over a period, most first.
func (s *Store) rolledCounts(ctx context.Context, dim string, from, to time.Time) ([]Count, error) {
	sums, err := s.rollupSums(ctx, dim, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]Count, 0, len(sums))
	for key, r := range sums {
		out = append(out, Count{Key: key, N: r.N})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N > out[j].N || out[i].N == out[j].N && out[i].Key < out[j].Key })
	return out, nil
}

// byWeek adds daily counts up by week, keyed by the Monday starting it.
func byWeek(days map[string]int64) []Count {
	weeks := map[string]int64{}
	for day, n := range days {
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			continue
		}
		monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
		weeks[monday.Format(time.DateOnly)] += n
	}
	out := make([]Count, 0, len(weeks))
	for week, n := range weeks {
		if n != 0 {
			out = append(out, Count{Key: week, N: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// lineTotals are the lines per country, most first (then by code).
func lineTotals(lines []CountryLine) []Count {
	totals := map[string]int64{}
	for _, l := range lines {
		totals[l.Country] += l.N
	}
	out := make([]Count, 0, len(totals))
	for c, n := range totals {
		out = append(out, Count{Key: c, N: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N > out[j].N || out[i].N == out[j].N && out[i].Key < out[j].Key })
	return out
}

// period makes [from, to) closed at both ends: a zero bound becomes a date
// no enquiry is older or newer than, so the statements need no variants.
func period(from, to time.Time) (time.Time, time.Time) {
	if from.IsZero() {
		from = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return from.UTC(), to.UTC()
}

// scanRows runs a named read and calls each with every row's Scan.
func (s *Store) scanRows(ctx context.Context, name string, args []any, each func(scan func(...any) error) error) error {
	rows, err := s.query(ctx, name, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
