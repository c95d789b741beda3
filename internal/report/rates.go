package report

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/money"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

type ratesView struct {
	web.Page
	Rates      []store.ExchangeRate
	Currencies []catalog.Choice
	Currency   string // the reporting currency
	Notice     string
	Error      string
	// Draft is the rate typed when it was refused.
	Draft struct{ Currency, Rate, Date string }
}

// Rates serves GET /staff/rates (manager): the exchange rates kept for the
// reports' pipeline value, a form to set one and an upload of the ECB's
// daily reference rates.
func (h *Handlers) Rates(c echo.Context) error {
	notice := map[string]string{"saved": "Rate saved.", "imported": "The ECB's rates are imported."}[c.QueryParam("done")]
	return h.showRates(c, http.StatusOK, notice, "", "", "", "")
}

func (h *Handlers) showRates(c echo.Context, status int, notice, problem, currency, rate, date string) error {
	rates, err := h.store.ExchangeRates(c.Request().Context())
	if err != nil {
		return err
	}
	v := ratesView{Page: web.PageFor(c, "Exchange rates"), Rates: rates, Currencies: h.cat.Currencies, Currency: h.currency,
		Notice: notice, Error: problem}
	v.Draft.Currency, v.Draft.Rate, v.Draft.Date = currency, rate, date
	if v.Draft.Date == "" {
		v.Draft.Date = h.now().UTC().Format(time.DateOnly)
	}
	v.Staff.Section = "rates"
	return h.render.Render(c, status, "staff_rates", v)
}

// SaveRate serves POST /staff/rates (manager): one rate set by hand, units
// of the currency per euro on a day.
func (h *Handlers) SaveRate(c echo.Context) error {
	currency, text, date := c.FormValue("currency"), strings.TrimSpace(c.FormValue("rate")), c.FormValue("date")
	rate, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
	known := h.cat.IsCurrency(currency)
	day, dateErr := time.Parse(time.DateOnly, date)
	problem := ""
	switch {
	case !known || currency == "EUR":
		problem = "Choose a currency other than the euro (a euro is one euro)."
	case err != nil || rate <= 0 || rate > 1e9:
		problem = "Write the rate as how many units of the currency one euro buys, such as 1.0512."
	case dateErr != nil || day.After(h.now().UTC()):
		problem = "Give the day the rate is for, not in the future."
	}
	if problem != "" {
		return h.showRates(c, http.StatusUnprocessableEntity, "", problem, currency, text, date)
	}
	u := web.CurrentUser(c)
	err = h.store.SetExchangeRates(c.Request().Context(), []store.ExchangeRate{{Currency: currency, PerEUR: rate, RateDate: date,
		Source: store.RatesByHand}}, store.Actor{ID: u.ID, Name: u.AuditName()}, c.RealIP())
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/rates?done=saved")
}

// ImportRates serves POST /staff/rates/import (manager): the ECB's daily
// reference rates (eurofxref-daily.xml) uploaded; a file that is not one
// changes nothing.
func (h *Handlers) ImportRates(c echo.Context) error {
	file, err := c.FormFile("file")
	if err != nil {
		return h.showRates(c, http.StatusUnprocessableEntity, "", "Choose the ECB's file (eurofxref-daily.xml) to import.", "", "", "")
	}
	f, err := file.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	rates, err := ECBRates(f)
	if errors.Is(err, money.ErrNotECB) {
		return h.showRates(c, http.StatusUnprocessableEntity, "", "Nothing imported: "+err.Error()+".", "", "", "")
	}
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	if err := h.store.SetExchangeRates(c.Request().Context(), rates, store.Actor{ID: u.ID, Name: u.AuditName()}, c.RealIP()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/rates?done=imported")
}

// ECBRates reads the ECB's daily reference rates as rates to keep.
func ECBRates(r io.Reader) ([]store.ExchangeRate, error) {
	day, rates, err := money.ParseECB(r)
	if err != nil {
		return nil, err
	}
	out := make([]store.ExchangeRate, 0, len(rates))
	for currency, per := range rates {
		out = append(out, store.ExchangeRate{Currency: currency, PerEUR: per, RateDate: day, Source: store.RatesFromECB})
	}
	return out, nil
}
