package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"iordesk/internal/store"
)

// Possible duplicates are found at arrival (same address, same company as
// compared, same non-free-mail domain; a destination in common; values
// within 20 % in one currency; the last 30 days), shown on both pages,
// and confirmed (counted once) or dismissed (never shown again).
func TestPossibleDuplicates(t *testing.T) { onBothEngines(t, testPossibleDuplicates) }

func testPossibleDuplicates(t *testing.T, a *app) {
	ctx := context.Background()
	arrive := func(email, company, currency string, cents int64, countries ...string) *store.Enquiry {
		a.advance(time.Minute)
		return a.enquiryWith(func(e *store.Enquiry) {
			e.Email, e.Company, e.Currency, e.ShipmentValueCents = email, company, currency, cents
		}, countries...)
	}
	old := arrive("a@apex.example", "Apex Networks Ltd", "EUR", 100_000_00, "DE")
	a.advance(31 * 24 * time.Hour)
	first := arrive("a@apex.example", "Apex Networks Ltd", "EUR", 100_000_00, "DE")
	colleague := arrive("b@apex.example", "APEX NETWORKS LIMITED", "EUR", 110_000_00, "DE", "FR")
	tooDear := arrive("c@apex.example", "Apex Networks", "EUR", 200_000_00, "DE")
	elsewhere := arrive("d@apex.example", "Something Else", "EUR", 100_000_00, "BR")
	sameDomain := arrive("e@apex.example", "Apex Labs", "USD", 999_00, "FR")
	john := arrive("john@gmail.com", "Kiwi", "EUR", 5_000_00, "DE")
	jane := arrive("jane@gmail.com", "Other Co", "EUR", 5_000_00, "DE")
	johnAgain := arrive("John@Gmail.com", "Kiwi Imports", "EUR", 5_500_00, "DE")

	pairs := func(e *store.Enquiry) map[string]string {
		ds, err := a.st.DuplicatesOf(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, d := range ds {
			out[d.Other.Reference] = d.Reason
		}
		return out
	}
	want := map[*store.Enquiry]map[string]string{
		old:        {},
		first:      {colleague.Reference: "same company"}, // no destination in common with sameDomain
		colleague:  {first.Reference: "same company", sameDomain.Reference: "same email domain"},
		tooDear:    {},
		elsewhere:  {},
		sameDomain: {colleague.Reference: "same email domain"}, // France in common; USD against EUR
		john:       {johnAgain.Reference: "same email address"},
		jane:       {},
		johnAgain:  {john.Reference: "same email address"},
	}
	for e, w := range want {
		if got := pairs(e); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s (%s, %s): pairs %v, want %v", e.Reference, e.Email, e.Company, got, w)
		}
	}

	agent := a.session(store.RoleAgent)
	page := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", colleague.ID), nil, agent))
	if li := page.Find(".duplicates li").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), first.Reference)
	}); !strings.Contains(li.Text(), "same company") || li.Find(`button[value="confirm"]`).Length() != 1 {
		t.Fatalf("the later page does not offer to confirm: %q", li.Text())
	}

	// Confirmed: the later counts once, in the original.
	before := overviewTotal(t, a, agent)
	decide := func(e, other *store.Enquiry, decision string) int {
		return a.request("POST", fmt.Sprintf("/staff/enquiries/%d/duplicates/%d", e.ID, other.ID), url.Values{"decision": {decision}}, agent).Code
	}
	if code := decide(first, colleague, "confirm"); code != http.StatusSeeOther {
		t.Fatalf("confirm: %d", code)
	}
	if got, _ := a.st.EnquiryByID(ctx, colleague.ID); got.DuplicateOf == nil || *got.DuplicateOf != first.ID {
		t.Fatalf("the later is not marked a duplicate of the earlier: %v", got.DuplicateOf)
	}
	if after := overviewTotal(t, a, agent); after != before-1 {
		t.Fatalf("overview total %d after confirming, was %d", after, before)
	}
	if !strings.Contains(doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", colleague.ID), nil, agent)).Find(".duplicate-of").Text(), first.Reference) {
		t.Fatal("the duplicate's page does not say what it duplicates")
	}
	// Dismissed: gone from both pages, for good.
	if code := decide(johnAgain, john, "dismiss"); code != http.StatusSeeOther {
		t.Fatalf("dismiss: %d", code)
	}
	if len(pairs(john)) != 0 || len(pairs(johnAgain)) != 0 {
		t.Fatal("a dismissed pair is still shown")
	}
	if code := decide(john, johnAgain, "confirm"); code != http.StatusConflict {
		t.Fatalf("confirming a dismissed pair: %d", code)
	}
	// Erasure takes the match keys too: a new enquiry from the erased
	// address finds nothing.
	if _, err := a.st.ErasePerson(ctx, "john@gmail.com", store.Actor{ID: a.users[store.RoleAdmin].ID, Name: "Admin"}); err != nil {
		t.Fatal(err)
	}
	if back := arrive("john@gmail.com", "Kiwi", "EUR", 5_000_00, "DE"); len(pairs(back)) != 0 {
		t.Fatalf("an erased person's enquiries are still found: %v", pairs(back))
	}
}

func overviewTotal(t *testing.T, a *app, session string) int {
	t.Helper()
	var n int
	text := doc(t, a.request("GET", "/staff?period=all", nil, session)).Find(`a.stat .stat-n`).First().Text()
	fmt.Sscan(strings.ReplaceAll(text, ",", ""), &n)
	return n
}
