package report

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"
	"iordesk/internal/money"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// Table is one table of the report: on the page (with a chart) and as a
// sheet of the workbook.
type Table struct {
	Title string
	// Note says how to read the table (the page shows it under the title).
	Note   string
	Header []string
	Rows   [][]Cell
	Links  []string // per row, may be empty
	Chart  web.Chart
}

// Cell is one cell of a report table: the text the page shows and, for a
// figure, its value for the spreadsheet (int64 or float64; nil for text).
type Cell struct {
	Text  string
	Value any
}

// count is a whole number's cell ("12,345" on the page).
func count(n int64) Cell { return Cell{Text: web.GroupDigits(n), Value: n} }

// text is a cell of words, a string in the spreadsheet too (never a
// formula).
func text(s string) Cell { return Cell{Text: s} }

// amount is a sum of money's cell, in its currency's units.
func amount(cents int64, currency string) Cell {
	return Cell{Text: money.Format(cents, currency), Value: float64(cents) / 100}
}

// percent is a ratio's cell, "—" when there is nothing to divide.
func percent(part, whole int64) Cell {
	if whole == 0 {
		return text("—")
	}
	return Cell{Text: fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole)), Value: float64(part) / float64(whole)}
}

type reportView struct {
	web.Page
	From, To             string
	Tables               []Table
	Conversion           string
	Won, Lost, Responded int64
	Median, P90          string
	Query                string
	Digest               bool // the viewer gets the weekly digest
	MonthlyDigest        bool // and the monthly one
	Notice               string
	// Presets are the one-click periods; Preset the one shown, if any.
	Presets []catalog.Choice
	Preset  string
}

// presets are the periods a manager picks with one click, by the UTC
// calendar: each gives [from, to) of whole days from today's date.
var presets = []struct {
	code, label string
	span        func(today time.Time) (from, to time.Time)
}{
	{"this-month", "This month", func(d time.Time) (time.Time, time.Time) { m := monthOf(d); return m, m.AddDate(0, 1, 0) }},
	{"last-month", "Last month", func(d time.Time) (time.Time, time.Time) { m := monthOf(d); return m.AddDate(0, -1, 0), m }},
	{"this-quarter", "This quarter", func(d time.Time) (time.Time, time.Time) { q := quarterOf(d); return q, q.AddDate(0, 3, 0) }},
	{"last-quarter", "Last quarter", func(d time.Time) (time.Time, time.Time) { q := quarterOf(d); return q.AddDate(0, -3, 0), q }},
	{"year-to-date", "Year to date", func(d time.Time) (time.Time, time.Time) {
		return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC), d.AddDate(0, 0, 1)
	}},
	{"last-12-months", "Last 12 months", func(d time.Time) (time.Time, time.Time) { return d.AddDate(-1, 0, 1), d.AddDate(0, 0, 1) }},
}

func monthOf(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC) }

func quarterOf(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month()-(d.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
}

// period reads the period: a preset (?period=last-quarter), else from/to
// (YYYY-MM-DD, "to" inclusive); the default is the last 12 months.
func (h *Handlers) period(c echo.Context) (from, to time.Time, fromS, toS string) {
	now := h.now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for _, p := range presets {
		if p.code == c.QueryParam("period") {
			from, to = p.span(today)
			return from, to, from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)
		}
	}
	fromS, toS = c.QueryParam("from"), c.QueryParam("to")
	var err error
	if from, err = time.Parse(time.DateOnly, fromS); err != nil {
		from = today.AddDate(-1, 0, 1)
		fromS = from.Format(time.DateOnly)
	}
	if t, err := time.Parse(time.DateOnly, toS); err == nil {
		to = t.AddDate(0, 0, 1)
	} else {
		toS = ""
	}
	return from, to, fromS, toS
}

// build turns the store's figures into the report's tables; names are the
// staff accounts' names by id.
func (h *Handlers) build(r *store.Report, fromS, toS string, names map[int64]string) reportView {
	v := reportView{From: fromS, To: toS, Won: r.Won, Lost: r.Lost, Responded: r.Responded,
		Median: duration(r.ResponseQuantile(0.5), r.Responded), P90: duration(r.ResponseQuantile(0.9), r.Responded)}
	v.Conversion = "—"
	if c := r.Conversion(); c >= 0 {
		v.Conversion = fmt.Sprintf("%.1f%%", 100*c)
	}
	list := func(extra url.Values) string {
		q := url.Values{"from": {fromS}}
		if toS != "" {
			q.Set("to", toS)
		}
		for k, vals := range extra {
			q[k] = vals
		}
		return "/staff/enquiries?" + q.Encode()
	}
	v.Tables = append(v.Tables, h.linesTable(r, list), h.feesTable(r, list))
	v.Tables = append(v.Tables, h.counts("By month", "Month", r.ByMonth, func(k string) string { return k }, nil, true))
	v.Tables = append(v.Tables, h.counts("By service", "Service", r.ByService,
		func(k string) string { return catalog.Label(catalog.Services, k) }, func(k string) string { return list(url.Values{"service": {k}}) }, false))
	v.Tables = append(v.Tables, h.counts("By product category", "Category", r.ByCategory,
		func(k string) string { return catalog.Label(catalog.ProductCategories, k) }, func(k string) string { return list(url.Values{"category": {k}}) }, false))
	v.Tables = append(v.Tables, h.counts("By language", "Prospects writing in", r.ByLanguage,
		func(k string) string { return lang.ByCode(k).InEnglish() }, nil, false))
	lanes := Table{Title: "Top lanes (origin → destination)", Header: []string{"Origin", "Destination", "Enquiries"}}
	var bars []web.Bar
	for _, l := range r.Lanes {
		lanes.Rows = append(lanes.Rows, []Cell{text(h.cat.CountryName(l.Origin)), text(h.cat.CountryName(l.Destination)), count(l.N)})
		lanes.Links = append(lanes.Links, list(url.Values{"country": {l.Destination}}))
		bars = append(bars, web.Bar{Label: l.Origin + " → " + l.Destination, N: l.N, Link: list(url.Values{"country": {l.Destination}})})
	}
	lanes.Chart = web.HBarChart("Top lanes", bars)
	v.Tables = append(v.Tables, lanes, agentTable(r, names, list), sourceTable(r))
	return v
}

// agentTable is each assignee's enquiries and the lines they own, decided
// and won.
func agentTable(r *store.Report, names map[int64]string, list func(url.Values) string) Table {
	t := Table{Title: "By agent", Header: []string{"Agent", "Enquiries assigned", "Lines", "Lines won", "Lines lost", "Line conversion"}}
	var bars []web.Bar
	for _, a := range r.ByAgent {
		name, link := "Nobody", list(url.Values{"assignee": {"none"}})
		if a.AssigneeID != nil {
			name = names[*a.AssigneeID]
			if name == "" {
				name = fmt.Sprintf("Account %d (deleted)", *a.AssigneeID)
			}
			link = list(url.Values{"assignee": {fmt.Sprint(*a.AssigneeID)}})
		}
		var lines int64
		for _, n := range a.Lines {
			lines += n
		}
		won, lost := a.Lines[store.LineWon], a.Lines[store.LineLost]
		t.Rows = append(t.Rows, []Cell{text(name), count(a.Enquiries), count(lines), count(won), count(lost), percent(won, won+lost)})
		t.Links = append(t.Links, link)
		bars = append(bars, web.Bar{Label: name, N: a.Enquiries, Link: link})
	}
	t.Chart = web.HBarChart("Enquiries by agent", bars)
	return t
}

// sourceTable is the enquiries of each UTM source and campaign and how
// many were won.
func sourceTable(r *store.Report) Table {
	t := Table{Title: "By source", Header: []string{"Source", "Campaign", "Enquiries", "Won", "Lost", "Conversion"}}
	var bars []web.Bar
	for _, s := range r.BySource {
		source, campaign := s.Source, s.Campaign
		if source == "" {
			source = "(none: direct or untagged)"
		}
		if campaign == "" {
			campaign = "—"
		}
		t.Rows = append(t.Rows, []Cell{text(source), text(campaign), count(s.Enquiries), count(s.Won), count(s.Lost), percent(s.Won, s.Won+s.Lost)})
		t.Links = append(t.Links, "")
		bars = append(bars, web.Bar{Label: source + " · " + campaign, N: s.Enquiries})
	}
	t.Chart = web.HBarChart("Enquiries by source", bars)
	return t
}

// linesTable is the destinations' lines by state, busiest destinations
// first, with each destination's conversion (lines won ÷ lines decided).
func (h *Handlers) linesTable(r *store.Report, list func(url.Values) string) Table {
	byCountry := map[string]map[string]int64{}
	totals := map[string]int64{}
	for _, cl := range r.CountryLines {
		if byCountry[cl.Country] == nil {
			byCountry[cl.Country] = map[string]int64{}
		}
		byCountry[cl.Country][cl.State] += cl.N
		totals[cl.Country] += cl.N
	}
	countries := make([]string, 0, len(totals))
	for c := range totals {
		countries = append(countries, c)
	}
	sort.Slice(countries, func(i, j int) bool {
		return totals[countries[i]] > totals[countries[j]] || totals[countries[i]] == totals[countries[j]] && countries[i] < countries[j]
	})
	t := Table{Title: "Destination lines by state", Header: []string{"Destination"}}
	for _, s := range catalog.LineStates {
		t.Header = append(t.Header, s.Label)
	}
	t.Header = append(t.Header, "Lines", "Conversion")
	var bars []web.Bar
	for _, c := range countries {
		n := byCountry[c]
		row := []Cell{text(h.cat.CountryName(c) + " (" + c + ")")}
		for _, s := range catalog.LineStates {
			row = append(row, count(n[s.Code]))
		}
		row = append(row, count(totals[c]), percent(n[store.LineWon], n[store.LineWon]+n[store.LineLost]))
		t.Rows = append(t.Rows, row)
		t.Links = append(t.Links, list(url.Values{"country": {c}}))
		if len(bars) < 15 {
			bars = append(bars, web.Bar{Label: h.cat.CountryName(c), N: totals[c], Link: list(url.Values{"country": {c}})})
		}
	}
	t.Chart = web.HBarChart("Destination lines", bars)
	return t
}

// feesTable is the fees quoted per destination, in each currency.
func (h *Handlers) feesTable(r *store.Report, list func(url.Values) string) Table {
	t := Table{Title: "Quoted fees by destination", Header: []string{"Destination", "Currency", "Lines quoted", "Quoted fees"}}
	for _, q := range r.QuotedFees {
		t.Rows = append(t.Rows, []Cell{text(h.cat.CountryName(q.Country) + " (" + q.Country + ")"), text(q.Currency), count(q.Lines), amount(q.Cents, q.Currency)})
		t.Links = append(t.Links, list(url.Values{"country": {q.Country}}))
	}
	return t
}

func (h *Handlers) counts(title, label string, counts []store.Count, name, link func(string) string, columns bool) Table {
	t := Table{Title: title, Header: []string{label, "Enquiries"}}
	var bars []web.Bar
	for _, c := range counts {
		t.Rows = append(t.Rows, []Cell{text(name(c.Key)), count(c.N)})
		l := ""
		if link != nil {
			l = link(c.Key)
		}
		t.Links = append(t.Links, l)
		bars = append(bars, web.Bar{Label: name(c.Key), N: c.N, Link: l})
	}
	if columns {
		t.Chart = web.ColumnChart(title, bars)
	} else {
		t.Chart = web.HBarChart(title, bars)
	}
	return t
}

func duration(d time.Duration, n int64) string {
	if n == 0 {
		return "—"
	}
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// report reads the figures of the period the request asks for and lays
// out every table, for the page and the workbook alike.
func (h *Handlers) report(c echo.Context) (reportView, error) {
	from, to, fromS, toS := h.period(c)
	ctx := c.Request().Context()
	r, err := h.store.Report(ctx, from, to)
	if err != nil {
		return reportView{}, err
	}
	users, err := h.store.Users(ctx)
	if err != nil {
		return reportView{}, err
	}
	v := h.build(r, fromS, toS, store.NamesByID(users))
	promises, err := h.promiseTables(ctx, r)
	if err != nil {
		return reportView{}, err
	}
	v.Tables = append(v.Tables, promises...)
	rates, err := h.store.ExchangeRates(ctx)
	if err != nil {
		return reportView{}, err
	}
	v.Tables = append(v.Tables, pipelineTable(r, rates, h.currency))
	v.Preset = c.QueryParam("period")
	for _, p := range presets {
		v.Presets = append(v.Presets, catalog.Choice{Code: p.code, Label: p.label})
	}
	return v, nil
}

// Reports serves GET /staff/reports.
func (h *Handlers) Reports(c echo.Context) error {
	v, err := h.report(c)
	if err != nil {
		return err
	}
	fromS, toS := v.From, v.To
	v.Page = web.PageFor(c, "Reports")
	v.Staff.Section = "reports"
	v.Digest, v.MonthlyDigest = web.CurrentUser(c).WeeklyDigest, web.CurrentUser(c).MonthlyDigest
	if c.QueryParam("done") == "digest" {
		v.Notice = "Your digest settings are saved."
	}
	q := url.Values{"from": {fromS}}
	if toS != "" {
		q.Set("to", toS)
	}
	v.Query = q.Encode()
	return h.render.Render(c, http.StatusOK, "staff_reports", v)
}

// ReportsXLSX serves GET /staff/reports.xlsx: the same tables, a sheet each.
func (h *Handlers) ReportsXLSX(c echo.Context) error {
	v, err := h.report(c)
	if err != nil {
		return err
	}
	fromS, toS := v.From, v.To
	book := excelize.NewFile()
	defer book.Close()
	bold, _ := book.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	summary := "Summary"
	book.SetSheetName("Sheet1", summary)
	for i, row := range [][]any{{"Period from", fromS}, {"Period to", orOpen(toS)}, {"Won", v.Won}, {"Lost", v.Lost},
		{"Conversion (won ÷ (won + lost))", v.Conversion}, {"Enquiries with a staff action", v.Responded},
		{"Median time to first action", v.Median}, {"90th percentile", v.P90}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		book.SetSheetRow(summary, cell, &row)
	}
	book.SetColWidth(summary, "A", "A", 34)
	for _, t := range v.Tables {
		name := sheetName(t.Title)
		book.NewSheet(name)
		head := make([]any, len(t.Header))
		for i, hd := range t.Header {
			head[i] = hd
		}
		book.SetSheetRow(name, "A1", &head)
		book.SetRowStyle(name, 1, 1, bold)
		for i, row := range t.Rows {
			vals := make([]any, len(row))
			for j, cell := range row {
				vals[j] = cell.Value
				if cell.Value == nil {
					vals[j] = cell.Text // a string cell, never a formula
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			book.SetSheetRow(name, cell, &vals)
		}
		book.SetColWidth(name, "A", "B", 28)
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentDisposition, `attachment; filename="iordesk-report-`+fromS+`.xlsx"`)
	hdr.Set("Cache-Control", "no-store")
	hdr.Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Response().WriteHeader(http.StatusOK)
	return writeStreamed(book, c.Response())
}

func orOpen(s string) string {
	if s == "" {
		return "today"
	}
	return s
}

// sheetName fits a title into Excel's 31-character sheet names.
func sheetName(title string) string {
	r := []rune(title)
	if len(r) > 31 {
		r = r[:31]
	}
	return string(r)
}

// SetDigest serves POST /staff/reports/digest: the viewer subscribes to
// (digest=yes) or leaves the weekly summary email.
func (h *Handlers) SetDigest(c echo.Context) error {
	u := web.CurrentUser(c)
	if err := h.store.SetWeeklyDigest(c.Request().Context(), u.ID, c.FormValue("digest") == "yes"); err != nil {
		return err
	}
	if err := h.store.SetMonthlyDigest(c.Request().Context(), u.ID, c.FormValue("monthly") == "yes"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/reports?done=digest")
}

// pipelineTable is the money of the period by currency — fees quoted,
// shipment values of the enquiries still open and of those won — and each
// converted into the reporting currency with the rates kept, saying which
// rates were used; a currency without a rate is left out of the totals.
func pipelineTable(r *store.Report, kept []store.ExchangeRate, to string) Table {
	t := Table{Title: "Pipeline value", Header: []string{"Currency", "Lines quoted", "Quoted fees", "Open enquiries", "Open shipment value",
		"Won enquiries", "Won shipment value", "Quoted fees in " + to, "Open value in " + to, "Won value in " + to}}
	rates := store.RatesOf(kept)
	byCurrency := map[string]store.ExchangeRate{}
	for _, x := range kept {
		byCurrency[x.Currency] = x
	}
	var quoted, open, won int64
	var used, missing []string
	var bars []web.Bar
	for _, p := range r.Pipeline {
		row := []Cell{text(p.Currency), count(p.QuotedLines), amount(p.QuotedCents, p.Currency), count(p.Open), amount(p.OpenCents, p.Currency),
			count(p.Won), amount(p.WonCents, p.Currency)}
		q, okQ := rates.Convert(p.QuotedCents, p.Currency, to)
		o, _ := rates.Convert(p.OpenCents, p.Currency, to)
		w, _ := rates.Convert(p.WonCents, p.Currency, to)
		if okQ {
			row = append(row, amount(q, to), amount(o, to), amount(w, to))
			quoted, open, won = quoted+q, open+o, won+w
			if x, ok := byCurrency[p.Currency]; ok && p.Currency != to {
				used = append(used, fmt.Sprintf("%s %g (%s, %s)", p.Currency, x.PerEUR, x.RateDate, sourceName(x.Source)))
			}
			bars = append(bars, web.Bar{Label: p.Currency, N: o / 100})
		} else {
			row = append(row, text("no rate"), text("no rate"), text("no rate"))
			missing = append(missing, p.Currency)
		}
		t.Rows = append(t.Rows, row)
		t.Links = append(t.Links, "")
	}
	if len(t.Rows) > 0 {
		t.Rows = append(t.Rows, []Cell{text("All, in " + to), text(""), text(""), text(""), text(""), text(""), text(""),
			amount(quoted, to), amount(open, to), amount(won, to)})
		t.Links = append(t.Links, "")
	}
	if x, ok := byCurrency[to]; ok && to != "EUR" {
		used = append(used, fmt.Sprintf("%s %g (%s, %s)", to, x.PerEUR, x.RateDate, sourceName(x.Source)))
	}
	switch {
	case len(used) > 0:
		t.Note = "Rates used, units per euro: " + strings.Join(used, "; ") + "."
	case len(t.Rows) > 0:
		t.Note = "No exchange rate was needed."
	}
	if len(missing) > 0 {
		t.Note += " No rate for " + strings.Join(missing, ", ") + ": left out of the totals in " + to + " (a manager can enter one on the Rates page)."
	}
	t.Chart = web.HBarChart("Open shipment value in "+to, bars)
	return t
}

func sourceName(source string) string {
	if source == store.RatesFromECB {
		return "ECB reference rate"
	}
	return "entered by hand"
}
