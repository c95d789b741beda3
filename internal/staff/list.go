package staff

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/listing"
	"iordesk/internal/money"
	"iordesk/internal/search"
	"iordesk/internal/sla"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// The count above the list is exact up to countCap ("more than 100,000"
// past it), so an export can be checked against it. Counting that far walks
// up to 100,000 index entries (a join each with a country filter: ~0.1 s at
// a million enquiries), so the page itself counts only to quickCountCap and,
// when there are more, the exact count follows in a second request
// (count=exact, which the page asks for as it loads). Rollups will make
// every count cheap (docs/DESIGN.md, "The list and the enquiry page").
const (
	countCap      = 100_000
	quickCountCap = 1000
)

type listView struct {
	Page
	Q           listing.Query
	Rows        []listRow
	Count       int64
	CountCapped bool
	// CountPending: the count stopped at quickCountCap and ExactCountURL
	// counts on.
	CountPending  bool
	ExactCountURL string
	Prev, Next    string
	// Pages are the page links around this one; LastPage is the number of
	// pages (0 when not counted or more than the cap), PagesCounted the
	// pages the cap holds.
	Pages                  []pageLink
	LastPage, PagesCounted int
	Return                 string
	ListParams             string // the filter and page as URL parameters, for the rows' links
	// The options of the filters and the bulk bar that never change but
	// for the one selected, drawn once by the "options" template (see
	// web.Renderer.Fragment), and the colleagues to choose from.
	CountryOptions, StatusOptions, ServiceOptions, CategoryOptions, BulkStatusOptions template.HTML
	Colleagues, ActiveColleagues                                                      []catalog.Choice
	ComplianceStates                                                                  []string
	Schemes                                                                           []string // of the rules in force
	Notice                                                                            string
	FilterActive                                                                      bool
	ExportQuery                                                                       string // the filter without the page, for the export links
}

// listRow is one line of the list, its values ready to show.
type listRow struct {
	ID                  int64
	Reference, Received string
	Company, Name       []search.Segment // with the search's words marked
	Email               []search.Segment // only when the search's words are in it
	// Snippet shows where else the search's words are: the description,
	// the message or a note (nil: nowhere else).
	Snippet                       *snippet
	Destinations, Service, Value  string
	Status, StatusLabel, Assignee string
	Compliance                    string // action, hold or block; "" when nothing to flag
	// FollowUp is the next action's day ("3 Dec"), Due "due" or
	// "overdue" when that day has come for an open enquiry.
	FollowUp, Due string
	// Promise is the first-response promise while it waits ("due in
	// 2 h"), Overdue when it is broken.
	Promise string
	Overdue bool
	// WaitingSince is when the prospect wrote, unanswered ("" if not).
	WaitingSince string
}

// snippet is a piece of a longer text a search matched, and which text.
type snippet struct {
	Where string
	Text  []search.Segment
}

// snippetWords is how long a snippet is.
const snippetWords = 16

// findSnippet is where, in an enquiry's longer texts, the query matched
// first: the description, else the message, else a note.
func findSnippet(q search.Query, f search.Fields) *snippet {
	texts := []struct{ where, text string }{{"Goods", f.Description}, {"Message", f.Message}}
	for _, n := range f.Notes {
		texts = append(texts, struct{ where, text string }{"Note", n})
	}
	for _, t := range texts {
		if s := q.Snippet(t.text, snippetWords); s != nil {
			return &snippet{Where: t.where, Text: s}
		}
	}
	return nil
}

// pageLink is one link of the pager; Gap is an ellipsis between two.
type pageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

// pageLinks are the first and last pages and two either side of the
// current one, with gaps between; last 0 means the last is not known.
func pageLinks(q listing.Query, last int) []pageLink {
	if last == 1 {
		return nil
	}
	var out []pageLink
	add := func(n int) {
		if len(out) > 0 && out[len(out)-1].Number < n-1 {
			out = append(out, pageLink{Gap: true})
		}
		out = append(out, pageLink{Number: n, URL: q.With("page", strconv.Itoa(n)), Current: n == q.Page})
	}
	add(1)
	for n := max(2, q.Page-2); n <= q.Page+2 && (last == 0 || n < last); n++ {
		add(n)
	}
	if last > 1 {
		add(last)
	}
	return out
}

// List serves GET /staff/enquiries: the filtered, paged list.
func (h *Handlers) List(c echo.Context) error {
	me := web.CurrentUser(c)
	q := listing.Parse(c.QueryParams(), h.cat)
	ctx := c.Request().Context()
	now := h.now()
	f := q.Filter(me.ID, now, h.loc)

	// The count and the colleagues are read beside the page's rows, on a
	// second read connection: the page waits for the slower, not the sum.
	limit := int64(quickCountCap)
	if c.QueryParam("count") == "exact" {
		limit = countCap
	}
	var (
		users    []store.User
		count    int64
		usersErr error
		countErr error
		wg       sync.WaitGroup
	)
	wg.Go(func() {
		users, usersErr = h.store.Users(ctx)
		count, countErr = h.store.CountEnquiriesUpTo(ctx, f, int(limit)+1)
	})
	rows, more, err := h.store.ListEnquiries(ctx, f)
	wg.Wait()
	if err = errors.Join(err, usersErr, countErr); err != nil {
		return err
	}
	v := listView{Page: h.page(c, "Enquiries"), Q: q, Count: min(count, limit), CountCapped: count > limit,
		Return: c.Request().URL.RequestURI(), ListParams: q.Values().Encode(), Colleagues: colleagueChoices(users, true),
		ActiveColleagues: colleagueChoices(users, false), ComplianceStates: store.ComplianceStates, Schemes: h.rules.Rules().Schemes(), Notice: notices[c.QueryParam("done")], FilterActive: len(q.Values()) > 0}
	for _, o := range []struct {
		into     *template.HTML
		list     string
		choices  []catalog.Choice
		selected string
	}{
		{&v.CountryOptions, "countries", h.cat.CountryChoices, q.Country},
		{&v.StatusOptions, "statuses", catalog.Statuses, q.Status},
		{&v.ServiceOptions, "services", catalog.Services, q.Service},
		{&v.CategoryOptions, "categories", catalog.ProductCategories, q.Category},
		{&v.BulkStatusOptions, "statuses", catalog.Statuses, ""},
	} {
		if *o.into, err = h.render.Fragment("options", o.list+":"+o.selected, web.OptionList{Choices: o.choices, Selected: o.selected}); err != nil {
			return err
		}
	}
	v.Staff.Section = "enquiries"
	exportQ := q
	exportQ.Page = 1
	v.ExportQuery = exportQ.Values().Encode()
	query := search.Parse(q.Q)
	var texts map[int64]search.Fields
	if query.Searches() {
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		if texts, err = h.store.SearchTexts(ctx, ids); err != nil {
			return err
		}
	}
	v.Rows = h.listRows(rows, store.NamesByID(users), now, query, texts)
	if !v.CountCapped {
		v.LastPage = max(1, int((v.Count+listing.PageSize-1)/listing.PageSize))
	}
	v.Pages = pageLinks(q, v.LastPage)
	v.PagesCounted = int(limit) / listing.PageSize
	if v.CountPending = v.CountCapped && limit < countCap; v.CountPending {
		exact := q.Values() // this page, counted on
		exact.Set("count", "exact")
		v.ExactCountURL = "/staff/enquiries?" + exact.Encode()
	}
	if q.Page > 1 {
		v.Prev = q.With("page", strconv.Itoa(q.Page-1))
	}
	if more {
		v.Next = q.With("page", strconv.Itoa(q.Page+1))
	}
	return h.render.Render(c, http.StatusOK, "staff_list", v)
}

// listRows puts each enquiry's values in the words the list shows.
func (h *Handlers) listRows(rows []store.Enquiry, names map[int64]string, now time.Time, query search.Query, texts map[int64]search.Fields) []listRow {
	today := listing.Today(now, h.loc)
	out := make([]listRow, len(rows))
	countries := make([]string, 0, 8)
	for i, r := range rows {
		countries = countries[:0]
		for _, code := range r.Destinations {
			countries = append(countries, h.cat.CountryName(code))
		}
		out[i] = listRow{ID: r.ID, Reference: r.Reference, Received: r.CreatedAt.UTC().Format("2 Jan 2006 15:04"),
			Company: query.Highlight(r.Company), Name: query.Highlight(r.FullName), Destinations: strings.Join(countries, ", "),
			Service: catalog.Label(catalog.Services, r.Service), Value: money.Format(r.ShipmentValueCents, r.Currency),
			Status: r.Status, StatusLabel: catalog.Label(catalog.Statuses, r.Status), Assignee: assigneeName(r, names)}
		if email := query.Highlight(r.Email); slices.ContainsFunc(email, func(s search.Segment) bool { return s.Hit }) {
			out[i].Email = email
		}
		if f, ok := texts[r.ID]; ok {
			out[i].Snippet = findSnippet(query, f)
		}
		if r.ComplianceState != store.ComplianceClear {
			out[i].Compliance = r.ComplianceState
		}
		out[i].FollowUp, out[i].Due = followUp(r, today)
		out[i].Promise, out[i].Overdue = promise(r, now)
		if r.AwaitingReplySince != nil {
			out[i].WaitingSince = r.AwaitingReplySince.UTC().Format("2 Jan 15:04")
		}
	}
	return out
}

// promise is what is left of an enquiry's first-response promise while it
// waits for one: "due in 2 h 10 min" or "overdue by 1 day"; "" when it has
// been answered, has no promise, or is spam.
func promise(e store.Enquiry, now time.Time) (string, bool) {
	if e.RespondBy == nil || e.FirstResponseAt != nil || e.Status == store.StatusSpam {
		return "", false
	}
	return sla.Describe(*e.RespondBy, now)
}

// followUp is an enquiry's next action as the list shows it: the day, and
// whether it is due today or overdue while the enquiry is open.
func followUp(e store.Enquiry, today string) (day, due string) {
	t, err := time.Parse(time.DateOnly, e.FollowUpOn)
	if err != nil {
		return "", ""
	}
	day = t.Format("2 Jan")
	if !slices.Contains(store.OpenStatuses, e.Status) {
		return day, ""
	}
	switch {
	case e.FollowUpOn < today:
		due = "overdue"
	case e.FollowUpOn == today:
		due = "due"
	}
	return day, due
}

// colleagueChoices lists colleagues to choose from, disabled accounts only
// where old assignments are filtered (withDisabled).
func colleagueChoices(users []store.User, withDisabled bool) []catalog.Choice {
	choices := make([]catalog.Choice, 0, len(users))
	for _, u := range users {
		if withDisabled || !u.Disabled {
			choices = append(choices, catalog.Choice{Code: strconv.FormatInt(u.ID, 10), Label: u.Name})
		}
	}
	return choices
}

func assigneeName(r store.Enquiry, names map[int64]string) string {
	if r.AssigneeID == nil {
		return ""
	}
	return names[*r.AssigneeID]
}

// notices are the confirmations shown after an action (Post/Redirect/Get).
var notices = map[string]string{
	"status": "Status changed.", "assign": "Assignment changed.", "note": "Note added.",
	"spam": "Marked as spam.", "bulk": "Done for the selected enquiries.",
	"saved-next":        "Saved. Here is the next enquiry of the list.",
	"saved":             "Saved.",
	"template":          "Template saved.",
	"template-deleted":  "Template deleted.",
	"reply":             "Reply queued: it goes out through the outbox, and its delivery shows under Mail.",
	"duplicate-confirm": "Recorded: the later of the two is a duplicate and counts once, in the original.",
	"duplicate-dismiss": "Recorded: not a duplicate; the pair is not shown again.",
	"lines":             "Destination lines saved.",
	"next":              "Nothing to save on the last one. Here is the next enquiry of the list.",
	"unchanged":         "Nothing to save: the form was as the enquiry already is.",
	"rescreen":          "Screened again with the rules in force: the differences are on the timeline.",
	"rescreen-same":     "Screened again with the rules in force: nothing changed.",
	"mail-attached":     "The message is on this enquiry's timeline now.",
	"mail-discarded":    "Message discarded.",
	"answered":          "Marked as answered: the enquiry no longer waits for the desk.",
	"answered-already":  "Nothing to do: the enquiry was not waiting for an answer.",
}

// maxBulk bounds one bulk action.
const maxBulk = 200

// Bulk serves POST /staff/enquiries/bulk: set status, assign or mark spam
// for the selected rows.
func (h *Handlers) Bulk(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	back := localPath(form.Get("return"))
	if back == "" {
		back = "/staff/enquiries"
	}
	var ids []int64
	for _, s := range form["ids"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "Unknown enquiry id.")
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 || len(ids) > maxBulk {
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("Select between 1 and %d enquiries.", maxBulk))
	}
	if err := h.bulkAction(c, ids, form.Get("action"), form.Get("value")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, withDone(back, "bulk"))
}

// bulkAction checks a bulk action and applies it to every row, in one
// write.
func (h *Handlers) bulkAction(c echo.Context, ids []int64, action, value string) error {
	ctx, by := c.Request().Context(), actor(c)
	var err error
	switch action {
	case "status":
		if !catalog.HasChoice(catalog.Statuses, value) {
			return echo.NewHTTPError(http.StatusBadRequest, "Choose a status.")
		}
		_, err = h.store.ChangeStatusOfMany(ctx, ids, value, by)
	case "spam":
		_, err = h.store.ChangeStatusOfMany(ctx, ids, store.StatusSpam, by)
	case "assign":
		assignee, aerr := h.assignee(c, value)
		if aerr != nil {
			return aerr
		}
		_, err = h.store.AssignMany(ctx, ids, assignee, by)
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "Choose an action.")
	}
	return err
}

// assignee resolves "me", "none" or a user id to an active account.
func (h *Handlers) assignee(c echo.Context, value string) (*store.User, error) {
	switch value {
	case "none", "":
		return nil, nil
	case "me":
		return web.CurrentUser(c), nil
	}
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusBadRequest, "Choose a colleague.")
	}
	u, err := h.store.UserByID(c.Request().Context(), id)
	if err != nil || u.Disabled {
		return nil, echo.NewHTTPError(http.StatusBadRequest, "That colleague has no active account.")
	}
	return u, nil
}

func withDone(path, done string) string {
	if strings.Contains(path, "?") {
		return path + "&done=" + done
	}
	return path + "?done=" + done
}
