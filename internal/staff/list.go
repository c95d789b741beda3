package staff

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/listing"
	"iordesk/internal/money"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// countCap bounds the count shown above the list ("more than 1000"): past
// it a number helps nobody triage, and counting costs a scan of the index.
const countCap = 1000

type listView struct {
	Page
	Q           listing.Query
	RowsHTML    template.HTML // the table's rows, built in Go (see writeRows)
	Count       int64
	CountCapped bool
	Prev, Next  string
	Return      string
	// The filters' and the bulk bar's options, built in Go: ranging over
	// them in html/template cost a third of the page.
	CountryOptions, StatusOptions, ServiceOptions, CategoryOptions template.HTML
	AssigneeOptions, BulkStatusOptions, BulkAssigneeOptions        template.HTML
	Notice                                                         string
	FilterActive                                                   bool
	ExportQuery                                                    string // the filter without the page, for the export links
}

// List serves GET /staff/enquiries: the filtered, paged list.
func (h *Handlers) List(c echo.Context) error {
	me := web.CurrentUser(c)
	q := listing.Parse(c.QueryParams(), h.cat)
	ctx := c.Request().Context()
	f := q.Filter(me.ID)

	// The count and the colleagues are read beside the page's rows, on a
	// second read connection: the page waits for the slower, not the sum.
	// A free-text search scans; counting its matches would scan again, so
	// it shows "more than 50" instead of a count.
	var (
		users    []store.User
		count    int64
		usersErr error
		countErr error
		counted  = q.Q == ""
		wg       sync.WaitGroup
	)
	wg.Go(func() {
		users, usersErr = h.store.Users(ctx)
		if counted {
			count, countErr = h.store.CountEnquiriesUpTo(ctx, f, countCap+1)
		}
	})
	rows, more, err := h.store.ListEnquiries(ctx, f)
	wg.Wait()
	if err = errors.Join(err, usersErr, countErr); err != nil {
		return err
	}
	limit := int64(countCap)
	if !counted {
		count, limit = int64(len(rows)), int64(len(rows))
		if more {
			count++
		}
	}
	v := listView{Page: h.page(c, "Enquiries"), Q: q, Count: min(count, limit), CountCapped: count > limit,
		Return: c.Request().URL.RequestURI(), CountryOptions: web.Options(h.cat.CountryChoices, q.Country),
		StatusOptions: web.Options(catalog.Statuses, q.Status), ServiceOptions: web.Options(catalog.Services, q.Service),
		CategoryOptions: web.Options(catalog.ProductCategories, q.Category), BulkStatusOptions: web.Options(catalog.Statuses, ""),
		AssigneeOptions: userOptions(users, q.Assignee, true), BulkAssigneeOptions: userOptions(users, "", false),
		Notice: notices[c.QueryParam("done")], FilterActive: len(q.Values()) > 0}
	v.Staff.Section = "enquiries"
	exportQ := q
	exportQ.Page = 1
	v.ExportQuery = exportQ.Values().Encode()
	v.RowsHTML = h.writeRows(rows, userNames(users))
	if q.Page > 1 {
		v.Prev = q.With("page", strconv.Itoa(q.Page-1))
	}
	if more {
		v.Next = q.With("page", strconv.Itoa(q.Page+1))
	}
	return h.render.Render(c, http.StatusOK, "staff_list", v)
}

// writeRows builds the list's table rows. It is the busiest page staff
// have, and html/template escapes each of a page's ~600 fields through
// reflection (0.7 ms a page); here every value goes through
// web.WriteEscaped, which is safe both as text and inside the quoted
// attributes used below.
func (h *Handlers) writeRows(rows []store.Enquiry, names map[int64]string) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(rows) * 900)
	esc := func(s string) { web.WriteEscaped(&b, s) }
	var countries []string
	for _, r := range rows {
		id := strconv.FormatInt(r.ID, 10)
		b.WriteString("<tr>\n<td><input type=\"checkbox\" name=\"ids\" value=\"" + id + "\" aria-label=\"Select ")
		esc(r.Reference)
		b.WriteString("\"></td>\n<td><a href=\"/staff/enquiries/" + id + "\" class=\"ref\">")
		esc(r.Reference)
		b.WriteString("</a></td>\n<td class=\"nowrap\">" + r.CreatedAt.UTC().Format("2 Jan 2006 15:04") + "</td>\n<td><strong>")
		esc(r.Company)
		b.WriteString("</strong><br><span class=\"muted\">")
		esc(r.FullName)
		b.WriteString("</span></td>\n<td>")
		countries = countries[:0]
		for _, code := range r.Destinations {
			countries = append(countries, h.cat.CountryName(code))
		}
		esc(strings.Join(countries, ", "))
		b.WriteString("</td>\n<td>")
		esc(catalog.Label(catalog.Services, r.Service))
		b.WriteString("</td>\n<td class=\"num nowrap\">")
		esc(money.Format(r.ShipmentValueCents, r.Currency))
		b.WriteString("</td>\n<td><span class=\"badge badge-")
		esc(r.Status)
		b.WriteString("\">")
		esc(catalog.Label(catalog.Statuses, r.Status))
		b.WriteString("</span></td>\n<td>")
		if name := assigneeName(r, names); name != "" {
			esc(name)
		} else {
			b.WriteString("<span class=\"muted\">—</span>")
		}
		b.WriteString("</td>\n</tr>\n")
	}
	return template.HTML(b.String())
}

// userOptions lists colleagues as <option>s, disabled accounts only where
// old assignments are filtered (withDisabled).
func userOptions(users []store.User, selected string, withDisabled bool) template.HTML {
	choices := make([]catalog.Choice, 0, len(users))
	for _, u := range users {
		if withDisabled || !u.Disabled {
			choices = append(choices, catalog.Choice{Code: strconv.FormatInt(u.ID, 10), Label: u.Name})
		}
	}
	return web.Options(choices, selected)
}

func assigneeName(r store.Enquiry, names map[int64]string) string {
	if r.AssigneeID == nil {
		return ""
	}
	return names[*r.AssigneeID]
}

func userNames(users []store.User) map[int64]string {
	m := make(map[int64]string, len(users))
	for _, u := range users {
		m[u.ID] = u.Name
	}
	return m
}

// notices are the confirmations shown after an action (Post/Redirect/Get).
var notices = map[string]string{
	"status": "Status changed.", "assign": "Assignment changed.", "note": "Note added.",
	"spam": "Marked as spam.", "bulk": "Done for the selected enquiries.",
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
	apply, err := h.bulkAction(c, form.Get("action"), form.Get("value"))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := apply(id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, withDone(back, "bulk"))
}

// bulkAction checks a bulk action once and returns what it does to one row.
func (h *Handlers) bulkAction(c echo.Context, action, value string) (func(int64) error, error) {
	ctx, by := c.Request().Context(), actor(c)
	switch action {
	case "status":
		if !catalog.HasChoice(catalog.Statuses, value) {
			return nil, echo.NewHTTPError(http.StatusBadRequest, "Choose a status.")
		}
		return func(id int64) error { return h.store.ChangeStatus(ctx, id, 0, value, by) }, nil
	case "spam":
		return func(id int64) error { return h.store.ChangeStatus(ctx, id, 0, store.StatusSpam, by) }, nil
	case "assign":
		assignee, err := h.assignee(c, value)
		if err != nil {
			return nil, err
		}
		return func(id int64) error { return h.store.Assign(ctx, id, 0, assignee, by) }, nil
	}
	return nil, echo.NewHTTPError(http.StatusBadRequest, "Choose an action.")
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
