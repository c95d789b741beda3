// Package desk knows which desk answers an enquiry and what that desk
// promises: the routing rules, each desk's hours and holidays, and the
// default desk's hours from the configuration (docs/DESIGN.md, "The
// first-response promise").
package desk

import (
	"context"
	"sync"
	"time"

	"iordesk/internal/catalog"
	"iordesk/internal/sla"
	"iordesk/internal/store"
)

// Default is the default desk's name in the enquiries' desk column.
const Default = ""

// Registry answers from a snapshot of the rules and desks, read again at
// most every refresh so the intake does not query them per post; a change
// made through this instance is seen at once (Forget).
type Registry struct {
	store    *store.Store
	cat      *catalog.Catalogue
	fallback sla.Schedule
	now      func() time.Time

	mu     sync.Mutex
	snap   *snapshot
	loaded time.Time
}

// refresh is how old a snapshot may be: another instance's change to a
// desk's hours applies within it.
const refresh = 30 * time.Second

type snapshot struct {
	rules    []store.RoutingRule
	hours    map[string]sla.Schedule    // desks with hours of their own
	holidays map[string]map[string]bool // desk → days off
}

// New builds a registry; fallback is the default desk's schedule from the
// configuration.
func New(st *store.Store, cat *catalog.Catalogue, fallback sla.Schedule, now func() time.Time) *Registry {
	return &Registry{store: st, cat: cat, fallback: fallback, now: now}
}

// Forget drops the snapshot: the next question reads the rules and desks
// again.
func (r *Registry) Forget() {
	r.mu.Lock()
	r.snap = nil
	r.mu.Unlock()
}

func (r *Registry) current(ctx context.Context) (*snapshot, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.snap != nil && r.now().Sub(r.loaded) < refresh {
		return r.snap, nil
	}
	rules, err := r.store.RoutingRules(ctx)
	if err != nil {
		return nil, err
	}
	desks, holidays, err := r.store.Desks(ctx)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{rules: rules, hours: map[string]sla.Schedule{}, holidays: map[string]map[string]bool{}}
	for _, d := range desks {
		if s, err := Schedule(d); err == nil {
			snap.hours[d.Email] = s
		}
	}
	for _, h := range holidays {
		if snap.holidays[h.Email] == nil {
			snap.holidays[h.Email] = map[string]bool{}
		}
		snap.holidays[h.Email][h.Day] = true
	}
	r.snap, r.loaded = snap, r.now()
	return snap, nil
}

// Schedule reads a stored desk's hours.
func Schedule(d store.Desk) (sla.Schedule, error) {
	hours := d.Days + " " + d.Opens + "-" + d.Closes + " " + d.TimeZone
	s, err := sla.ParseHours(hours)
	if err != nil {
		return sla.Schedule{}, err
	}
	s.Target = time.Duration(d.TargetMinutes) * time.Minute
	return s, s.Check()
}

// For is the desk that answers an enquiry to destinations: the address of
// the first routing rule (in the rules' order) matching one of them, else
// the default desk; and that desk's schedule.
func (r *Registry) For(ctx context.Context, destinations []string) (string, sla.Schedule, error) {
	snap, err := r.current(ctx)
	if err != nil {
		return Default, r.fallback, err
	}
	for _, rule := range snap.rules {
		for _, d := range destinations {
			if r.cat.Matches(rule.Match, d) {
				return rule.Email, r.schedule(snap, rule.Email), nil
			}
		}
	}
	return Default, r.schedule(snap, Default), nil
}

// ScheduleOf is a desk's schedule by its name.
func (r *Registry) ScheduleOf(ctx context.Context, desk string) (sla.Schedule, error) {
	snap, err := r.current(ctx)
	if err != nil {
		return r.fallback, err
	}
	return r.schedule(snap, desk), nil
}

// schedule is a desk's hours (its own, else the default desk's) with its
// own holidays.
func (r *Registry) schedule(snap *snapshot, desk string) sla.Schedule {
	s, ok := snap.hours[desk]
	if !ok {
		if s, ok = snap.hours[Default]; !ok {
			s = r.fallback
		}
	}
	s.Holidays = snap.holidays[desk]
	return s
}

// Names are the desks there are: the default desk and every routing
// address, each once, in that order.
func (r *Registry) Names(ctx context.Context) ([]string, error) {
	snap, err := r.current(ctx)
	if err != nil {
		return nil, err
	}
	names := []string{Default}
	seen := map[string]bool{Default: true}
	for _, rule := range snap.rules {
		if !seen[rule.Email] {
			seen[rule.Email] = true
			names = append(names, rule.Email)
		}
	}
	return names, nil
}
