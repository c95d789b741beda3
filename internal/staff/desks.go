package staff

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/desk"
	"iordesk/internal/sla"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// deskForm is one desk's hours and promise as its form shows them.
type deskForm struct {
	Email, Name         string
	Days                [7]bool
	Opens, Closes, Zone string
	TargetHours         string
	Holidays            string // one "YYYY-MM-DD name" a line
	Own                 bool   // hours of its own (else the default desk's)
}

type desksView struct {
	Page
	Desks    []deskForm
	Weekdays []string
	Error    string
	Notice   string
}

// maxHolidays bounds the holidays of one desk.
const maxHolidays = 400

// Desks serves GET /staff/desks (manager): each desk's hours, time zone,
// first-response promise and holidays.
func (h *Handlers) Desks(c echo.Context) error { return h.showDesks(c, http.StatusOK, "", "") }

func (h *Handlers) showDesks(c echo.Context, status int, problem, notice string) error {
	ctx := c.Request().Context()
	names, err := h.desks.Names(ctx)
	if err != nil {
		return err
	}
	stored, holidays, err := h.store.Desks(ctx)
	if err != nil {
		return err
	}
	own := map[string]bool{}
	for _, d := range stored {
		own[d.Email] = true
	}
	v := desksView{Page: h.page(c, "Desks and promises"), Weekdays: []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}, Error: problem, Notice: notice}
	v.Staff.Section = "desks"
	for _, name := range names {
		s, err := h.desks.ScheduleOf(ctx, name)
		if err != nil {
			return err
		}
		f := deskForm{Email: name, Name: name, Days: s.Days, Opens: sla.Clock(s.Opens), Closes: sla.Clock(s.Closes),
			Zone: s.Location.String(), TargetHours: strconv.FormatFloat(s.Target.Hours(), 'f', -1, 64), Own: own[name]}
		if name == desk.Default {
			f.Name = "The default desk (enquiries no routing rule matches)"
		}
		var lines []string
		for _, hd := range holidays {
			if hd.Email == name {
				lines = append(lines, strings.TrimSpace(hd.Day+" "+hd.Name))
			}
		}
		f.Holidays = strings.Join(lines, "\n")
		v.Desks = append(v.Desks, f)
	}
	return h.render.Render(c, status, "staff_desks", v)
}

// SaveDesk serves POST /staff/desks (manager): one desk's hours, promise
// and holidays, applied to enquiries received from then on.
func (h *Handlers) SaveDesk(c echo.Context) error {
	ctx := c.Request().Context()
	email := c.FormValue("email")
	names, err := h.desks.Names(ctx)
	if err != nil {
		return err
	}
	known := false
	for _, n := range names {
		known = known || n == email
	}
	if !known {
		return notFound("desk")
	}
	d, holidays, problem := h.readDesk(c, email)
	if problem != "" {
		return h.showDesks(c, http.StatusUnprocessableEntity, problem, "")
	}
	if err := h.store.SaveDesk(ctx, d, holidays); err != nil {
		return err
	}
	h.desks.Forget()
	h.audit(c, web.CurrentUser(c), store.AuditDesk, fmt.Sprintf("desk %q: %s %s-%s %s, promise %d min, %d holidays",
		email, d.Days, d.Opens, d.Closes, d.TimeZone, d.TargetMinutes, len(holidays)))
	return h.showDesks(c, http.StatusOK, "", "Saved: enquiries received from now on get this desk's promise.")
}

// readDesk checks a desk's form; problem says what is wrong.
func (h *Handlers) readDesk(c echo.Context, email string) (store.Desk, []store.Holiday, string) {
	form, _ := c.FormParams()
	var days [7]bool
	for _, d := range form["days"] {
		i, err := strconv.Atoi(d)
		if err != nil || i < 0 || i > 6 {
			return store.Desk{}, nil, "Choose the working days."
		}
		days[i] = true
	}
	opens, err1 := sla.ParseClock(c.FormValue("opens"))
	closes, err2 := sla.ParseClock(c.FormValue("closes"))
	zone := strings.TrimSpace(c.FormValue("zone"))
	_, err3 := sla.LoadZone(zone)
	target, err4 := strconv.ParseFloat(strings.TrimSpace(c.FormValue("target")), 64)
	switch {
	case days == [7]bool{}:
		return store.Desk{}, nil, "Choose at least one working day."
	case err1 != nil || err2 != nil || opens >= closes:
		return store.Desk{}, nil, "Give the opening and closing times as HH:MM, closing after opening."
	case err3 != nil:
		return store.Desk{}, nil, "Give the time zone as an IANA name, e.g. Europe/Berlin or Asia/Kolkata."
	case err4 != nil || target <= 0 || target > 720:
		return store.Desk{}, nil, "Give the promise in working hours, from 0.25 to 720."
	}
	var holidays []store.Holiday
	for _, line := range strings.Split(c.FormValue("holidays"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		day, name, _ := strings.Cut(line, " ")
		if _, err := time.Parse(time.DateOnly, day); err != nil || len([]rune(name)) > 100 || !validText(name, 0) {
			return store.Desk{}, nil, fmt.Sprintf("Holiday %q: write one a line as YYYY-MM-DD and an optional name.", line)
		}
		holidays = append(holidays, store.Holiday{Day: day, Name: strings.TrimSpace(name)})
	}
	if len(holidays) > maxHolidays {
		return store.Desk{}, nil, fmt.Sprintf("At most %d holidays a desk.", maxHolidays)
	}
	d := store.Desk{Email: email, Days: sla.DaysText(days), Opens: sla.Clock(opens), Closes: sla.Clock(closes),
		TimeZone: zone, TargetMinutes: int(target*60 + 0.5)}
	return d, holidays, ""
}
