package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The rollups (docs/DESIGN.md, "Rollups") count the enquiries created on
// each day and in each month by what the overview and the reports group
// by, kept in the same write as every change that moves a count, so the
// dashboards read a few hundred counters instead of a million rows.

// The groupings (rollups.dim) and what their key holds.
const (
	rollStatus   = "status"   // the status; spam included
	rollService  = "service"  // the service asked for
	rollCategory = "category" // the product category
	rollLine     = "line"     // a destination line: "country state"
	rollLane     = "lane"     // origin → destination: "origin country"
	rollFee      = "fee"      // a quoted line: "country currency"; amount is the fee in cents
	// rollUnassigned counts by status the enquiries nobody is assigned.
	rollUnassigned = "unassigned"
	// rollAgent counts the enquiries by assignee ("none": nobody's);
	// rollAgentLine the lines by their assignee (the enquiry's unless the
	// line has its own) and state: "assignee state".
	rollAgent     = "agent"
	rollAgentLine = "agent-line"
	// rollSource counts the enquiries by where they came from and how they
	// ended: "utm_source\tutm_campaign\tstatus" (tracking values hold no
	// control characters).
	rollSource = "source"
	// rollValue sums the shipment values by "status currency" (amount:
	// cents).
	rollValue = "value"
	// rollLanguage counts the enquiries by the language the prospect
	// wrote in.
	rollLanguage = "language"
)

// The grains of a counter's period: a day (YYYY-MM-DD) or a month
// (YYYY-MM), both UTC.
const (
	grainDay   = "d"
	grainMonth = "m"
)

// counter names one rollup row.
type counter struct{ dim, grain, period, key string }

// tally is how a change moves one counter.
type tally struct{ n, amount int64 }

// tallies are the counters a change moves.
type tallies map[counter]tally

// lineState is what the rollups read of a destination line.
type lineState struct {
	Country, State string
	FeeCents       *int64
	FeeCurrency    string
	AssigneeID     *int64 // nil: the enquiry's
}

// agentKey is an assignee as the rollups name it.
func agentKey(id *int64) string {
	if id == nil {
		return "none"
	}
	return strconv.FormatInt(*id, 10)
}

// duplicatePrefix marks the groupings of confirmed duplicates: the
// overview and the reports count a duplicate once, in its original, but
// the list shows it, so the list's counts add these.
const duplicatePrefix = "dup:"

// add counts one enquiry in its current state (sign +1), or takes it out
// (sign -1): spam only under its status, anything else under every
// grouping, each line once; a confirmed duplicate the same way under the
// duplicates' groupings.
func (t tallies) add(e *Enquiry, lines []lineState, sign int64) {
	prefix := ""
	if e.DuplicateOf != nil {
		prefix = duplicatePrefix
	}
	created := e.CreatedAt.UTC()
	day, month := created.Format(time.DateOnly), created.Format("2006-01")
	count := func(dim, key string, amount int64) {
		dim = prefix + dim
		for _, c := range []counter{{dim, grainDay, day, key}, {dim, grainMonth, month, key}} {
			v := t[c]
			v.n += sign
			v.amount += sign * amount
			t[c] = v
		}
	}
	count(rollStatus, e.Status, 0)
	if e.Status == StatusSpam {
		return
	}
	count(rollService, e.Service, 0)
	count(rollCategory, e.ProductCategory, 0)
	count(rollLanguage, e.Language, 0)
	if e.AssigneeID == nil {
		count(rollUnassigned, e.Status, 0)
	}
	count(rollAgent, agentKey(e.AssigneeID), 0)
	count(rollValue, e.Status+" "+e.Currency, e.ShipmentValueCents)
	count(rollSource, e.UTMSource+"\t"+e.UTMCampaign+"\t"+e.Status, 0)
	for _, l := range lines {
		count(rollLine, l.Country+" "+l.State, 0)
		owner := e.AssigneeID
		if l.AssigneeID != nil {
			owner = l.AssigneeID
		}
		count(rollAgentLine, agentKey(owner)+" "+l.State, 0)
		count(rollLane, e.OriginCountry+" "+l.Country, 0)
		if l.FeeCents != nil {
			count(rollFee, l.Country+" "+l.FeeCurrency, *l.FeeCents)
		}
	}
}

// merge adds o's counts to t.
func (t tallies) merge(o tallies) {
	for c, v := range o {
		w := t[c]
		t[c] = tally{w.n + v.n, w.amount + v.amount}
	}
}

// tally is where a write adds how it moves the rollups.
func (tx *Tx) tally() tallies {
	if tx.counted == nil {
		tx.counted = tallies{}
	}
	return tx.counted
}

// openLines are the lines of a new enquiry: one open line a destination.
func openLines(countries []string) []lineState {
	out := make([]lineState, len(countries))
	for i, c := range countries {
		out[i] = lineState{Country: c, State: LineOpen}
	}
	return out
}

// rollupWidth is the columns of a counter row; rollupChunk how many rows
// one statement writes (statements for 1 to rollupChunk rows are prepared).
const (
	rollupWidth = 6
	rollupChunk = 32
)

func rollupsKey(n int) string { return fmt.Sprintf("add-rollups/%d", n) }

// addRollups moves the counters, in key order: concurrent writers on
// PostgreSQL then lock the rows they share in one order, and never wait
// for each other in a circle.
func (tx *Tx) addRollups(t tallies) error {
	keys := make([]counter, 0, len(t))
	for c, v := range t {
		if v != (tally{}) {
			keys = append(keys, c)
		}
	}
	slices.SortFunc(keys, func(a, b counter) int {
		return strings.Compare(a.dim+"\x00"+a.grain+"\x00"+a.period+"\x00"+a.key, b.dim+"\x00"+b.grain+"\x00"+b.period+"\x00"+b.key)
	})
	for chunk := range slices.Chunk(keys, rollupChunk) {
		args := make([]any, 0, rollupWidth*len(chunk))
		for _, c := range chunk {
			args = append(args, c.dim, c.grain, c.period, c.key, t[c].n, t[c].amount)
		}
		if _, err := tx.execRows("add-rollups", rollupsKey(len(chunk)), len(chunk), rollupWidth, args...); err != nil {
			return fmt.Errorf("rollups: %w", err)
		}
	}
	return nil
}

// countedState reads what the rollups count of enquiry id, inside the
// write: the enquiry and its lines as they are now.
func (tx *Tx) countedState(id int64) (*Enquiry, []lineState, error) {
	var e Enquiry
	err := tx.db.Select("id, status, service, product_category, origin_country, assignee_id, utm_source, utm_campaign, "+
		"shipment_value_cents, currency, duplicate_of, created_at, destinations, language").
		Where("id = ?", id).Take(&e).Error
	if err != nil {
		return nil, nil, err
	}
	lines := make([]lineState, 0, len(e.Destinations))
	for _, country := range e.Destinations {
		row, err := tx.queryRow("enquiry-line", country, id, id)
		if err != nil {
			return nil, nil, err
		}
		l := lineState{Country: country}
		var fee sql.NullInt64
		var currency sql.NullString
		var assignee sql.NullInt64
		if err := row.Scan(&l.State, &fee, &currency, &assignee); err != nil {
			return nil, nil, fmt.Errorf("line %s of enquiry %d: %w", country, id, err)
		}
		if fee.Valid {
			l.FeeCents = &fee.Int64
		}
		if assignee.Valid {
			l.AssigneeID = &assignee.Int64
		}
		l.FeeCurrency = currency.String
		lines = append(lines, l)
	}
	return &e, lines, nil
}

// recounted moves the counters by the difference a change made to
// enquiry id: before is what was counted of it before the change.
func (tx *Tx) recounted(id int64, before tallies) error {
	e, lines, err := tx.countedState(id)
	if err != nil {
		return err
	}
	before.add(e, lines, +1)
	tx.tally().merge(before)
	return nil
}

// uncounted is what the rollups count of enquiry id now, negated: the
// start of a recount after a change.
func (tx *Tx) uncounted(id int64) (tallies, error) {
	e, lines, err := tx.countedState(id)
	if err != nil {
		return nil, err
	}
	t := tallies{}
	t.add(e, lines, -1)
	return t, nil
}

// RollupSum is one key of a grouping over a period: how many, and the sum
// of the amounts (quoted fees).
type RollupSum struct {
	Key       string
	N, Amount int64
}

// rollupSums sums one grouping over [from, to) (whole UTC days): the
// months the period covers whole from the monthly counters, the days at
// either end from the daily ones.
func (s *Store) rollupSums(ctx context.Context, dim string, from, to time.Time) (map[string]RollupSum, error) {
	out := map[string]RollupSum{}
	r := splitPeriod(from, to)
	args := []any{dim, r[0], r[1], dim, r[2], r[3], dim, r[4], r[5]}
	err := s.scanRows(ctx, "rollup-sums", args, func(scan func(...any) error) error {
		var r RollupSum
		if err := scan(&r.Key, &r.N, &r.Amount); err != nil {
			return err
		}
		if r.N != 0 || r.Amount != 0 {
			out[r.Key] = r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rollup %s: %w", dim, err)
	}
	return out, nil
}

// splitPeriod cuts [from, to) into the whole months [firstMonth,
// endMonth) and the days [from, firstMonth-01) and [endMonth-01, to), as
// those six bounds.
func splitPeriod(from, to time.Time) [6]string {
	f, t := from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly)
	firstMonth := f[:7]
	if !strings.HasSuffix(f, "-01") {
		firstMonth = from.UTC().AddDate(0, 0, 1-from.UTC().Day()).AddDate(0, 1, 0).Format("2006-01")
	}
	endMonth := t[:7]
	if firstMonth >= endMonth {
		// No whole month: days only.
		return [6]string{"", "", f, t, "", ""}
	}
	return [6]string{firstMonth, endMonth, f, firstMonth + "-01", endMonth + "-01", t}
}

// periodSums sums one grouping by period of a grain over [from, to),
// one key left out, into out (added to what it holds).
func (s *Store) periodSums(ctx context.Context, dim, grain, without, first, end string, out map[string]int64) error {
	if first >= end {
		return nil
	}
	return s.scanRows(ctx, "rollup-periods", []any{dim, grain, without, first, end}, func(scan func(...any) error) error {
		var period string
		var n int64
		if err := scan(&period, &n); err != nil {
			return err
		}
		out[period] += n
		return nil
	})
}

// daily sums one grouping by day over [from, to), one key left out.
func (s *Store) daily(ctx context.Context, dim, without string, from, to time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.periodSums(ctx, dim, grainDay, without, from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly), out)
	return out, err
}

// monthly sums one grouping by month (YYYY-MM) over [from, to), one key
// left out: whole months from the monthly counters, the ends from the
// daily ones.
func (s *Store) monthly(ctx context.Context, dim, without string, from, to time.Time) (map[string]int64, error) {
	r := splitPeriod(from, to)
	out, days := map[string]int64{}, map[string]int64{}
	for _, step := range []func() error{
		func() error { return s.periodSums(ctx, dim, grainMonth, without, r[0], r[1], out) },
		func() error { return s.periodSums(ctx, dim, grainDay, without, r[2], r[3], days) },
		func() error { return s.periodSums(ctx, dim, grainDay, without, r[4], r[5], days) },
	} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	for day, n := range days {
		out[day[:7]] += n
	}
	return out, nil
}

// RollupDifference is a counter that differs from a recount of the base
// tables.
type RollupDifference struct {
	Dim, Grain, Period, Key string
	Kept, Recounted         tally
}

func (d RollupDifference) String() string {
	return fmt.Sprintf("%s %s %s %q: kept %d (amount %d), recounted %d (amount %d)",
		d.Dim, d.Grain, d.Period, d.Key, d.Kept.n, d.Kept.amount, d.Recounted.n, d.Recounted.amount)
}

// CheckRollups recounts every counter from the base tables and lists the
// counters that differ (none: the rollups are true).
func (s *Store) CheckRollups(ctx context.Context) ([]RollupDifference, error) {
	kept, err := s.readCounters(ctx, "read the rollups", s.queries.sql("all-rollups"))
	if err != nil {
		return nil, err
	}
	recount, err := s.readCounters(ctx, "recount the rollups", s.queries.text["recount"])
	if err != nil {
		return nil, err
	}
	var out []RollupDifference
	for c, v := range recount {
		if kept[c] != v {
			out = append(out, RollupDifference{Dim: c.dim, Grain: c.grain, Period: c.period, Key: c.key, Kept: kept[c], Recounted: v})
		}
	}
	for c, v := range kept {
		if _, ok := recount[c]; !ok && v != (tally{}) {
			out = append(out, RollupDifference{Dim: c.dim, Grain: c.grain, Period: c.period, Key: c.key, Kept: v})
		}
	}
	slices.SortFunc(out, func(a, b RollupDifference) int { return strings.Compare(a.String(), b.String()) })
	return out, nil
}

// readCounters reads counter rows from the text of a statement.
func (s *Store) readCounters(ctx context.Context, what, q string) (map[counter]tally, error) {
	rows, err := s.queryText(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := map[counter]tally{}
	for rows.Next() {
		var c counter
		var t tally
		if err := rows.Scan(&c.dim, &c.grain, &c.period, &c.key, &t.n, &t.amount); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out[c] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// RebuildRollups rewrites every counter from the base tables, in one
// write.
func (s *Store) RebuildRollups(ctx context.Context) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.rebuildRollups() })
}

func (tx *Tx) rebuildRollups() error {
	return rebuildRollups(tx.db, tx.queries)
}

// rebuildRollups rewrites the counters on db (a write's transaction, or a
// migration's).
func rebuildRollups(db *gorm.DB, q queryBook) error {
	if err := db.Exec(q.sql("delete-rollups")).Error; err != nil {
		return fmt.Errorf("rebuild rollups: %w", err)
	}
	if err := db.Exec(q.sql("rebuild-rollups", "{recount}", q.text["recount"])).Error; err != nil {
		return fmt.Errorf("rebuild rollups: %w", err)
	}
	return nil
}

// rolledCount counts the list's rows from the rollups when the filter is
// one structured condition over the whole book — a destination, a status,
// a service, a category, an assignee or nobody, or none — adding the
// confirmed duplicates the list shows. ok is false for any other filter.
func (s *Store) rolledCount(ctx context.Context, f Filter) (n int64, ok bool, err error) {
	if !f.From.IsZero() || !f.To.IsZero() || strings.TrimSpace(f.Query) != "" || f.Scheme != "" || f.Compliance != "" ||
		f.DueBy != "" || f.Response != "" || f.WaitingForUs || f.PerLine {
		return 0, false, nil
	}
	conditions := 0
	for _, set := range []bool{f.Country != "", f.Status != "", f.Service != "", f.Category != "", f.AssigneeID != 0, f.Unassigned} {
		if set {
			conditions++
		}
	}
	if conditions > 1 {
		return 0, false, nil
	}
	// Which grouping, and which of its keys count.
	dim, wanted := rollStatus, func(key string) bool { return key != StatusSpam }
	switch {
	case f.Country != "":
		dim, wanted = rollLine, func(key string) bool { return strings.HasPrefix(key, f.Country+" ") }
	case f.Status == "open":
		wanted = func(key string) bool { return slices.Contains(OpenStatuses, key) }
	case f.Status != "":
		wanted = func(key string) bool { return key == f.Status }
	case f.Service != "":
		dim, wanted = rollService, func(key string) bool { return key == f.Service }
	case f.Category != "":
		dim, wanted = rollCategory, func(key string) bool { return key == f.Category }
	case f.AssigneeID != 0:
		id := f.AssigneeID
		dim, wanted = rollAgent, func(key string) bool { return key == agentKey(&id) }
	case f.Unassigned:
		dim, wanted = rollAgent, func(key string) bool { return key == agentKey(nil) }
	}
	first, last := period(time.Time{}, time.Time{})
	for _, d := range []string{dim, duplicatePrefix + dim} {
		sums, err := s.rollupSums(ctx, d, first, last)
		if err != nil {
			return 0, false, err
		}
		for key, r := range sums {
			if wanted(key) {
				n += r.N
			}
		}
	}
	return n, true, nil
}
