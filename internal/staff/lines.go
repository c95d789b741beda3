package staff

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"iordesk/internal/catalog"
	"iordesk/internal/money"
	"iordesk/internal/store"
	"iordesk/internal/web"
)

// lineRow is one destination line as the enquiry page shows it.
type lineRow struct {
	Country, Name    string
	State, StateName string
	// Fee is the quoted fee as the form shows it ("4500.00"), FeeCurrency
	// its currency; FeeText the fee to read ("4,500.00 USD").
	Fee, FeeCurrency, FeeText string
	// Assignee is the form's value: "" for the enquiry's assignee, else a
	// user id; AssigneeName who that is.
	Assignee, AssigneeName string
	// Compliance is the most severe finding for this destination; Held
	// when it holds or blocks quoting and winning.
	Compliance string
	Held       bool
}

// maxFeeCents bounds a quoted fee.
const maxFeeCents = 1_000_000_000 * 100

// lineRows are e's lines with what the page shows of each.
func (h *Handlers) lineRows(e *store.Enquiry, lines []store.Line, findings []store.Finding, names map[int64]string) []lineRow {
	out := make([]lineRow, 0, len(lines))
	for _, l := range lines {
		r := lineRow{Country: l.Country, Name: h.cat.CountryName(l.Country), State: l.State,
			StateName: catalog.Label(catalog.LineStates, l.State), FeeCurrency: l.FeeCurrency}
		if r.FeeCurrency == "" {
			r.FeeCurrency = e.Currency // what a fee is most likely quoted in
		}
		if l.FeeCents != nil {
			r.Fee, r.FeeText = money.Decimal(*l.FeeCents), money.Format(*l.FeeCents, l.FeeCurrency)
		}
		switch {
		case l.AssigneeID != nil:
			r.Assignee, r.AssigneeName = strconv.FormatInt(*l.AssigneeID, 10), names[*l.AssigneeID]
		case e.AssigneeID != nil:
			r.AssigneeName = names[*e.AssigneeID]
		}
		r.Compliance = store.WorstFinding(findings, l.Country)
		r.Held = r.Compliance == store.ComplianceHold || r.Compliance == store.ComplianceBlock
		out = append(out, r)
	}
	return out
}

// UpdateLine serves POST /staff/enquiries/{id}/lines: one line's state,
// fee, assignee and a note, saved in one write.
func (h *Handlers) UpdateLine(c echo.Context) error {
	edit := store.LineEdit{Country: strings.ToUpper(c.FormValue("country")), State: c.FormValue("state"),
		Release: strings.TrimSpace(c.FormValue("release")), SetFee: true, SetAssignee: true,
		Note: strings.TrimSpace(c.FormValue("note"))}
	if !catalog.HasChoice(catalog.LineStates, edit.State) {
		return h.showEnquiryWith(c, http.StatusUnprocessableEntity, "Choose the line's state.", "")
	}
	if fee := strings.TrimSpace(c.FormValue("fee")); fee != "" {
		cents, err := money.Parse(fee, maxFeeCents)
		if err != nil || cents <= 0 {
			return h.showEnquiryWith(c, http.StatusUnprocessableEntity, "Give the fee as an amount, e.g. 4500 or 4,500.00, or leave it empty.", "")
		}
		edit.FeeCents, edit.FeeCurrency = &cents, strings.ToUpper(c.FormValue("fee_currency"))
		if !h.cat.IsCurrency(edit.FeeCurrency) {
			return h.showEnquiryWith(c, http.StatusUnprocessableEntity, "Choose the fee's currency.", "")
		}
	}
	if a := c.FormValue("assignee"); a != "" && a != "enquiry" {
		var err error
		if edit.Assignee, err = h.assignee(c, a); err != nil {
			return err
		}
	}
	if !validText(edit.Note, 0) || !validText(edit.Release, 0) {
		return h.showEnquiryWith(c, http.StatusUnprocessableEntity, "A note or reason is at most 5000 characters of text.", "")
	}
	return h.saveLines(c, []store.LineEdit{edit})
}

// UpdateAllLines serves POST /staff/enquiries/{id}/lines/all: every line
// to one state.
func (h *Handlers) UpdateAllLines(c echo.Context) error {
	state := c.FormValue("state")
	if !catalog.HasChoice(catalog.LineStates, state) {
		return h.showEnquiryWith(c, http.StatusUnprocessableEntity, "Choose the state for every line.", "")
	}
	e, err := h.enquiryOfPath(c)
	if err != nil {
		return err
	}
	release := strings.TrimSpace(c.FormValue("release"))
	if !validText(release, 0) {
		return h.showEnquiryWith(c, http.StatusUnprocessableEntity, "The reason is at most 5000 characters of text.", "")
	}
	edits := make([]store.LineEdit, len(e.Destinations))
	for i, country := range e.Destinations {
		edits[i] = store.LineEdit{Country: country, State: state, Release: release}
	}
	return h.saveLines(c, edits)
}

// saveLines writes line edits and answers as the enquiry's other forms do.
func (h *Handlers) saveLines(c echo.Context, edits []store.LineEdit) error {
	id, version, err := enquiryAndVersion(c)
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	for _, e := range edits {
		if e.Release != "" && !u.Can(store.RoleManager) {
			return echo.NewHTTPError(http.StatusForbidden, "Only a manager can release a compliance hold.")
		}
	}
	saved, err := h.store.UpdateLines(c.Request().Context(), id, version, edits, actor(c))
	switch {
	case errors.Is(err, store.ErrConflict):
		return h.showEnquiryWith(c, http.StatusConflict,
			"Someone else changed this enquiry while you were looking at it. Here it is as it is now; please check and save again.", "")
	case errors.Is(err, store.ErrComplianceHold):
		return h.showEnquiryWith(c, http.StatusUnprocessableEntity,
			"The compliance pre-screen holds that destination: a manager must give a reason to quote or win it. Nothing was saved.", "")
	case errors.Is(err, store.ErrNotFound):
		return notFound("enquiry line")
	case err != nil:
		return err
	}
	if release := edits[0].Release; release != "" && saved {
		countries := make([]string, len(edits))
		for i, e := range edits {
			countries[i] = e.Country
		}
		h.audit(c, u, store.AuditComplianceRelease, fmt.Sprintf("enquiry %d lines %s to %s: %s", id, strings.Join(countries, " "), edits[0].State, release))
	}
	done := "lines"
	if !saved {
		done = "unchanged"
	}
	return c.Redirect(http.StatusSeeOther, h.afterAction(c, id, done))
}
