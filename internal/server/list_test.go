package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"iordesk/internal/store"
)

// listRefs returns the references the list shows for a query string.
func listRefs(t *testing.T, a *app, session, query string) []string {
	t.Helper()
	rec := a.request("GET", "/staff/enquiries?"+query, nil, session)
	if rec.Code != 200 {
		t.Fatalf("list %q: %d", query, rec.Code)
	}
	var refs []string
	doc(t, rec).Find("table.list a.ref").Each(func(_ int, s *goquery.Selection) { refs = append(refs, s.Text()) })
	slices.Sort(refs)
	return refs
}

func TestListFiltersReturnExactlyTheirRows(t *testing.T) {
	onBothEngines(t, testListFiltersReturnExactlyTheirRows)
}

func testListFiltersReturnExactlyTheirRows(t *testing.T, a *app) {
	ctx := context.Background()
	agentID := a.users[store.RoleAgent].ID
	mk := func(name string, countries ...string) string { return a.enquiry(name, countries...).Reference }
	de := mk("Dieter", "DE", "FR")
	jp := mk("Junko", "JP")
	a.advance(48 * time.Hour)
	s := a.session(store.RoleAgent)
	br := mk("Bruno 100% _real_", "BR", "DE")
	spam := mk("Spammy", "US")
	a.st.ChangeStatus(ctx, mustID(t, a, spam), 0, store.StatusSpam, store.Actor{ID: agentID, Name: "A"}, "")
	a.st.ChangeStatus(ctx, mustID(t, a, jp), 0, store.StatusQuoted, store.Actor{ID: agentID, Name: "A"}, "")
	agent := a.users[store.RoleAgent]
	a.st.Assign(ctx, mustID(t, a, br), 0, agent, store.Actor{ID: agentID, Name: "A"})
	day := a.now().Format("2006-01-02")
	cases := map[string][]string{
		"":                                   {br, de, jp},
		"country=DE":                         {br, de},
		"country=de":                         {br, de},
		"country=US":                         nil,
		"status=spam":                        {spam},
		"status=quoted":                      {jp},
		"status=open":                        {br, de, jp},
		"assignee=me":                        {br},
		"assignee=none":                      {de, jp},
		fmt.Sprintf("assignee=%d", agentID):  {br},
		"from=" + day:                        {br},
		"to=" + day:                          {br, de, jp},
		"country=DE&from=" + day:             {br},
		"q=junko":                            {jp},
		"q=" + strings.ToLower(jp):           {jp},
		"q=100%25":                           {br},
		"q=%25":                              nil, // no word in it
		"q=_":                                nil,
		"q=_real_":                           {br},
		"q=bru*+company%3Aacme":              {br},
		"q=name%3Aacme":                      nil,
		"q=%27+OR+1%3D1+--":                  nil,
		"q=acme+dieter":                      {de},
		"status=bogus&country=XX&assignee=x": {br, de, jp},
	}
	for query, want := range cases {
		slices.Sort(want)
		if got := listRefs(t, a, s, query); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", query, got, want)
		}
	}

	// The form shows the filter applied, and a row shows its columns.
	query := fmt.Sprintf("country=BR&status=open&service=ior&category=gpu_ai&assignee=%d", agentID)
	d := doc(t, a.request("GET", "/staff/enquiries?"+query, nil, s))
	for sel, want := range map[string]string{"#f-country": "BR", "#f-status": "open", "#f-service": "ior",
		"#f-category": "gpu_ai", "#f-assignee": fmt.Sprint(agentID)} {
		if got := d.Find(sel + " option[selected]"); got.Length() != 1 || got.AttrOr("value", "") != want {
			t.Errorf("%s selects %q (%d selected), want %q", sel, got.AttrOr("value", ""), got.Length(), want)
		}
	}
	cells := d.Find("table.list tbody tr").First().Find("td").Map(func(_ int, c *goquery.Selection) string {
		return strings.Join(strings.Fields(c.Text()), " ")
	})
	want := []string{"", br, a.now().UTC().Format("2 Jan 2006 15:04"), "Acme Bruno 100% _real_Bruno 100% _real_",
		"Brazil, Germany", "Importer of Record (IOR)", "50,000.00 USD", "New", agent.Name}
	if len(cells) != len(want) {
		t.Fatalf("row cells %q", cells)
	}
	for i := range want {
		if cells[i] != want[i] {
			t.Errorf("cell %d = %q, want %q", i, cells[i], want[i])
		}
	}
}

// TestSearchMarksItsWordsInTheList checks the list's highlighting, the
// relevance order and its choice of order.
func TestSearchMarksItsWordsInTheList(t *testing.T) {
	a := newApp(t)
	older := a.enquiryWith(func(e *store.Enquiry) { e.FullName, e.Company = "Zoë Quartermaine", "Müller & <Söhne>" })
	a.advance(time.Hour)
	newer := a.enquiryWith(func(e *store.Enquiry) { e.Message = "Please ask Müller about the quartz units" })
	s := a.session(store.RoleAgent)
	rec := a.request("GET", "/staff/enquiries?q="+url.QueryEscape("muller quart*"), nil, s)
	if rec.Code != http.StatusOK {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}
	d := doc(t, rec)
	var refs []string
	d.Find("table.list a.ref").Each(func(_ int, r *goquery.Selection) { refs = append(refs, r.Text()) })
	// The words in the company and the name outrank the same in a message.
	if !slices.Equal(refs, []string{older.Reference, newer.Reference}) {
		t.Errorf("relevance order %v", refs)
	}
	var marks []string
	d.Find("table.list tbody tr").First().Find("mark").Each(func(_ int, m *goquery.Selection) { marks = append(marks, m.Text()) })
	if !slices.Equal(marks, []string{"Müller", "Quartermaine"}) {
		t.Errorf("marked %q", marks)
	}
	if cell := d.Find("table.list tbody tr").First().Find("strong").Text(); cell != "Müller & <Söhne>" {
		t.Errorf("company shown as %q", cell)
	}
	// The newer one matched in its message: the row says where.
	if got := strings.Join(strings.Fields(d.Find("table.list tbody tr").Eq(1).Find(".snippet").Text()), " "); got != "Message: Please ask Müller about the quartz units" ||
		d.Find("table.list tbody tr").Eq(1).Find(".snippet mark").Length() != 2 {
		t.Errorf("snippet %q", got)
	}
	if got := d.Find("#f-sort option").First().Text(); got != "Most relevant first" {
		t.Errorf("first order %q", got)
	}
	d = doc(t, a.request("GET", "/staff/enquiries?sort=newest&q="+url.QueryEscape("muller quart*"), nil, s))
	refs = nil
	d.Find("table.list a.ref").Each(func(_ int, r *goquery.Selection) { refs = append(refs, r.Text()) })
	if !slices.Equal(refs, []string{newer.Reference, older.Reference}) || d.Find(`#f-sort option[value="newest"][selected]`).Length() != 1 {
		t.Errorf("newest first %v", refs)
	}
	if got := d.Find("#list-count").Text(); !strings.Contains(got, "2 matching") {
		t.Errorf("count %q", got)
	}
}

func mustID(t *testing.T, a *app, ref string) int64 {
	e, err := a.st.EnquiryByReference(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return e.ID
}

func TestStoredPayloadsRenderInertOnStaffPages(t *testing.T) {
	a := newApp(t)
	s := a.session(store.RoleAgent)
	payload := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	e := a.enquiry(payload)
	a.st.AddNote(context.Background(), e.ID, payload+" javascript:alert(3)", store.Actor{ID: a.users[store.RoleAgent].ID, Name: payload})
	for _, path := range []string{"/staff/enquiries", "/staff/enquiries?q=alert+img", fmt.Sprintf("/staff/enquiries/%d", e.ID), "/staff"} {
		rec := a.request("GET", path, nil, s)
		body := rec.Body.String()
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s renders the payload as markup", path)
		}
		d := doc(t, rec)
		if d.Find("script:not([src])").Length() != 0 || d.Find("img[onerror]").Length() != 0 {
			t.Errorf("%s: payload became an element", path)
		}
	}
	rec := a.request("GET", fmt.Sprintf("/staff/enquiries/%d", e.ID), nil, s)
	if !strings.Contains(doc(t, rec).Find(".fields").Text(), payload) {
		t.Error("the payload is not shown as text")
	}
	// The list's rows are written in Go, not by html/template.
	rec = a.request("GET", "/staff/enquiries", nil, s)
	if !strings.Contains(doc(t, rec).Find("table.list tbody").Text(), payload) {
		t.Error("the list does not show the payload as text")
	}
}

// TestContactDetailsAreLinks: one tap mails or calls the prospect; a
// number that is not E.164 (an older row, say) is shown but not linked.
func TestContactDetailsAreLinks(t *testing.T) {
	a := newApp(t)
	s := a.session(store.RoleAgent)
	e := a.enquiryWith(func(e *store.Enquiry) { e.Email, e.Phone = "grace+ior@example.com", "+442079460018" })
	d := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", e.ID), nil, s))
	if href, _ := d.Find(`.fields a[href^="mailto:"]`).Attr("href"); href != "mailto:grace+ior@example.com" {
		t.Errorf("mail link %q", href)
	}
	if a := d.Find(`.fields a[href^="tel:"]`); a.AttrOr("href", "") != "tel:+442079460018" || a.Text() != "+44 20 7946 0018" {
		t.Errorf("phone link %q reading %q, want the number grouped", a.AttrOr("href", ""), a.Text())
	}
	odd := a.enquiryWith(func(e *store.Enquiry) { e.Phone = "020 7946 0018 ext. 2" })
	d = doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", odd.ID), nil, s))
	if d.Find(`.fields a[href^="tel:"]`).Length() != 0 || !strings.Contains(d.Find(".fields").Text(), "020 7946 0018 ext. 2") {
		t.Error("a number that is not E.164 should be shown as text only")
	}
}

// TestMyQueueIsOneClickAway: every staff page links to the agent's open
// enquiries, oldest first, and the link shows exactly those.
func TestMyQueueIsOneClickAway(t *testing.T) {
	a := newApp(t)
	s := a.session(store.RoleAgent)
	mine, others, closed := a.enquiry("Mine"), a.enquiry("Someone else's"), a.enquiry("Mine but lost")
	ctx := context.Background()
	me, other := a.users[store.RoleAgent], a.users[store.RoleManager]
	by := store.Actor{ID: me.ID, Name: me.Name}
	if _, err := a.st.AssignMany(ctx, []int64{mine.ID, closed.ID}, me, by); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.AssignMany(ctx, []int64{others.ID}, other, by); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.ChangeStatusOfMany(ctx, []int64{closed.ID}, "lost", by); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/staff", "/staff/account", fmt.Sprintf("/staff/enquiries/%d", mine.ID)} {
		href, ok := doc(t, a.request("GET", path, nil, s)).Find(`nav a:contains("My queue")`).Attr("href")
		if !ok {
			t.Fatalf("%s has no My queue link", path)
		}
		if path != "/staff" {
			continue
		}
		rows := doc(t, a.request("GET", href, nil, s)).Find("table.list tbody").Text()
		if !strings.Contains(rows, mine.Reference) || strings.Contains(rows, others.Reference) || strings.Contains(rows, closed.Reference) {
			t.Errorf("My queue (%s) shows %q", href, rows)
		}
	}
}

// TestEnquiryLeadsBackToItsList: the list's links carry its filter and
// page; the enquiry page leads back there, keeping only filters the list
// knows.
func TestEnquiryLeadsBackToItsList(t *testing.T) {
	a := newApp(t)
	s := a.session(store.RoleAgent)
	e := a.enquiry("Back and forth", "DE")
	href, _ := doc(t, a.request("GET", "/staff/enquiries?country=DE&sort=oldest", nil, s)).Find("table.list a.ref").First().Attr("href")
	if want := fmt.Sprintf("/staff/enquiries/%d?list=country%%3DDE%%26sort%%3Doldest", e.ID); !strings.EqualFold(href, want) { // html/template writes %3d
		t.Fatalf("row link %q, want %q", href, want)
	}
	back := func(path string) string {
		d := doc(t, a.request("GET", path, nil, s))
		h, _ := d.Find(`a:contains("Back to the list")`).Attr("href")
		return h
	}
	if got := back(href); got != "/staff/enquiries?country=DE&sort=oldest" {
		t.Errorf("back link %q", got)
	}
	if got := back(fmt.Sprintf("/staff/enquiries/%d?list=%s", e.ID, url.QueryEscape("country=DE&status=bogus&x=javascript:alert(1)"))); got != "/staff/enquiries?country=DE" {
		t.Errorf("back link from a doctored list %q", got)
	}
	if got := back(fmt.Sprintf("/staff/enquiries/%d", e.ID)); got != "/staff/enquiries" {
		t.Errorf("back link without a list %q", got)
	}
}

// TestPreviousAndNextFollowTheList: from a filtered list, an enquiry links
// to its neighbours in that list's order, across a page boundary too, and
// the first and last have only one.
func TestPreviousAndNextFollowTheList(t *testing.T) {
	a := newApp(t)
	var de []*store.Enquiry // oldest first
	for i := range 52 {
		de = append(de, a.enquiry(fmt.Sprintf("Neighbour %d", i), "DE"))
		a.advance(time.Minute)
		if i%10 == 0 {
			a.enquiry("Elsewhere", "FR")
		}
	}
	s := a.session(store.RoleAgent) // after the clock moved past the idle timeout
	nav := func(path string) (prev, next string) {
		d := doc(t, a.request("GET", path, nil, s))
		prev, _ = d.Find(`.queue-nav a[rel="prev"]`).Attr("href")
		next, _ = d.Find(`.queue-nav a[rel="next"]`).Attr("href")
		return prev, next
	}
	at := func(e *store.Enquiry, list string) string {
		return fmt.Sprintf("/staff/enquiries/%d?list=%s", e.ID, url.QueryEscape(list))
	}
	// Newest first: de[51] leads page 1, de[2] ends it, de[1] opens page 2.
	prev, next := nav(at(de[2], "country=DE"))
	if prev != at(de[3], "country=DE") || next != at(de[1], "country=DE&page=2") {
		t.Errorf("last row of page 1: prev %q next %q", prev, next)
	}
	prev, next = nav(at(de[1], "country=DE&page=2"))
	if prev != at(de[2], "country=DE") || next != at(de[0], "country=DE&page=2") {
		t.Errorf("first row of page 2: prev %q next %q", prev, next)
	}
	if prev, next = nav(at(de[51], "country=DE")); prev != "" || next != at(de[50], "country=DE") {
		t.Errorf("the newest: prev %q next %q", prev, next)
	}
	if prev, next = nav(at(de[0], "country=DE&page=2")); next != "" || prev != at(de[1], "country=DE&page=2") {
		t.Errorf("the oldest: prev %q next %q", prev, next)
	}
	if prev, next = nav(fmt.Sprintf("/staff/enquiries/%d", de[5].ID)); prev != "" || next != "" {
		t.Errorf("opened directly, not from a list: prev %q next %q", prev, next)
	}
	// "Save and next" on the list of new enquiries: the change takes this
	// one out of the list, and the next is still the one the page showed.
	page := doc(t, a.request("GET", at(de[10], "country=DE&status=new"), nil, s))
	then, ok := page.Find(`form[action*="/update"] button[name="then"]`).Attr("value")
	if !ok || then != fmt.Sprint(de[9].ID) {
		t.Fatalf("save and next names %q, want %d", then, de[9].ID)
	}
	action, _ := page.Find(`form[action*="/update"]`).Attr("action")
	rec := a.request("POST", action, url.Values{"status": {"contacted"}, "assignee": {"none"}, "version": {"1"}, "then": {then}}, s)
	want := fmt.Sprintf("/staff/enquiries/%d?done=saved-next&list=%s", de[9].ID, url.QueryEscape("country=DE&status=new"))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
		t.Fatalf("change and next: %d to %q, want %q", rec.Code, rec.Header().Get("Location"), want)
	}
	if got, _ := a.st.EnquiryByID(context.Background(), de[10].ID); got.Status != "contacted" {
		t.Errorf("the change was not saved: %q", got.Status)
	}
}

func TestOverviewCountsAndLinks(t *testing.T) { onBothEngines(t, testOverviewCountsAndLinks) }

func testOverviewCountsAndLinks(t *testing.T, a *app) {
	s := a.session(store.RoleManager)
	by := store.Actor{ID: a.users[store.RoleAgent].ID, Name: "Agent"}
	// Germany's lines: won, lost, and two open; Brazil's: feasible.
	for _, state := range []string{store.LineWon, store.LineLost, ""} {
		e := a.enquiry("Ger", "DE")
		if state != "" {
			if _, err := a.st.UpdateLines(context.Background(), e.ID, 0, []store.LineEdit{{Country: "DE", State: state}}, by); err != nil {
				t.Fatal(err)
			}
		}
	}
	mixed := a.enquiry("Mixed", "DE", "BR")
	if _, err := a.st.UpdateLines(context.Background(), mixed.ID, 0, []store.LineEdit{{Country: "BR", State: store.LineFeasible}}, by); err != nil {
		t.Fatal(err)
	}
	spam := a.enquiry("Spam", "US")
	a.st.ChangeStatus(context.Background(), spam.ID, 0, store.StatusSpam, store.Actor{ID: 1, Name: "x"}, "")
	rec := a.request("GET", "/staff", nil, s)
	d := doc(t, rec)
	counts := map[string]string{}
	d.Find("#country-table").Parent().Find("tbody tr").Each(func(_ int, r *goquery.Selection) {
		var cells []string
		r.Find("td.num").Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
		counts[r.Find("td").First().Find(".muted").Text()] = strings.Join(cells, " ")
	})
	// Lines, open, feasible, not serviceable, won, lost, conversion.
	if counts["DE"] != "4 2 0 0 1 1 50%" || counts["BR"] != "1 0 1 0 0 0 —" || counts["US"] != "" {
		t.Fatalf("country table %v", counts)
	}
	if href, _ := d.Find(`#country-table`).Parent().Find(`a[href*="country=DE"]`).Attr("href"); !strings.Contains(href, "/staff/enquiries?country=DE") {
		t.Fatalf("country link %q", href)
	}
	if d.Find("svg.chart rect.chart-bar").Length() < 2 {
		t.Fatal("no chart bars")
	}
	if got := strings.TrimSpace(d.Find(".stat").First().Find(".stat-n").Text()); got != "4" {
		t.Fatalf("total in period %q, want 4 (spam left out)", got)
	}
}
