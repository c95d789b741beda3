package staff

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// periods the overview offers, in days (0: everything).
var periods = []struct {
	Code, Label string
	Days        int
}{{"30d", "Last 30 days", 30}, {"90d", "Last 90 days", 90}, {"365d", "Last 12 months", 365}, {"all", "All time", 0}}

type overviewView struct {
	Page
	Period       string
	Periods      []catalog.Choice
	O            *store.Overview
	Countries    []countryRow
	Regions      []countryRow
	Statuses     []countryRow
	CountryChart web.Chart
	WeekChart    web.Chart
	Sort         string
	From         string
	OldestNewAge string
	// Due and MyDue count the open enquiries whose next action is today
	// or overdue: everyone's, and the current user's.
	Due, MyDue int64
	// Overdue counts the enquiries past their first-response promise
	// without a response.
	Overdue int64
}

// countryRow is one line of a summary table, with the list it links to;
// for a destination, its lines by state and its conversion (lines won ÷
// lines decided).
type countryRow struct {
	Code, Name, Region string
	N                  int64
	Link               string
	States             map[string]int64
	Conversion         string
}

// Overview serves GET /staff: where enquiries are going, for a period.
func (h *Handlers) Overview(c echo.Context) error {
	period := c.QueryParam("period")
	days := -1
	for _, p := range periods {
		if p.Code == period {
			days = p.Days
		}
	}
	if days < 0 {
		period, days = "90d", 90
	}
	var from time.Time
	fromParam := ""
	if days > 0 {
		now := h.now().UTC()
		from = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -days+1)
		fromParam = from.Format(time.DateOnly)
	}
	o, err := h.store.Overview(c.Request().Context(), from, time.Time{})
	if err != nil {
		return err
	}
	v := overviewView{Page: h.page(c, "Overview"), Period: period, O: o, From: fromParam, Sort: c.QueryParam("sort")}
	ctx, today := c.Request().Context(), h.today()
	if v.Due, err = h.store.CountEnquiriesUpTo(ctx, store.Filter{DueBy: today}, countCap); err != nil {
		return err
	}
	if v.MyDue, err = h.store.CountEnquiriesUpTo(ctx, store.Filter{DueBy: today, AssigneeID: web.CurrentUser(c).ID}, countCap); err != nil {
		return err
	}
	if v.Overdue, err = h.store.CountEnquiriesUpTo(ctx, store.Filter{Response: store.ResponseOverdue, Now: h.now()}, countCap); err != nil {
		return err
	}
	v.Staff.Section = "overview"
	for _, p := range periods {
		v.Periods = append(v.Periods, catalog.Choice{Code: p.Code, Label: p.Label})
	}
	link := func(key, value string) string {
		q := url.Values{key: {value}}
		if fromParam != "" {
			q.Set("from", fromParam)
		}
		return "/staff/enquiries?" + q.Encode()
	}
	regions := map[string]int64{}
	states := map[string]map[string]int64{}
	for _, l := range o.Lines {
		if states[l.Country] == nil {
			states[l.Country] = map[string]int64{}
		}
		states[l.Country][l.State] += l.N
	}
	for _, cnt := range o.ByCountry {
		country, _ := h.cat.Country(cnt.Key)
		s := states[cnt.Key]
		row := countryRow{Code: cnt.Key, Name: h.cat.CountryName(cnt.Key), Region: country.Region, N: cnt.N,
			Link: link("country", cnt.Key), States: s, Conversion: "—"}
		if decided := s[store.LineWon] + s[store.LineLost]; decided > 0 {
			row.Conversion = fmt.Sprintf("%.0f%%", 100*float64(s[store.LineWon])/float64(decided))
		}
		v.Countries = append(v.Countries, row)
		regions[country.Region] += cnt.N
	}
	var chart []web.Bar
	for _, r := range v.Countries[:min(len(v.Countries), 12)] {
		chart = append(chart, web.Bar{Label: r.Name, N: r.N, Link: r.Link})
	}
	v.CountryChart = web.HBarChart("Enquiries by destination country", chart)
	switch v.Sort {
	case "name":
		sort.SliceStable(v.Countries, func(i, j int) bool { return v.Countries[i].Name < v.Countries[j].Name })
	case "region":
		sort.SliceStable(v.Countries, func(i, j int) bool { return v.Countries[i].Region < v.Countries[j].Region })
	default:
		v.Sort = "count"
	}
	for name, n := range regions {
		v.Regions = append(v.Regions, countryRow{Name: name, N: n})
	}
	sort.Slice(v.Regions, func(i, j int) bool { return v.Regions[i].N > v.Regions[j].N })
	for _, cnt := range o.ByStatus {
		v.Statuses = append(v.Statuses, countryRow{Code: cnt.Key, Name: catalog.Label(catalog.Statuses, cnt.Key), N: cnt.N, Link: link("status", cnt.Key)})
	}
	var weeks []web.Bar
	for _, w := range o.ByWeek {
		start, err := time.Parse(time.DateOnly, w.Key)
		if err != nil {
			continue
		}
		q := url.Values{"from": {w.Key}, "to": {start.AddDate(0, 0, 6).Format(time.DateOnly)}}
		weeks = append(weeks, web.Bar{Label: "Week of " + start.Format("2 Jan 2006"), N: w.N, Link: "/staff/enquiries?" + q.Encode()})
	}
	v.WeekChart = web.ColumnChart("Enquiries by week", weeks)
	if o.OldestNew != nil {
		v.OldestNewAge = ageText(h.now().Sub(o.OldestNew.CreatedAt))
	}
	return h.render.Render(c, http.StatusOK, "staff_overview", v)
}

func ageText(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "under an hour"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
