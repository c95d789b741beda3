package sla

import (
	"testing"
	"time"
)

func mustHours(t *testing.T, text string, target time.Duration) Schedule {
	t.Helper()
	s, err := ParseHours(text)
	if err != nil {
		t.Fatal(err)
	}
	s.Target = target
	return s
}

func at(t *testing.T, zone, clock string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", clock, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDue walks the promise across weekends, holidays, both changes of
// summer time, a half-hour offset and a zone without summer time.
func TestDue(t *testing.T) {
	berlin := mustHours(t, "Mon-Fri 09:00-17:30 Europe/Berlin", 4*time.Hour)
	berlinHoliday := berlin
	berlinHoliday.Holidays = map[string]bool{"2026-12-07": true}
	allDay := mustHours(t, "Mon-Sun 00:00-24:00 Europe/Berlin", 5*time.Hour)
	kolkata := mustHours(t, "Mon-Fri 10:00-18:00 Asia/Kolkata", 4*time.Hour)
	saoPaulo := mustHours(t, "Mon-Fri 08:00-17:00 America/Sao_Paulo", 4*time.Hour)
	eight := mustHours(t, "Mon-Fri 09:00-17:00 Europe/Berlin", 8*time.Hour)
	for _, c := range []struct {
		name     string
		s        Schedule
		arrival  time.Time
		wantUTC  string
		wantWork time.Duration
	}{
		{"within the day", berlin, at(t, "Europe/Berlin", "2026-12-01 10:00"), "2026-12-01 13:00", 4 * time.Hour},
		{"before opening", berlin, at(t, "Europe/Berlin", "2026-12-01 06:00"), "2026-12-01 12:00", 4 * time.Hour},
		{"Friday afternoon to Monday", berlin, at(t, "Europe/Berlin", "2026-12-04 16:00"), "2026-12-07 10:30", 4 * time.Hour},
		{"Saturday", berlin, at(t, "Europe/Berlin", "2026-12-05 11:00"), "2026-12-07 12:00", 4 * time.Hour},
		{"Monday a holiday", berlinHoliday, at(t, "Europe/Berlin", "2026-12-04 16:00"), "2026-12-08 10:30", 4 * time.Hour},
		// Spring forward on Sunday 29 March 2026: Friday in winter time,
		// Monday in summer time (UTC+2).
		{"over spring forward", eight, at(t, "Europe/Berlin", "2026-03-27 16:00"), "2026-03-30 14:00", 8 * time.Hour},
		// Fall back on Sunday 25 October 2026.
		{"over fall back", eight, at(t, "Europe/Berlin", "2026-10-23 16:00"), "2026-10-26 15:00", 8 * time.Hour},
		// A desk that never closes: the 23-hour and 25-hour Sundays count
		// as they are.
		{"round the clock, spring", allDay, at(t, "Europe/Berlin", "2026-03-28 22:00"), "2026-03-29 02:00", 5 * time.Hour},
		{"round the clock, autumn", allDay, at(t, "Europe/Berlin", "2026-10-24 22:00"), "2026-10-25 01:00", 5 * time.Hour},
		{"half-hour offset", kolkata, at(t, "Asia/Kolkata", "2026-11-30 17:30"), "2026-12-01 08:00", 4 * time.Hour},
		{"São Paulo", saoPaulo, at(t, "America/Sao_Paulo", "2026-12-04 16:00"), "2026-12-07 14:00", 4 * time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			due := c.s.Due(c.arrival)
			if got := due.UTC().Format("2006-01-02 15:04"); got != c.wantUTC {
				t.Errorf("due %s UTC, want %s", got, c.wantUTC)
			}
			if w := c.s.Working(c.arrival, due); w != c.wantWork {
				t.Errorf("working time to the due moment %s, want %s", w, c.wantWork)
			}
		})
	}
}

func TestWorking(t *testing.T) {
	berlin := mustHours(t, "Mon-Fri 09:00-17:30 Europe/Berlin", 4*time.Hour)
	a, b := at(t, "Europe/Berlin", "2026-12-04 16:00"), at(t, "Europe/Berlin", "2026-12-07 10:00")
	if w := berlin.Working(a, b); w != 150*time.Minute {
		t.Fatalf("Friday 16:00 to Monday 10:00: %s of working time, want 2h30m", w)
	}
	if w := berlin.Working(b, a); w != 0 {
		t.Fatalf("backwards: %s", w)
	}
	weekend := berlin.Working(at(t, "Europe/Berlin", "2026-12-05 08:00"), at(t, "Europe/Berlin", "2026-12-06 20:00"))
	if weekend != 0 {
		t.Fatalf("a weekend has %s of working time", weekend)
	}
}

func TestParseHours(t *testing.T) {
	s, err := ParseHours("Sun-Thu 08:30-16:00 Asia/Riyadh")
	if err != nil {
		t.Fatal(err)
	}
	if DaysText(s.Days) != "Sun,Mon,Tue,Wed,Thu" || Clock(s.Opens) != "08:30" || Clock(s.Closes) != "16:00" || s.Location.String() != "Asia/Riyadh" {
		t.Fatalf("parsed %+v", s)
	}
	if s, err := ParseHours("Mon,Wed,Fri 09:00-12:00 UTC"); err != nil || DaysText(s.Days) != "Mon,Wed,Fri" {
		t.Fatalf("a list of days: %v %v", s.Days, err)
	}
	for _, bad := range []string{"", "Mon-Fri 09:00-17:30", "Mon-Frx 09:00-17:30 UTC", "Mon-Fri 17:00-09:00 UTC",
		"Mon-Fri 9-17 UTC", "Mon-Fri 09:00-17:30 Mars/Olympus", "Mon-Fri 09:00-25:00 UTC", "Mon-Fri 09:00-17:30 Local"} {
		if _, err := ParseHours(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAllHolidaysStillEnds(t *testing.T) {
	s := mustHours(t, "Mon 09:00-10:00 UTC", time.Hour)
	s.Holidays = map[string]bool{}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := start; d.Before(start.AddDate(4, 0, 0)); d = d.AddDate(0, 0, 1) {
		s.Holidays[d.Format(time.DateOnly)] = true
	}
	if due := s.Due(start); !due.Equal(start.Add(time.Hour)) {
		t.Fatalf("a desk on holiday for years: due %s", due)
	}
}

func TestDescribe(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		due  time.Time
		want string
	}{
		{now.Add(2*time.Hour + 10*time.Minute), "due in 2 h 10 min"},
		{now.Add(-26 * time.Hour), "overdue by 1 day 2 h"},
		{now.Add(-72 * time.Hour), "overdue by 3 days"},
		{now.Add(5 * time.Minute), "due in 5 min"},
	} {
		if got, _ := Describe(c.due, now); got != c.want {
			t.Errorf("%s: %q, want %q", c.due.Sub(now), got, c.want)
		}
	}
}
