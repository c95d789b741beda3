package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"iordesk/internal/store"
)

// submit sends an enquiry to destinations through the public form, with
// the right CAPTCHA answer, and returns it as stored.
func (a *app) submit(destinations ...string) *store.Enquiry {
	a.t.Helper()
	form := a.filledForm(destinations...)
	rec := a.requestFrom(fmt.Sprintf("198.51.100.%d", refs.Add(1)%250+1), "POST", "/enquiry", form, "")
	loc, _ := url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusSeeOther || loc == nil || loc.Query().Get("ref") == "" {
		a.t.Fatalf("submit: %d %s", rec.Code, rec.Body.String())
	}
	e, err := a.st.EnquiryByReference(context.Background(), loc.Query().Get("ref"))
	if err != nil {
		a.t.Fatal(err)
	}
	return e
}

// filledForm is the enquiry form filled in as a prospect would, with the
// answer of a fresh challenge.
func (a *app) filledForm(destinations ...string) url.Values {
	a.t.Helper()
	rec := a.request("POST", "/api/v1/captcha", nil, "")
	var challenge struct {
		ID string `json:"captcha_id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &challenge); err != nil || challenge.ID == "" {
		a.t.Fatalf("captcha: %d %s", rec.Code, rec.Body.String())
	}
	ch, err := a.st.Challenge(context.Background(), challenge.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return url.Values{"full_name": {"Grace Hopper"}, "company": {"Compilers Ltd"}, "email": {"grace@example.com"},
		"service": {"ior"}, "origin_country": {"US"}, "destination_countries": destinations, "product_category": {"it_networking"},
		"product_description": {"Twelve managed switches"}, "condition": {"new"}, "contains_encryption": {"yes"},
		"wireless_radio": {"no"}, "lithium_batteries": {"none"}, "shipment_value": {"25000"}, "currency": {"EUR"},
		"consent": {"yes"}, "captcha_id": {challenge.ID}, "captcha_solution": {ch.Digits}}
}

// The first-response promise: each enquiry gets its desk (first matching
// routing rule, else the default desk) and a due time in that desk's
// working hours; the first status change away from new answers it; the
// list, the page, the overview and the reports show how it stands.
func TestFirstResponsePromise(t *testing.T) {
	onBothEnginesWith(t, map[string]string{"IORDESK_DESK_HOURS": "Mon-Fri 09:00-17:30 Europe/Berlin", "IORDESK_FIRST_RESPONSE": "4h"},
		testFirstResponsePromise)
}

func testFirstResponsePromise(t *testing.T, a *app) {
	ctx := context.Background()
	// Monday 30 November 2026, 12:00 UTC: 13:00 in Berlin, 09:00 in São Paulo.
	manager := a.session(store.RoleManager)
	if rec := a.request("POST", "/staff/routing", url.Values{"match": {"BR"}, "email": {"brazil@ior.example"}}, manager); rec.Code != http.StatusOK {
		t.Fatalf("add a routing rule: %d", rec.Code)
	}
	desk := url.Values{"email": {"brazil@ior.example"}, "days": {"1", "2", "3", "4", "5"}, "opens": {"08:00"}, "closes": {"17:00"},
		"zone": {"America/Sao_Paulo"}, "target": {"2"}, "holidays": {"2026-11-30 Desk outing"}}
	if rec := a.request("POST", "/staff/desks", desk, manager); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Saved") {
		t.Fatalf("save the Brazil desk: %d", rec.Code)
	}
	bad := url.Values{"email": {"brazil@ior.example"}, "days": {"1"}, "opens": {"17:00"}, "closes": {"08:00"}, "zone": {"America/Sao_Paulo"}, "target": {"2"}}
	if rec := a.request("POST", "/staff/desks", bad, manager); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("closing before opening: %d", rec.Code)
	}
	if rec := a.request("POST", "/staff/desks", desk, a.session(store.RoleAgent)); rec.Code != http.StatusForbidden {
		t.Fatalf("an agent saving a desk: %d", rec.Code)
	}

	berlin := a.submit("DE")
	brazil := a.submit("DE", "BR")
	// Berlin: 13:00 + 4 working hours = 17:00 Berlin = 16:00 UTC.
	if berlin.Desk != "" || berlin.RespondBy == nil || !berlin.RespondBy.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("the default desk's promise: desk %q, due %v", berlin.Desk, berlin.RespondBy)
	}
	// Brazil's desk is out on Monday: Tuesday 08:00 + 2 h = 10:00 BRT = 13:00 UTC.
	if brazil.Desk != "brazil@ior.example" || brazil.RespondBy == nil || !brazil.RespondBy.Equal(time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC)) {
		t.Fatalf("the Brazil desk's promise: desk %q, due %v", brazil.Desk, brazil.RespondBy)
	}

	// At 17:00 UTC the Berlin one is an hour overdue.
	a.advance(5 * time.Hour)
	agent := a.session(store.RoleAgent)
	list := doc(t, a.request("GET", "/staff/enquiries?response=overdue", nil, agent))
	if n := list.Find("table.list a.ref").Length(); n != 1 || list.Find("table.list a.ref").Text() != berlin.Reference {
		t.Fatalf("overdue: %d rows", n)
	}
	if badge := list.Find(".badge-overdue").Text(); badge != "overdue by 1 h" {
		t.Fatalf("overdue badge %q", badge)
	}
	if n := doc(t, a.request("GET", "/staff/enquiries?response=waiting", nil, agent)).Find("table.list a.ref").Length(); n != 2 {
		t.Fatalf("waiting: %d rows", n)
	}
	if tile := doc(t, a.request("GET", "/staff", nil, agent)).Find(`a.stat[href*="response=overdue"]`).Text(); !strings.Contains(tile, "1 past the first-response promise") {
		t.Fatalf("overview tile %q", tile)
	}
	page := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", brazil.ID), nil, agent))
	if badge := page.Find(".page-head .badge-promise").Text(); badge != "due in 20 h" {
		t.Fatalf("the Brazil enquiry's badge %q", badge)
	}

	// A status change answers it: the agent, now, after the promise.
	rec := a.request("POST", fmt.Sprintf("/staff/enquiries/%d/update", berlin.ID),
		url.Values{"version": {"1"}, "status": {"triaged"}, "assignee": {"me"}}, agent)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("triage: %d", rec.Code)
	}
	got, _ := a.st.EnquiryByID(ctx, berlin.ID)
	if got.FirstResponseAt == nil || !got.FirstResponseAt.Equal(a.now()) || got.FirstResponseBy == nil || *got.FirstResponseBy != a.users[store.RoleAgent].ID {
		t.Fatalf("first response %v by %v", got.FirstResponseAt, got.FirstResponseBy)
	}
	// A later change is not the first response.
	a.advance(time.Hour)
	a.st.ChangeStatus(ctx, berlin.ID, 0, store.StatusContacted, store.Actor{ID: a.users[store.RoleManager].ID, Name: "M"}, "")
	if got, _ = a.st.EnquiryByID(ctx, berlin.ID); *got.FirstResponseBy != a.users[store.RoleAgent].ID {
		t.Fatal("a second status change took over the first response")
	}
	// Brazil answered the next morning in time: 12:30 UTC Tuesday, after
	// half an hour of the desk's working time.
	a.advance(time.Date(2026, 12, 1, 11, 30, 0, 0, time.UTC).Sub(a.now()))
	a.st.ChangeStatus(ctx, brazil.ID, 0, store.StatusTriaged, store.Actor{ID: a.users[store.RoleManager].ID, Name: "M"}, "")

	reports := doc(t, a.request("GET", "/staff/reports?from=2026-11-01", nil, a.session(store.RoleManager)))
	rows := map[string]string{}
	reports.Find(".report-table").Each(func(_ int, s *goquery.Selection) {
		if !strings.HasPrefix(s.Find("h2").Text(), "First response by") {
			return
		}
		s.Find("tbody tr").Each(func(_ int, r *goquery.Selection) {
			var cells []string
			r.Find("td.num").Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
			rows[strings.TrimSpace(r.Find("td").First().Text())] = strings.Join(cells, " ")
		})
	})
	// Desk: promise, enquiries, answered, within, median, p90. Berlin was
	// answered at 18:00 its time, after closing: 13:00–17:30 is 4.5 working
	// hours.
	want := map[string]string{
		"The default desk":   "4.0 h 1 1 0.0% 4.5 h 4.5 h",
		"brazil@ior.example": "2.0 h 1 1 100.0% 0.5 h 0.5 h",
		"Agent Person":       "1 1 0.0% 4.5 h 4.5 h",
		"Manager Person":     "1 1 100.0% 0.5 h 0.5 h",
	}
	for k, v := range want {
		if rows[k] != v {
			t.Errorf("report row %q: %q, want %q", k, rows[k], v)
		}
	}
}
