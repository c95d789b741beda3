package report

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"iordesk/internal/desk"
	"iordesk/internal/sla"
	"iordesk/internal/store"
)

// promiseFigures are how a group of enquiries' first-response promises
// were kept: answered within the promise, answered, and still waiting
// past it (broken too); the working time each answer took.
type promiseFigures struct {
	enquiries, answered, met, overdue int64
	working                           []time.Duration
}

func (p *promiseFigures) add(pr store.Promise, hours sla.Schedule, now time.Time) {
	p.enquiries++
	switch {
	case pr.FirstResponseAt != nil:
		p.answered++
		if !pr.FirstResponseAt.After(pr.RespondBy) {
			p.met++
		}
		p.working = append(p.working, hours.Working(pr.CreatedAt, *pr.FirstResponseAt))
	case now.After(pr.RespondBy):
		p.overdue++
	}
}

// cells are the figures as table cells: answered, met % of those due
// (answered or overdue), median and 90th percentile of working time.
func (p *promiseFigures) cells() []Cell {
	slices.Sort(p.working)
	return []Cell{count(p.enquiries), count(p.answered), percent(p.met, p.answered+p.overdue),
		workingCell(store.NearestRank(p.working, 0.5), len(p.working)), workingCell(store.NearestRank(p.working, 0.9), len(p.working))}
}

// workingCell is a working time in hours ("2.5 h"), its value in hours.
func workingCell(d time.Duration, n int) Cell {
	if n == 0 {
		return text("—")
	}
	return Cell{Text: fmt.Sprintf("%.1f h", d.Hours()), Value: d.Hours()}
}

// promiseTables are the first-response figures by desk and by the agent
// who answered, in working time against each desk's promise.
func (h *Handlers) promiseTables(ctx context.Context, r *store.Report) ([]Table, error) {
	users, err := h.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	names := store.NamesByID(users)
	now := h.now()
	byDesk, byAgent := map[string]*promiseFigures{}, map[int64]*promiseFigures{}
	schedules := map[string]sla.Schedule{}
	for _, pr := range r.Promises {
		hours, ok := schedules[pr.Desk]
		if !ok {
			if hours, err = h.desks.ScheduleOf(ctx, pr.Desk); err != nil {
				return nil, err
			}
			schedules[pr.Desk] = hours
		}
		if byDesk[pr.Desk] == nil {
			byDesk[pr.Desk] = &promiseFigures{}
		}
		byDesk[pr.Desk].add(pr, hours, now)
		if pr.FirstResponseBy != nil {
			if byAgent[*pr.FirstResponseBy] == nil {
				byAgent[*pr.FirstResponseBy] = &promiseFigures{}
			}
			byAgent[*pr.FirstResponseBy].add(pr, hours, now)
		}
	}
	desks := Table{Title: "First response by desk", Header: []string{"Desk", "Promise (working time)", "Enquiries", "Answered", "Within the promise", "Median", "90th percentile"}}
	deskNames := make([]string, 0, len(byDesk))
	for d := range byDesk {
		deskNames = append(deskNames, d)
	}
	sort.Strings(deskNames)
	for _, d := range deskNames {
		name := d
		if d == desk.Default {
			name = "The default desk"
		}
		row := append([]Cell{text(name), text(fmt.Sprintf("%.1f h", schedules[d].Target.Hours()))}, byDesk[d].cells()...)
		desks.Rows = append(desks.Rows, row)
		desks.Links = append(desks.Links, "")
	}
	agents := Table{Title: "First response by agent", Header: []string{"Agent", "Enquiries", "Answered", "Within the promise", "Median", "90th percentile"}}
	ids := make([]int64, 0, len(byAgent))
	for id := range byAgent {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return names[ids[i]] < names[ids[j]] })
	for _, id := range ids {
		agents.Rows = append(agents.Rows, append([]Cell{text(names[id])}, byAgent[id].cells()...))
		agents.Links = append(agents.Links, "")
	}
	return []Table{desks, agents}, nil
}
