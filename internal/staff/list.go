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
	Rows        []listRow
	Count       int64
	CountCapped bool
	Prev, Next  string
	Return      string
	ListParams  string // the filter and page as URL parameters, for the rows' links
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
	ID                                 int64
	Reference, Received, Company, Name string
	Destinations, Service, Value       string
	Status, StatusLabel, Assignee      string
	Compliance                         string // action, hold or block; "" when nothing to flag
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
	v.Rows = h.listRows(rows, store.NamesByID(users))
	if q.Page > 1 {
		v.Prev = q.With("page", strconv.Itoa(q.Page-1))
	}
	if more {
		v.Next = q.With("page", strconv.Itoa(q.Page+1))
	}
	return h.render.Render(c, http.StatusOK, "staff_list", v)
}

// listRows puts each enquiry's values in the words the list shows.
func (h *Handlers) listRows(rows []store.Enquiry, names map[int64]string) []listRow {
	out := make([]listRow, len(rows))
	countries := make([]string, 0, 8)
	for i, r := range rows {
		countries = countries[:0]
		for _, code := range r.Destinations {
			countries = append(countries, h.cat.CountryName(code))
		}
		out[i] = listRow{ID: r.ID, Reference: r.Reference, Received: r.CreatedAt.UTC().Format("2 Jan 2006 15:04"),
			Company: r.Company, Name: r.FullName, Destinations: strings.Join(countries, ", "),
			Service: catalog.Label(catalog.Services, r.Service), Value: money.Format(r.ShipmentValueCents, r.Currency),
			Status: r.Status, StatusLabel: catalog.Label(catalog.Statuses, r.Status), Assignee: assigneeName(r, names)}
		if r.ComplianceState != store.ComplianceClear {
			out[i].Compliance = r.ComplianceState
		}
	}
	return out
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
	"saved-next":    "Saved. Here is the next enquiry of the list.",
	"rescreen":      "Screened again with the rules in force: the differences are on the timeline.",
	"rescreen-same": "Screened again with the rules in force: nothing changed.",
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
