package compliance

import (
	"context"
	"sync/atomic"
	"time"

	"iordesk/internal/store"
)

// Book holds the rules in force for screening, read from the database and
// read again when they change (here, or — every few minutes — on another
// instance).
type Book struct {
	st      *store.Store
	current atomic.Pointer[Rules]
}

// Open gives a new database the seed's rules and reads the rules in force.
func Open(ctx context.Context, st *store.Store) (*Book, error) {
	rules, err := Load(ctx, st)
	if err != nil {
		return nil, err
	}
	b := &Book{st: st}
	b.current.Store(rules)
	return b, nil
}

// Rules are the rules in force now.
func (b *Book) Rules() *Rules { return b.current.Load() }

// Reload reads the rules in force again.
func (b *Book) Reload(ctx context.Context) error {
	rows, err := b.st.CurrentRules(ctx)
	if err != nil {
		return err
	}
	rules := make([]*Rule, 0, len(rows))
	for _, row := range rows {
		r, err := fromRow(row)
		if err != nil {
			return err
		}
		rules = append(rules, r)
	}
	idx, err := New(rules)
	if err != nil {
		return err
	}
	b.current.Store(idx)
	return nil
}

// Save stores a new version of rule (retire ends it) and puts the rules in
// force to use here at once.
func (b *Book) Save(ctx context.Context, rule *Rule, retire bool) error {
	if err := b.st.SaveRule(ctx, toRow(rule), retire); err != nil {
		return err
	}
	return b.Reload(ctx)
}

// ScreenEnquiry screens every destination of e: the findings to store
// with it (the rule and version that applied) and its state (clear,
// action, hold or block).
func (r *Rules) ScreenEnquiry(e *store.Enquiry) ([]store.Finding, string) {
	var out []store.Finding
	worst := Severity(0)
	for _, dest := range e.Destinations {
		found := r.Screen(Facts{Destination: dest, Category: e.ProductCategory, Description: e.ProductDescription,
			ContainsEncryption: e.ContainsEncryption, WirelessRadio: e.WirelessRadio, LithiumBatteries: e.LithiumBatteries,
			Condition: e.Condition, EndUserHQ: e.EndUserHQCountry})
		worst = max(worst, State(found))
		for _, f := range found {
			out = append(out, Stored(dest, f))
		}
	}
	return out, StateName(worst)
}

// reloadEvery is how often an instance reads the rules again, to see
// changes made on another instance.
const reloadEvery = 5 * time.Minute

// Refresh reloads the rules every few minutes until ctx ends.
func (b *Book) Refresh(ctx context.Context, onError func(error)) {
	t := time.NewTicker(reloadEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := b.Reload(ctx); err != nil && ctx.Err() == nil {
				onError(err)
			}
		}
	}
}
