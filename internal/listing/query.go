// Package listing is the enquiry list's query string: the filter the desk
// bookmarks and shares, which the list, its counts and the exports all
// read, turned into the store's Filter.
package listing

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"iordesk/internal/catalog"
	"iordesk/internal/store"
)

// Query is the list's filter as it appears in the query string, so a
// filtered view can be bookmarked and shared; values that do not parse are
// dropped, never guessed.
type Query struct {
	Country, Status, Service, Category, Assignee, Q, From, To, Sort string
	Compliance, Scheme                                              string
	// Due is "today": open enquiries whose next action is planned for
	// today or earlier.
	Due string
	// Response is "waiting" (for a first response under a promise) or
	// "overdue" (past it).
	Response string
	// Waiting is "us": enquiries whose prospect wrote and was not
	// answered.
	Waiting string
	Page    int
}

// PageSize is how many enquiries a page of the list shows.
const PageSize = 50

// Parse reads the list's filter from a query string.
func Parse(v url.Values, cat *catalog.Catalogue) Query {
	q := Query{Page: 1}
	if c := strings.ToUpper(strings.TrimSpace(v.Get("country"))); c != "" {
		if _, ok := cat.Country(c); ok {
			q.Country = c
		}
	}
	if s := v.Get("status"); s == "open" || catalog.HasChoice(catalog.Statuses, s) {
		q.Status = s
	}
	if s := v.Get("service"); catalog.HasChoice(catalog.Services, s) {
		q.Service = s
	}
	if s := v.Get("category"); catalog.HasChoice(catalog.ProductCategories, s) {
		q.Category = s
	}
	if s := v.Get("compliance"); slices.Contains(store.ComplianceStates, s) {
		q.Compliance = s
	}
	if s := strings.TrimSpace(v.Get("scheme")); s != "" && len(s) <= 200 && utf8.ValidString(s) {
		q.Scheme = s
	}
	if a := v.Get("assignee"); a == "me" || a == "none" {
		q.Assignee = a
	} else if id, err := strconv.ParseInt(a, 10, 64); err == nil && id > 0 {
		q.Assignee = a
	}
	q.Q = strings.TrimSpace(v.Get("q"))
	if len([]rune(q.Q)) > 200 {
		// Trim again: the cut may end on a space (found by FuzzListQuery).
		q.Q = strings.TrimSpace(string([]rune(q.Q)[:200]))
	}
	if _, err := time.Parse(time.DateOnly, v.Get("from")); err == nil {
		q.From = v.Get("from")
	}
	if _, err := time.Parse(time.DateOnly, v.Get("to")); err == nil {
		q.To = v.Get("to")
	}
	if r := v.Get("response"); r == store.ResponseWaiting || r == store.ResponseOverdue {
		q.Response = r
	}
	if v.Get("due") == "today" {
		q.Due = "today"
	}
	if v.Get("waiting") == "us" {
		q.Waiting = "us"
	}
	// Without sort, a search comes most relevant first, else newest first.
	if s := v.Get("sort"); s == "oldest" || s == "newest" {
		q.Sort = s
	}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 1 && p <= 100000 {
		q.Page = p
	}
	return q
}

// Filter turns the query into the store's filter; me is the current user,
// now the time and loc the desk's time zone, which decides what today is.
func (q Query) Filter(me int64, now time.Time, loc *time.Location) store.Filter {
	f := store.Filter{Country: q.Country, Status: q.Status, Service: q.Service, Category: q.Category, Compliance: q.Compliance, Scheme: q.Scheme,
		Query: q.Q, Oldest: q.Sort == "oldest", Newest: q.Sort == "newest", Offset: (q.Page - 1) * PageSize, Limit: PageSize, Response: q.Response, Now: now,
		WaitingForUs: q.Waiting == "us"}
	switch q.Assignee {
	case "":
	case "me":
		f.AssigneeID = me
	case "none":
		f.Unassigned = true
	default:
		f.AssigneeID, _ = strconv.ParseInt(q.Assignee, 10, 64)
	}
	if q.Due == "today" {
		f.DueBy = Today(now, loc)
	}
	if t, err := time.Parse(time.DateOnly, q.From); err == nil {
		f.From = t
	}
	if t, err := time.Parse(time.DateOnly, q.To); err == nil {
		f.To = t.AddDate(0, 0, 1) // "to" is inclusive
	}
	return f
}

// Today is the date at now in the desk's time zone loc (nil: UTC), as
// the next actions are planned.
func Today(now time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return now.In(loc).Format(time.DateOnly)
}

// Values writes the query back as URL parameters, without empty ones.
func (q Query) Values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"country": q.Country, "status": q.Status, "service": q.Service,
		"category": q.Category, "assignee": q.Assignee, "q": q.Q, "from": q.From, "to": q.To, "sort": q.Sort,
		"compliance": q.Compliance, "scheme": q.Scheme, "due": q.Due, "response": q.Response, "waiting": q.Waiting} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	return v
}

// With returns the list URL with one parameter changed (and back to page 1
// unless the page itself is what changes).
func (q Query) With(key, value string) string {
	v := q.Values()
	if key != "page" {
		v.Del("page")
	}
	if value == "" {
		v.Del(key)
	} else {
		v.Set(key, value)
	}
	if len(v) == 0 {
		return "/staff/enquiries"
	}
	return "/staff/enquiries?" + v.Encode()
}
