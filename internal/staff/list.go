package staff

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/mail"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// countCap bounds the count shown above the list ("more than 1000"): past
// it a number helps nobody triage, and counting costs a scan of the index.
const countCap = 1000

type listView struct {
	Page
	Q              ListQuery
	Rows           []rowView
	Count          int64
	CountCapped    bool
	Prev, Next     string
	Return         string
	Users          []store.User
	CountryOptions template.HTML // built in Go: ranging over 250 options in the template costs milliseconds
	Statuses       []catalog.Choice
	Services       []catalog.Choice
	Categories     []catalog.Choice
	Notice         string
	FilterActive   bool
	ExportQuery    string // the filter without the page, for the export links
}

// rowView is one enquiry as the list shows it.
type rowView struct {
	ID                                  int64
	Ref, Created, Name, Company, Email  string
	Status, StatusLabel, Service, Value string
	Countries, Assignee                 string
}

// List serves GET /staff/enquiries: the filtered, paged list.
func (h *Handlers) List(c echo.Context) error {
	me := CurrentUser(c)
	q := ParseListQuery(c.QueryParams(), h.cat)
	ctx := c.Request().Context()
	f := q.Filter(me.ID)
	rows, more, err := h.store.ListEnquiries(ctx, f)
	if err != nil {
		return err
	}
	// A free-text search scans; counting its matches would scan again, so
	// it shows "more than 50" instead of a count.
	count, limit := int64(len(rows)), int64(len(rows))
	if more {
		count++
	}
	if q.Q == "" {
		limit = countCap
		if count, err = h.store.CountEnquiriesUpTo(ctx, f, countCap+1); err != nil {
			return err
		}
	}
	users, err := h.store.Users(ctx)
	if err != nil {
		return err
	}
	v := listView{Page: h.page(c, "Enquiries"), Q: q, Count: min(count, limit), CountCapped: count > limit,
		Return: c.Request().URL.RequestURI(), Users: users, CountryOptions: web.Options(h.cat.CountryChoices, q.Country),
		Statuses: Statuses, Services: catalog.Services, Categories: catalog.ProductCategories,
		Notice: notices[c.QueryParam("done")], FilterActive: len(q.Values()) > 0}
	v.Staff.Section = "enquiries"
	exportQ := q
	exportQ.Page = 1
	v.ExportQuery = exportQ.Values().Encode()
	names := userNames(users)
	for _, r := range rows {
		v.Rows = append(v.Rows, h.row(r, names))
	}
	if q.Page > 1 {
		v.Prev = q.With("page", strconv.Itoa(q.Page-1))
	}
	if more {
		v.Next = q.With("page", strconv.Itoa(q.Page+1))
	}
	return h.render.Render(c, http.StatusOK, "staff_list", v)
}

func (h *Handlers) row(r store.ListRow, names map[int64]string) rowView {
	countries := make([]string, len(r.Countries))
	for i, code := range r.Countries {
		countries[i] = h.cat.CountryName(code)
	}
	v := rowView{ID: r.ID, Ref: r.Reference, Created: r.CreatedAt.UTC().Format("2 Jan 2006 15:04"),
		Name: r.FullName, Company: r.Company, Email: r.Email, Status: r.Status,
		StatusLabel: catalog.Label(Statuses, r.Status), Service: catalog.Label(catalog.Services, r.Service),
		Value: mail.FormatMoney(r.ShipmentValueCents, r.Currency), Countries: strings.Join(countries, ", ")}
	if r.AssigneeID != nil {
		v.Assignee = names[*r.AssigneeID]
	}
	return v
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
		if !catalog.HasChoice(Statuses, value) {
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
		return CurrentUser(c), nil
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
