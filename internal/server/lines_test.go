package server_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"iordesk/internal/store"
)

// Each destination is a line of work: its own state, fee, assignee and
// notes, versioned with the enquiry; a held destination is quoted only on
// a manager's reason.
func TestDestinationLines(t *testing.T) { onBothEngines(t, testDestinationLines) }

func testDestinationLines(t *testing.T, a *app) {
	ctx := context.Background()
	e := a.enquiry("Three Lines", "DE", "BR", "IN")
	holdBrazil(t, a, e)
	agent, manager := a.session(store.RoleAgent), a.session(store.RoleManager)
	path := fmt.Sprintf("/staff/enquiries/%d/lines", e.ID)

	page := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", e.ID), nil, agent))
	if n := page.Find("table.lines tbody tr").Length(); n != 3 {
		t.Fatalf("%d lines on the page, want 3", n)
	}
	if page.Find(`table.lines tr.line-open th:contains("Brazil") .badge-compliance-hold`).Length() != 1 {
		t.Error("Brazil's line does not show its hold")
	}
	lines := func() map[string]store.Line {
		cur, _ := a.st.EnquiryByID(ctx, e.ID)
		ls, err := a.st.Lines(ctx, cur)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]store.Line{}
		for _, l := range ls {
			out[l.Country] = l
		}
		return out
	}
	version := func() string {
		cur, _ := a.st.EnquiryByID(ctx, e.ID)
		return fmt.Sprint(cur.Version)
	}

	// Germany: feasible, a fee, the agent's, a note — one write.
	rec := a.request("POST", path, url.Values{"version": {"1"}, "country": {"DE"}, "state": {"feasible"}, "fee": {"4,500"},
		"fee_currency": {"USD"}, "assignee": {"me"}, "note": {"Routine: CE and RED."}}, agent)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "done=lines") {
		t.Fatalf("save Germany: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	de := lines()["DE"]
	if de.State != store.LineFeasible || de.FeeCents == nil || *de.FeeCents != 450000 || de.FeeCurrency != "USD" ||
		de.AssigneeID == nil || *de.AssigneeID != a.users[store.RoleAgent].ID || version() != "2" {
		t.Fatalf("Germany saved as %+v, version %s", de, version())
	}
	if br := lines()["BR"]; br.State != store.LineOpen || br.FeeCents != nil {
		t.Fatalf("saving Germany changed Brazil: %+v", br)
	}
	events, _ := a.st.Events(ctx, e.ID)
	var de4 []string
	for _, ev := range events {
		if ev.Country == "DE" {
			de4 = append(de4, ev.Kind)
		}
	}
	if strings.Join(de4, " ") != "line_state line_fee assigned note" {
		t.Fatalf("Germany's timeline: %v", de4)
	}

	// A stale version is refused; nothing changes.
	rec = a.request("POST", path, url.Values{"version": {"1"}, "country": {"IN"}, "state": {"needs_certification"}}, agent)
	if rec.Code != http.StatusConflict || lines()["IN"].State != store.LineOpen {
		t.Fatalf("stale line save: %d, India %s", rec.Code, lines()["IN"].State)
	}
	// A bad fee is refused with the page.
	rec = a.request("POST", path, url.Values{"version": {version()}, "country": {"IN"}, "state": {"open"}, "fee": {"12.345"}, "fee_currency": {"USD"}}, agent)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("fee 12.345: %d", rec.Code)
	}

	// Brazil is held: an agent cannot quote it, a manager can with a reason.
	quote := url.Values{"version": {version()}, "country": {"BR"}, "state": {"quoted"}, "fee": {"9000"}, "fee_currency": {"EUR"}}
	if rec = a.request("POST", path, quote, agent); rec.Code != http.StatusUnprocessableEntity || lines()["BR"].State != store.LineOpen {
		t.Fatalf("quoting held Brazil as an agent: %d, %s", rec.Code, lines()["BR"].State)
	}
	quote.Set("release", "Client holds the ANATEL certificate; checked.")
	if rec = a.request("POST", path, quote, agent); rec.Code != http.StatusForbidden {
		t.Fatalf("an agent's release: %d", rec.Code)
	}
	if rec = a.request("POST", path, quote, manager); rec.Code != http.StatusSeeOther || lines()["BR"].State != store.LineQuoted {
		t.Fatalf("a manager's release: %d, %s", rec.Code, lines()["BR"].State)
	}
	log, _ := a.st.AuditLog(ctx, 10)
	if len(log) == 0 || log[0].Action != store.AuditComplianceRelease || !strings.Contains(log[0].Detail, "BR") {
		t.Fatalf("the release is not in the audit log: %+v", log)
	}

	// Set all lines: every line lost, one version.
	before := version()
	rec = a.request("POST", path+"/all", url.Values{"version": {before}, "state": {"lost"}}, agent)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("set all: %d", rec.Code)
	}
	for c, l := range lines() {
		if l.State != store.LineLost {
			t.Errorf("%s is %s after setting all to lost", c, l.State)
		}
	}
	if cur, _ := a.st.EnquiryByID(ctx, e.ID); fmt.Sprint(cur.Version-1) != before || cur.Status != store.StatusNew {
		t.Fatalf("set all: version %d (was %s), enquiry status %s", cur.Version, before, cur.Status)
	}

	// The export per line with a country filter: that country's lines
	// only, with their own state and fee.
	a.enquiry("Other", "FR", "BR")
	rec = a.request("GET", "/staff/export.csv?country=BR&rows=destination", nil, manager)
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("export per line for Brazil: %d rows, %v\n%s", len(rows), err, rec.Body.String())
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		if r[col["Destinations"]] != "BR" {
			t.Fatalf("a %s line in Brazil's export", r[col["Destinations"]])
		}
		got[r[col["Reference"]]] = r[col["Line state"]] + " " + r[col["Quoted fee"]] + " " + r[col["Fee currency"]]
	}
	if got[e.Reference] != "Lost 9000.00 EUR" {
		t.Fatalf("Brazil's lines exported as %v", got)
	}
}

// holdBrazil records a hold finding on e's Brazil line, from a rule in
// force.
func holdBrazil(t *testing.T, a *app, e *store.Enquiry) {
	t.Helper()
	rules, err := a.st.CurrentRules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.Severity == store.ComplianceHold {
			err := a.st.Write(context.Background(), func(tx *store.Tx) error {
				return tx.InsertFindings(e.ID, []store.Finding{{Country: "BR", RuleRow: r}})
			})
			if err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no hold rule in force to find")
}
