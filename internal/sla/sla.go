// Package sla is the desk's first-response promise: business hours in a
// time zone, working days and holidays, and arithmetic in working time
// (docs/DESIGN.md, "The first-response promise").
package sla

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is when a desk works and what it promises.
type Schedule struct {
	// Days are the working weekdays (time.Sunday = 0).
	Days [7]bool
	// Opens and Closes are the times of day the desk works between, in
	// minutes after midnight, local time (Opens < Closes).
	Opens, Closes int
	Location      *time.Location
	// Target is the first-response promise, in working time.
	Target time.Duration
	// Holidays are days off (YYYY-MM-DD, local), whatever the weekday.
	Holidays map[string]bool
}

var weekdays = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// ParseHours reads hours as written in IORDESK_DESK_HOURS: working days
// (a range "Mon-Fri" or a list "Mon,Tue,Thu"), the times "09:00-17:30" and
// an IANA time zone, e.g. "Mon-Fri 09:00-17:30 Europe/Berlin".
func ParseHours(text string) (Schedule, error) {
	parts := strings.Fields(text)
	if len(parts) != 3 {
		return Schedule{}, fmt.Errorf("desk hours %q: want days, times and a time zone, e.g. \"Mon-Fri 09:00-17:30 Europe/Berlin\"", text)
	}
	var s Schedule
	var err error
	if s.Days, err = ParseDays(parts[0]); err != nil {
		return Schedule{}, err
	}
	opens, closes, ok := strings.Cut(parts[1], "-")
	if !ok {
		return Schedule{}, fmt.Errorf("desk hours %q: times as 09:00-17:30", text)
	}
	if s.Opens, err = ParseClock(opens); err != nil {
		return Schedule{}, err
	}
	if s.Closes, err = ParseClock(closes); err != nil {
		return Schedule{}, err
	}
	if s.Location, err = LoadZone(parts[2]); err != nil {
		return Schedule{}, err
	}
	return s, s.Check()
}

// ParseDays reads "Mon-Fri" or "Mon,Wed,Fri".
func ParseDays(text string) ([7]bool, error) {
	var days [7]bool
	index := func(name string) (int, error) {
		for i, d := range weekdays {
			if strings.EqualFold(d, name) {
				return i, nil
			}
		}
		return 0, fmt.Errorf("working days %q: %q is not Mon, Tue, Wed, Thu, Fri, Sat or Sun", text, name)
	}
	if from, to, isRange := strings.Cut(text, "-"); isRange {
		a, err := index(from)
		if err != nil {
			return days, err
		}
		b, err := index(to)
		if err != nil {
			return days, err
		}
		for i := a; ; i = (i + 1) % 7 {
			days[i] = true
			if i == b {
				break
			}
		}
		return days, nil
	}
	for _, name := range strings.Split(text, ",") {
		i, err := index(strings.TrimSpace(name))
		if err != nil {
			return days, err
		}
		days[i] = true
	}
	return days, nil
}

// ParseClock reads "09:00" as minutes after midnight.
func ParseClock(text string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(text), ":")
	hours, err1 := strconv.Atoi(h)
	minutes, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hours < 0 || hours > 24 || minutes < 0 || minutes > 59 || hours*60+minutes > 24*60 {
		return 0, fmt.Errorf("time of day %q: want HH:MM, e.g. 09:00", text)
	}
	return hours*60 + minutes, nil
}

// LoadZone is an IANA time zone by name ("Europe/Berlin"); UTC is one too.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("time zone %q: name an IANA zone, e.g. Europe/Berlin", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: not an IANA time zone name", name)
	}
	return loc, nil
}

// Clock writes minutes after midnight as "09:00".
func Clock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// DaysText writes working days as ParseDays reads them ("Mon,Tue,Wed").
func DaysText(days [7]bool) string {
	var out []string
	for i, on := range days {
		if on {
			out = append(out, weekdays[i])
		}
	}
	return strings.Join(out, ",")
}

// Check reports what makes a schedule unusable.
func (s Schedule) Check() error {
	switch {
	case s.Days == [7]bool{}:
		return errors.New("a desk works on at least one day")
	case s.Opens >= s.Closes:
		return errors.New("a desk closes after it opens")
	case s.Location == nil:
		return errors.New("a desk has a time zone")
	case s.Target < 0:
		return errors.New("a promise is not negative")
	}
	return nil
}

// window is the working time of the day starting at day (local midnight),
// or false when the desk does not work that day.
func (s Schedule) window(day time.Time) (opens, closes time.Time, ok bool) {
	if !s.Days[day.Weekday()] || s.Holidays[day.Format(time.DateOnly)] {
		return time.Time{}, time.Time{}, false
	}
	y, m, d := day.Date()
	// time.Date places each clock time on the day itself, so a day that
	// changes to or from summer time has its true length.
	opens = time.Date(y, m, d, s.Opens/60, s.Opens%60, 0, 0, s.Location)
	closes = time.Date(y, m, d, s.Closes/60, s.Closes%60, 0, 0, s.Location)
	return opens, closes, true
}

// maxDays bounds a walk through the calendar: a schedule whose every day
// is a holiday would otherwise never end.
const maxDays = 3 * 366

// Due is when the promise made at arrival falls due: arrival plus the
// target in working time (arrival itself when the target is zero).
func (s Schedule) Due(arrival time.Time) time.Time {
	left := s.Target
	t := arrival.In(s.Location)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.Location)
	for range maxDays {
		if opens, closes, ok := s.window(day); ok {
			from := opens
			if t.After(from) {
				from = t
			}
			if from.Before(closes) {
				span := closes.Sub(from)
				if left <= span {
					return from.Add(left)
				}
				left -= span
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, s.Location)
	}
	return arrival.Add(s.Target) // no working day in years: promise in plain time
}

// Working is the working time between a and b (zero when b is not after a).
func (s Schedule) Working(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var total time.Duration
	t := a.In(s.Location)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.Location)
	for range maxDays {
		if !day.Before(b) {
			break
		}
		if opens, closes, ok := s.window(day); ok {
			from, to := opens, closes
			if a.After(from) {
				from = a
			}
			if b.Before(to) {
				to = b
			}
			if to.After(from) {
				total += to.Sub(from)
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, s.Location)
	}
	return total
}

// Describe says when the promise falls due, from now: "due in 2 h 10 min"
// or "overdue by 1 day 3 h", in plain time as people read a clock.
func Describe(due, now time.Time) (text string, overdue bool) {
	d := due.Sub(now)
	if d < 0 {
		return "overdue by " + span(-d), true
	}
	return "due in " + span(d), false
}

func span(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, minutes := int(d.Hours())/24, int(d.Hours())%24, int(d.Minutes())%60
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d %s %d h", days, plural(days, "day"), hours)
	case days > 0:
		return fmt.Sprintf("%d %s", days, plural(days, "day"))
	case hours > 0 && minutes > 0:
		return fmt.Sprintf("%d h %d min", hours, minutes)
	case hours > 0:
		return fmt.Sprintf("%d h", hours)
	}
	return fmt.Sprintf("%d min", minutes)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
