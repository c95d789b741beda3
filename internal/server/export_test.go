package server_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"iordesk/internal/store"
)

// TestExportMatchesTheList checks that an export of a filter holds exactly
// the rows the list shows for it, and that each export is audited.
func TestExportMatchesTheList(t *testing.T) { onBothEngines(t, testExportMatchesTheList) }

func testExportMatchesTheList(t *testing.T, a *app) {
	ctx := context.Background()
	for i, c := range []string{"DE", "BR", "DE", "JP", "US", "DE"} {
		e := a.enquiry("Export "+string(rune('A'+i)), c, "FR")
		if i%2 == 0 {
			a.st.ChangeStatus(ctx, e.ID, 0, store.StatusQuoted, store.Actor{ID: 1, Name: "x"}, "")
		}
		a.advance(time.Hour)
	}
	s := a.session(store.RoleManager)
	for _, query := range []string{"", "country=DE", "status=quoted", "country=DE&status=quoted", "q=export+c", "country=FR&sort=oldest"} {
		want := listRefs(t, a, s, query)
		rec := a.request("GET", "/staff/export.csv?"+query, nil, s)
		recs, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil || rec.Code != 200 {
			t.Fatalf("%q: %d %v", query, rec.Code, err)
		}
		var got []string
		for _, r := range recs[1:] {
			got = append(got, r[0])
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%q: export %v, list %v", query, got, want)
		}
		if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
			t.Errorf("Content-Disposition %q", cd)
		}
	}
	// One row per destination: six enquiries, each with two destinations.
	rec := a.request("GET", "/staff/export.csv?rows=destination", nil, s)
	if n := strings.Count(rec.Body.String(), "\r\n") - 1; n != 12 {
		t.Errorf("per-destination export has %d rows, want 12", n)
	}
	all, _ := a.st.AuditLog(ctx, 100)
	var exports []store.AuditEntry
	for _, e := range all {
		if e.Action == store.AuditExport {
			exports = append(exports, e)
		}
	}
	if len(exports) != 7 || exports[0].Detail != "csv export of 12 rows, filter: all enquiries but spam (one row per destination)" ||
		exports[1].Detail != "csv export of 6 rows, filter: country=FR&sort=oldest" ||
		exports[0].Actor != "Manager Person <manager@ior.example>" || exports[0].IP == "" {
		t.Fatalf("exports in the audit log: %+v", exports)
	}
}

// TestReportFigures checks the reports page against figures computed by
// hand for a small book.
func TestReportFigures(t *testing.T) { onBothEngines(t, testReportFigures) }

func testReportFigures(t *testing.T, a *app) {
	ctx := context.Background()
	by := store.Actor{ID: a.users[store.RoleAgent].ID, Name: "Agent"}
	// Four enquiries: first staff actions after 10 min, 30 min, 2 h; one untouched.
	plan := []struct {
		countries []string
		after     time.Duration
		status    string
	}{
		{[]string{"DE", "FR"}, 10 * time.Minute, store.StatusWon},
		{[]string{"DE"}, 30 * time.Minute, store.StatusLost},
		{[]string{"JP"}, 2 * time.Hour, store.StatusWon},
		{[]string{"DE"}, 0, ""},
	}
	agent := a.users[store.RoleAgent]
	for i, p := range plan {
		e := a.enquiryWith(func(e *store.Enquiry) {
			// The first two came from a campaign, and were written in Spanish.
			if i < 2 {
				e.UTMSource, e.UTMCampaign = "google", "spring"
				e.Language = "es"
			}
		}, p.countries...)
		if p.after > 0 {
			a.advance(p.after)
			a.st.ChangeStatus(ctx, e.ID, 0, p.status, by, "")
			// The won ones were the agent's, taken when acted on.
			if p.status == store.StatusWon {
				if err := a.st.Assign(ctx, e.ID, 0, agent, by); err != nil {
					t.Fatal(err)
				}
			}
			// The lines take the enquiry's outcome, but for the first
			// enquiry's France: lost, after a quote of 1,000 EUR.
			var edits []store.LineEdit
			for _, c := range p.countries {
				edits = append(edits, store.LineEdit{Country: c, State: p.status})
			}
			if i == 0 {
				fee := int64(100000)
				edits[1] = store.LineEdit{Country: "FR", State: store.LineLost, SetFee: true, FeeCents: &fee, FeeCurrency: "EUR"}
			}
			if _, err := a.st.UpdateLines(ctx, e.ID, 0, edits, by); err != nil {
				t.Fatal(err)
			}
			a.advance(-p.after)
		}
	}
	spam := a.enquiry("Spam", "DE")
	a.st.ChangeStatus(ctx, spam.ID, 0, store.StatusSpam, by, "")
	r, err := a.st.Report(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Conversion(); c < 0.666 || c > 0.667 {
		t.Errorf("conversion %v, want 2/3", c)
	}
	if got := r.ResponseQuantile(0.5); got != 30*time.Minute {
		t.Errorf("median first response %s, want 30m", got)
	}
	if got := r.ResponseQuantile(0.9); got != 2*time.Hour {
		t.Errorf("p90 first response %s, want 2h", got)
	}
	cells := map[string]int64{}
	for _, cs := range r.CountryLines {
		cells[cs.Country+"/"+cs.State] = cs.N
	}
	want := map[string]int64{"DE/won": 1, "DE/lost": 1, "DE/open": 1, "FR/lost": 1, "JP/won": 1}
	if len(cells) != len(want) {
		t.Errorf("country × line state %v, want %v", cells, want)
	}
	if len(r.QuotedFees) != 1 || r.QuotedFees[0] != (store.QuotedFee{Country: "FR", Currency: "EUR", Lines: 1, Cents: 100000}) {
		t.Errorf("quoted fees %+v", r.QuotedFees)
	}
	for k, n := range want {
		if cells[k] != n {
			t.Errorf("%s = %d, want %d", k, cells[k], n)
		}
	}
	if len(r.Lanes) == 0 || r.Lanes[0].Origin != "US" || r.Lanes[0].Destination != "DE" || r.Lanes[0].N != 3 {
		t.Errorf("top lane %+v, want US → DE ×3", r.Lanes)
	}
	// By agent: the agent has the two won enquiries (lines DE won, FR
	// lost after a quote, JP won); nobody has the others (DE lost, DE
	// open).
	agents := map[string]store.AgentFigures{}
	for _, f := range r.ByAgent {
		key := "nobody"
		if f.AssigneeID != nil {
			key = fmt.Sprint(*f.AssigneeID)
		}
		agents[key] = f
	}
	if f := agents[fmt.Sprint(agent.ID)]; f.Enquiries != 2 || f.Lines[store.LineWon] != 2 || f.Lines[store.LineLost] != 1 || len(f.Lines) != 2 {
		t.Errorf("the agent's figures %+v", f)
	}
	if f := agents["nobody"]; f.Enquiries != 2 || f.Lines[store.LineLost] != 1 || f.Lines[store.LineOpen] != 1 || len(agents) != 2 {
		t.Errorf("nobody's figures %+v (of %d)", f, len(agents))
	}
	// By source: the campaign brought one won and one lost (the untagged
	// come first of the two with as many enquiries).
	if len(r.BySource) != 2 || r.BySource[1] != (store.SourceFigures{Source: "google", Campaign: "spring", Enquiries: 2, Won: 1, Lost: 1}) ||
		r.BySource[0] != (store.SourceFigures{Enquiries: 2, Won: 1}) {
		t.Errorf("by source %+v", r.BySource)
	}
	// The money: 1,000 EUR quoted; 50,000 USD open (the untouched one),
	// 100,000 USD won.
	if len(r.Pipeline) != 2 || r.Pipeline[0] != (store.PipelineFigures{Currency: "EUR", QuotedLines: 1, QuotedCents: 100000}) ||
		r.Pipeline[1] != (store.PipelineFigures{Currency: "USD", Open: 1, OpenCents: 5000000, Won: 2, WonCents: 10000000}) {
		t.Errorf("pipeline %+v", r.Pipeline)
	}
	// By language: two in Spanish, two in English; spam not counted.
	if len(r.ByLanguage) != 2 || r.ByLanguage[0] != (store.Count{Key: "en", N: 2}) || r.ByLanguage[1] != (store.Count{Key: "es", N: 2}) {
		t.Errorf("by language %+v", r.ByLanguage)
	}
	manager := a.session(store.RoleManager)
	if rec := a.request("POST", "/staff/rates", url.Values{"currency": {"USD"}, "rate": {"1.25"}, "date": {"2026-11-30"}}, a.session(store.RoleAgent)); rec.Code != http.StatusForbidden {
		t.Errorf("an agent set a rate: %d", rec.Code)
	}
	for _, bad := range []url.Values{
		{"currency": {"EUR"}, "rate": {"2"}, "date": {"2026-11-30"}},
		{"currency": {"USD"}, "rate": {"-1"}, "date": {"2026-11-30"}},
		{"currency": {"USD"}, "rate": {"1.25"}, "date": {"2027-01-01"}},
	} {
		if rec := a.request("POST", "/staff/rates", bad, manager); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d", bad, rec.Code)
		}
	}
	if rec := a.request("POST", "/staff/rates", url.Values{"currency": {"USD"}, "rate": {"1.25"}, "date": {"2026-11-30"}}, manager); rec.Code != http.StatusSeeOther {
		t.Fatalf("set a rate: %d", rec.Code)
	}
	pipeline := doc(t, a.request("GET", "/staff/reports?from=2026-01-01", nil, manager)).Find("h2:contains('Pipeline value')").Parent().Text()
	for _, s := range []string{"40,000.00 EUR", "80,000.00 EUR", "1,000.00 EUR", "Rates used, units per euro: USD 1.25 (2026-11-30, entered by hand)"} {
		if !strings.Contains(pipeline, s) {
			t.Errorf("the pipeline table lacks %q:\n%s", s, pipeline)
		}
	}
	d := doc(t, a.request("GET", "/staff/reports?from=2026-01-01", nil, manager))
	page := d.Text()
	for _, s := range []string{"66.7%", "30 min", "2.0 h", "Germany (DE)", "Agent Person", "Nobody", "spring", "(none: direct or untagged)", "By language", "Spanish"} {
		if !strings.Contains(page, s) {
			t.Errorf("reports page lacks %q", s)
		}
	}
	// Presets, by the test clock (30 November 2026).
	d = doc(t, a.request("GET", "/staff/reports?period=last-month", nil, manager))
	if from, _ := d.Find("#r-from").Attr("value"); from != "2026-10-01" || d.Find("#r-to").AttrOr("value", "") != "2026-10-31" ||
		d.Find(`.presets a[aria-current="page"]`).Text() != "Last month" {
		t.Errorf("last month: from %q to %q", from, d.Find("#r-to").AttrOr("value", ""))
	}
	d = doc(t, a.request("GET", "/staff/reports?period=this-quarter", nil, manager))
	if from, _ := d.Find("#r-from").Attr("value"); from != "2026-10-01" || d.Find("#r-to").AttrOr("value", "") != "2026-12-31" {
		t.Errorf("this quarter: from %q to %q", from, d.Find("#r-to").AttrOr("value", ""))
	}
}
