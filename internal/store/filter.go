package store

import (
	"slices"
	"strings"
	"time"

	"iordesk/internal/search"
)

// Filter selects enquiries for the dashboard list and the exports. The zero
// value lists every enquiry but spam, newest first.
type Filter struct {
	Country    string // ISO alpha-2 destination
	Status     string
	Service    string
	Category   string
	AssigneeID int64 // 0: anyone
	Unassigned bool
	Compliance string // a compliance state (ComplianceClear…)
	Scheme     string // a scheme some finding of the enquiry names
	DueBy      string // open, with a next action planned on or before this date (YYYY-MM-DD)
	// Response: ResponseWaiting for enquiries still waiting for their
	// first response under a promise, ResponseOverdue for those past it at
	// Now.
	Response string
	// WaitingForUs: enquiries whose prospect wrote and was not answered.
	WaitingForUs bool
	Now          time.Time
	// Query is a full-text search (search.Parse has the syntax); its
	// results come most relevant first unless Oldest or Newest.
	Query    string
	From, To time.Time // created in [From, To); zero: unbounded
	Oldest   bool      // oldest first instead of newest
	Newest   bool      // newest first even when searching
	// PerLine asks the export for a row per destination line (of the
	// Country only, when set), by destination, then oldest first.
	PerLine bool
	Offset  int
	Limit   int
}

// The first-response filters (Filter.Response).
const (
	ResponseWaiting = "waiting"
	ResponseOverdue = "overdue"
)

// likeEscaper makes a search string match literally inside LIKE … ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// searches reports whether the filter reads the full-text index, which
// may rank every match; everything else, a reference included, walks an
// index for a page.
func (f Filter) searches() bool {
	return search.Parse(f.Query).Searches()
}

// filterSQL is a Filter as the {from}, {where} and {order} of the list's
// statements (list-enquiries, count-enquiries-capped, export-enquiries in
// the query files). Its conditions are the same on both engines; the
// free-text match, which is not, comes from the query files too.
type filterSQL struct {
	book  queryBook
	from  string // the tables, aliased e (and d)
	where string // the conditions, never empty (spam is always decided)
	args  []any
	// created and id order the rows: with a country, the destination
	// index's own columns, so its rows come newest first without a sort.
	created, id string
	// perLine: a row per destination line, in the destinations' key order
	// (country, then oldest first), which needs no sort.
	perLine bool
	oldest  bool
	// arrival orders a search by date: the enquiries' ids, which follow
	// created_at (every enquiry is stamped as it is inserted) and which
	// the full-text index can read in order.
	arrival string
	// rank orders a search by relevance (then newest first); rankArgs are
	// its parameters, which follow the conditions'.
	rank     string
	rankArgs []any
}

func (s *Store) filterSQL(f Filter) filterSQL {
	q := filterSQL{book: s.queries, from: "enquiries AS e", created: "e.created_at", id: "e.id", oldest: f.Oldest}
	query := search.Parse(f.Query)
	if query.Searches() {
		// The documents come first: on SQLite a CROSS JOIN keeps them the
		// outer loop, so a MATCH is run once, never once per enquiry. Their
		// order of arrival is the enquiries' ids, in the index.
		q.from = s.queries.text["search-from"]
		q.arrival = s.queries.text["search-arrival"]
	}
	var conds []string
	where := func(cond string, args ...any) {
		conds = append(conds, cond)
		q.args = append(q.args, args...)
	}
	if f.Country != "" || f.PerLine {
		if query.Searches() {
			q.from += " JOIN enquiry_destinations AS d ON d.enquiry_id = e.id"
		} else {
			q.from = "enquiry_destinations AS d JOIN enquiries AS e ON e.id = d.enquiry_id"
		}
		q.created, q.id = "d.created_at", "d.enquiry_id"
	}
	if f.Country != "" {
		where("d.country = ?", f.Country)
	}
	q.perLine = f.PerLine
	if !f.From.IsZero() {
		where(q.created+" >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		where(q.created+" < ?", f.To.UTC())
	}
	switch f.Status {
	case "":
		where("e.status <> ?", StatusSpam)
	case "open":
		where("e.status IN (?, ?, ?, ?)", anySlice(OpenStatuses)...)
	default:
		where("e.status = ?", f.Status)
	}
	if f.Service != "" {
		where("e.service = ?", f.Service)
	}
	if f.Category != "" {
		where("e.product_category = ?", f.Category)
	}
	if f.Compliance != "" {
		where("e.compliance_state = ?", f.Compliance)
	}
	if f.Scheme != "" {
		where(s.queries.text["has-scheme"], f.Scheme)
	}
	if f.DueBy != "" {
		// Implies follow_up_on IS NOT NULL: both engines walk the partial
		// index of planned actions. Only open enquiries have one (closing
		// an enquiry clears it), so no status condition is needed, which
		// would tempt the planner to the status index.
		where(s.queries.text["few-planned-actions"], f.DueBy)
	}
	switch f.Response {
	case ResponseWaiting:
		where("e.first_response_at IS NULL AND e.respond_by IS NOT NULL")
	case ResponseOverdue:
		where("e.first_response_at IS NULL AND e.respond_by < ?", f.Now.UTC())
	}
	if f.WaitingForUs {
		// A range, which implies the partial index's IS NOT NULL on both
		// engines.
		where(s.queries.text["few-awaiting-reply"], time.Unix(0, 0).UTC())
	}
	if f.AssigneeID != 0 {
		where("e.assignee_id = ?", f.AssigneeID)
	}
	if f.Unassigned {
		where("e.assignee_id IS NULL")
	}
	for _, ref := range query.References {
		// A reference is looked up through its unique index.
		where("e.reference = ?", ref)
	}
	if query.Empty {
		where("1 = 0") // only punctuation: nothing to find
	}
	if query.Searches() {
		where(s.queries.text["search-match"], s.dialect.searchMatch(query))
		if !f.Oldest && !f.Newest {
			q.rank, q.rankArgs = s.queries.text["search-rank"], s.dialect.searchRank(query)
		}
	}
	q.where = strings.Join(conds, " AND ")
	return q
}

// order is the list's order: most relevant first for a search, else
// newest first, or oldest first.
func (q filterSQL) order() string {
	switch {
	case q.perLine:
		return "d.country, d.created_at, d.enquiry_id"
	case q.rank != "":
		return q.rank + " DESC, " + q.arrival + " DESC"
	case q.arrival != "" && q.oldest:
		return q.arrival
	case q.arrival != "":
		return q.arrival + " DESC"
	case q.oldest:
		return q.created + ", " + q.id
	}
	return q.created + " DESC, " + q.id + " DESC"
}

// statement is the named list statement completed with this filter.
func (q filterSQL) statement(name string) string {
	line := ""
	if q.perLine {
		line = q.book.text["export-line-columns"]
	}
	return q.book.sql(name, "{from}", q.from, "{where}", q.where, "{order}", q.order(), "{line}", line)
}

// orderedArgs are the parameters of a statement with the filter's order,
// then extra (a page's limit and offset).
func (q filterSQL) orderedArgs(extra ...any) []any {
	args := append(slices.Clone(q.args), q.rankArgs...)
	return append(args, extra...)
}
