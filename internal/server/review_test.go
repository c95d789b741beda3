package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	_ "github.com/jackc/pgx/v5/stdlib"

	"iordesk/internal/compliance"
	"iordesk/internal/pgtest"
	"iordesk/internal/store"
)

// Erasure leaves no copy of the person anywhere: after their mail went out,
// a colleague noted their address and a manager exported by it, every
// table and column is searched for the address and the name.
func TestErasureLeavesNoCopyAnywhere(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dsn, driver := filepath.Join(t.TempDir(), "iordesk.db"), "sqlite3"
			if engine == "postgres" {
				dsn, driver = pgtest.DSN(t), "pgx"
			}
			a := newAppOn(t, dsn)
			const address, name = "Erin.Erasable@Example.com", "Erin Erasable"
			e := a.enquiryFrom(address, name, "DE", "BR")
			if err := a.st.Write(t.Context(), func(tx *store.Tx) error {
				return tx.EnqueueMail(e.ID, store.MailDeskNotification, store.MailAcknowledgement)
			}); err != nil {
				t.Fatal(err)
			}
			if n, err := a.srv.Outbox.RunOnce(t.Context()); err != nil || n != 2 {
				t.Fatalf("delivered %d: %v", n, err)
			}
			agent, manager, admin := a.session(store.RoleAgent), a.session(store.RoleManager), a.session(store.RoleAdmin)
			a.request("POST", fmt.Sprintf("/staff/enquiries/%d/notes", e.ID), url.Values{"note": {"Called erin.erasable@example.com back"}}, agent)
			reply := url.Values{"subject": {"Re: your enquiry, Erin Erasable"}, "body": {"Dear Erin Erasable,\nwe write to erin.erasable@example.com."},
				"cc": {"erin.erasable@example.com"}}
			if rec := a.request("POST", fmt.Sprintf("/staff/enquiries/%d/reply", e.ID), reply, agent); rec.Code != http.StatusSeeOther {
				t.Fatalf("reply: %d", rec.Code)
			}
			if n, err := a.srv.Outbox.RunOnce(t.Context()); err != nil || n != 1 {
				t.Fatalf("delivered the reply %d: %v", n, err)
			}
			// Erin writes back (matched by the reference, and once naming
			// none), and the desk is told.
			place, _, err := a.st.LeaseMailbox(t.Context(), "desk", "test", time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			for i, ref := range []string{e.Reference, ""} {
				m := store.InboundMail{Mailbox: "desk", UIDValidity: 1, UID: place.LastUID + int64(i) + 1, FromAddress: address, FromName: name,
					Subject: "Re: " + ref + " from Erin Erasable", Body: "Regards, Erin Erasable (erin.erasable@example.com)", MessageID: fmt.Sprintf("m%d@x", i)}
				if _, err := a.st.RecordInbound(t.Context(), "test", m, store.InboundThread{SubjectRef: ref}); err != nil {
					t.Fatal(err)
				}
			}
			// Erin's own file, named after her and holding her address.
			file, err := a.st.StageAttachment(t.Context(), "erin-post", "Erin Erasable - parts.csv", "text/csv", nil,
				strings.NewReader("name,email\nErin Erasable,erin.erasable@example.com\n"), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.st.Write(t.Context(), func(tx *store.Tx) error { return tx.ClaimAttachments("erin-post", e.ID) }); err != nil {
				t.Fatal(err)
			}
			a.request("GET", "/staff/export.csv?q="+url.QueryEscape("erin.erasable@example.com"), nil, manager)
			a.request("GET", "/staff/export.csv?q="+url.QueryEscape(name), nil, manager)
			before := findEverywhere(t, driver, dsn, "erin.erasable@example.com", "erin erasable")
			if len(before) < 4 {
				t.Fatalf("the set-up left too few copies to prove anything: %v", before)
			}
			rec := a.request("POST", "/staff/privacy/erase", url.Values{"email": {"erin.erasable@example.com"}, "confirm": {"yes"}}, admin)
			if rec.Code != http.StatusOK {
				t.Fatalf("erase: %d", rec.Code)
			}
			if left := findEverywhere(t, driver, dsn, "erin.erasable@example.com", "erin erasable"); len(left) > 0 {
				t.Fatalf("after erasure the person is still in %v (before: %v)", left, before)
			}
			if files, err := a.st.Attachments(t.Context(), e.ID); err != nil || len(files) != 0 {
				t.Errorf("the erased person's file %d is still there: %v %v", file.ID, files, err)
			}
		})
	}
}

// findEverywhere lists the table.column places whose value contains any of
// the needles, ignoring case.
func findEverywhere(t *testing.T, driver, dsn string, needles ...string) []string {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if driver == "pgx" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	var tables []string
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	var found []string
	for _, table := range tables {
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				text := strings.ToLower(fmt.Sprintf("%s", v))
				for _, n := range needles {
					if strings.Contains(text, n) {
						found = append(found, table+"."+cols[i])
					}
				}
			}
		}
		rows.Close()
	}
	return found
}

// Metrics answer a client on this machine only, judged by the real client
// address: behind a trusted proxy, the proxy's own address is not enough.
func TestMetricsBehindAProxyJudgeTheRealClient(t *testing.T) {
	a := newAppWith(t, filepath.Join(t.TempDir(), "m.db"), map[string]string{"IORDESK_TRUSTED_PROXIES": "10.0.0.5"})
	get := func(forwardedFor string) int {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = "10.0.0.5:4000"
		if forwardedFor != "" {
			req.Header.Set("X-Forwarded-For", forwardedFor)
		}
		rec := httptest.NewRecorder()
		a.srv.Echo.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := get("203.0.113.5"); code != http.StatusNotFound {
		t.Fatalf("metrics to an internet client through the proxy: %d", code)
	}
	if code := get(""); code != http.StatusNotFound {
		t.Fatalf("metrics to the proxy itself: %d", code)
	}
	// With a listener of its own, the public one serves no metrics at all.
	own := newAppWith(t, filepath.Join(t.TempDir(), "n.db"), map[string]string{"IORDESK_METRICS_ADDR": "127.0.0.1:0"})
	if rec := own.request("GET", "/metrics", nil, ""); rec.Code != http.StatusNotFound {
		t.Fatalf("public /metrics with IORDESK_METRICS_ADDR set: %d", rec.Code)
	}
}

// An old or stalled outbox message is what the age reports, even while it
// waits for its next retry behind a fresher one.
func TestOldestPendingIsTheOldestWhileRetrying(t *testing.T) {
	onBothEngines(t, func(t *testing.T, a *app) {
		old := a.enquiry("Old Retry")
		if err := a.st.Write(t.Context(), func(tx *store.Tx) error { return tx.EnqueueMail(old.ID, store.MailDeskNotification) }); err != nil {
			t.Fatal(err)
		}
		leased, err := a.st.LeaseMail(t.Context(), 1, time.Minute)
		if err != nil || len(leased) != 1 {
			t.Fatalf("lease: %v %v", leased, err)
		}
		// Retrying in an hour; a fresh message arrives meanwhile.
		if err := a.st.RecordMail(t.Context(), leased[0], store.MailOutcome{RetryAt: a.now().Add(time.Hour), Error: "451"}); err != nil {
			t.Fatal(err)
		}
		a.advance(30 * time.Minute)
		fresh := a.enquiry("Fresh")
		if err := a.st.Write(t.Context(), func(tx *store.Tx) error { return tx.EnqueueMail(fresh.ID, store.MailDeskNotification) }); err != nil {
			t.Fatal(err)
		}
		st, err := a.st.OutboxStats(t.Context())
		if err != nil || st.Pending != 2 || !st.OldestPending.Equal(leased[0].CreatedAt) {
			t.Fatalf("stats %+v %v, want the oldest queued at %v", st, err, leased[0].CreatedAt)
		}
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = "127.0.0.1:4000"
		rec := httptest.NewRecorder()
		a.srv.Echo.ServeHTTP(rec, req)
		if !strings.Contains(rec.Body.String(), "iordesk_outbox_oldest_pending_seconds 1800") {
			t.Fatalf("metrics do not report 1800 s:\n%s", grepLines(rec.Body.String(), "oldest"))
		}
	})
}

func grepLines(s, word string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A download that takes longer than the server's write timeout completes:
// it extends its own deadline while it makes progress.
func TestLongExportOutlivesTheWriteTimeout(t *testing.T) {
	a := newApp(t)
	for i := range 12000 {
		a.enquiry(fmt.Sprintf("Bulk %d", i))
	}
	srv := httptest.NewUnstartedServer(a.srv.Echo)
	srv.Config.WriteTimeout = 150 * time.Millisecond
	srv.Start()
	defer srv.Close()
	manager := a.session(store.RoleManager)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/staff/export.xlsx", nil)
	req.AddCookie(&http.Cookie{Name: "iordesk_session", Value: manager})
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("download broken after %s: %v", took, err)
	}
	if took < srv.Config.WriteTimeout {
		t.Fatalf("the export took %s, too little to outlive the %s timeout; make the book bigger", took, srv.Config.WriteTimeout)
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil || len(z.File) == 0 {
		t.Fatalf("the workbook is not a whole zip after %s: %v", took, err)
	}
	entries, _ := a.st.AuditLog(t.Context(), 1)
	if len(entries) != 1 || !strings.Contains(entries[0].Detail, "xlsx export of 12000 rows") {
		t.Fatalf("audit %+v", entries)
	}
}

// A client that goes away mid-download leaves an audit line that says so.
func TestAbortedExportIsAuditedAsAborted(t *testing.T) {
	a := newApp(t)
	for i := range 3000 {
		a.enquiry(fmt.Sprintf("Bulk %d", i))
	}
	srv := httptest.NewServer(a.srv.Echo)
	defer srv.Close()
	manager := a.session(store.RoleManager)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /staff/export.csv HTTP/1.1\r\nHost: x\r\nCookie: iordesk_session=%s\r\n\r\n", manager)
	buf := make([]byte, 4096)
	if _, err := io.ReadFull(conn, buf); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := a.st.AuditLog(context.Background(), 1)
		if len(entries) == 1 && entries[0].Action == store.AuditExport {
			if !strings.Contains(entries[0].Detail, "aborted") {
				t.Fatalf("audit of a cut download: %q", entries[0].Detail)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no audit line for the cut download")
}

// Small ones: /static/ lists no folder; Origin: null is not our page.
func TestStaticServesFilesOnlyAndNullOriginRefused(t *testing.T) {
	a := newApp(t)
	for _, path := range []string{"/static/", "/static/css/", "/static/vendor"} {
		// A listing would link its entries relatively: <a href="css/">.
		if rec := a.request("GET", path, nil, ""); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), `<a href="css/">`) ||
			strings.Contains(rec.Body.String(), `<a href="app.css">`) {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
	if rec := a.request("GET", "/static/css/app.css", nil, ""); rec.Code != http.StatusOK {
		t.Errorf("a file: %d", rec.Code)
	}
	req := httptest.NewRequest(http.MethodPost, "/enquiry", strings.NewReader("full_name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "null")
	rec := httptest.NewRecorder()
	a.srv.Echo.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("Origin: null post: %d", rec.Code)
	}
}

// The enquiry page shows the pre-screen per destination, with its sources
// and marks and the standing disclaimer; the list filters by state.
func TestCompliancePanelAndFilter(t *testing.T) {
	onBothEngines(t, func(t *testing.T, a *app) {
		blocked := a.enquiryWith(func(e *store.Enquiry) { e.ComplianceState = store.ComplianceBlock }, "IR", "AE", "DE")
		a.enquiryWith(func(e *store.Enquiry) { e.ComplianceState = store.ComplianceClear }, "DE")
		old := a.enquiry("Old Buyer", "FR")
		err := a.st.Write(t.Context(), func(tx *store.Tx) error {
			// Two seeded rules: the embargo, and an unverified diversion check.
			return tx.InsertFindings(blocked.ID, []store.Finding{
				{Country: "IR", RuleRow: store.RuleRow{ID: "EMBARGO", Version: 1}},
				{Country: "AE", RuleRow: store.RuleRow{ID: "AE-DIVERSION", Version: 1}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		agent := a.session(store.RoleAgent)
		page := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", blocked.ID), nil, agent))
		panel := page.Find(".compliance-panel")
		text := panel.Text()
		for _, want := range []string{"Indicative only — not legal advice", "Iran", "Comprehensive embargo", "OFAC / US BIS",
			"United Arab Emirates", "End-use check", "unverified", "last reviewed 2026-12-01", "Germany", "No requirement on file"} {
			if !strings.Contains(text, want) {
				t.Errorf("panel lacks %q:\n%s", want, text)
			}
		}
		if rel, _ := panel.Find(`a[href="https://aalep.eu/us-sanctions"]`).Attr("rel"); rel != "noopener noreferrer" {
			t.Errorf("source link rel %q", rel)
		}
		if text := doc(t, a.request("GET", fmt.Sprintf("/staff/enquiries/%d", old.ID), nil, agent)).Find(".compliance-panel").Text(); !strings.Contains(text, "not screened") {
			t.Errorf("an enquiry from before the pre-screen: %s", text)
		}
		list := doc(t, a.request("GET", "/staff/enquiries?compliance=block", nil, agent))
		var refs []string
		list.Find("a.ref").Each(func(_ int, s *goquery.Selection) { refs = append(refs, s.Text()) })
		if len(refs) != 1 || refs[0] != blocked.Reference {
			t.Errorf("compliance=block lists %v", refs)
		}
		if badge := list.Find(".badge-compliance-block").Length(); badge != 1 {
			t.Errorf("%d block badges in the list", badge)
		}
		// By scheme: the enquiry with a finding of that scheme, none other.
		refs = nil
		doc(t, a.request("GET", "/staff/enquiries?scheme="+url.QueryEscape("End-use check"), nil, agent)).Find("a.ref").
			Each(func(_ int, s *goquery.Selection) { refs = append(refs, s.Text()) })
		if len(refs) != 1 || refs[0] != blocked.Reference {
			t.Errorf("scheme=End-use check lists %v", refs)
		}
		if n := doc(t, a.request("GET", "/staff/enquiries?scheme="+url.QueryEscape("WPC ETA"), nil, agent)).Find("a.ref").Length(); n != 0 {
			t.Errorf("scheme=WPC ETA lists %d", n)
		}
	})
}

// A held or blocked enquiry is quoted or won only by a manager with a
// written reason, which the timeline and the audit log keep; bulk actions
// skip it.
func TestComplianceHoldNeedsAManagersReason(t *testing.T) {
	onBothEngines(t, func(t *testing.T, a *app) {
		held := a.enquiryWith(func(e *store.Enquiry) { e.ComplianceState = store.ComplianceHold }, "RU")
		agent, manager := a.session(store.RoleAgent), a.session(store.RoleManager)
		path := fmt.Sprintf("/staff/enquiries/%d/status", held.ID)
		if rec := a.request("POST", path, url.Values{"status": {"quoted"}, "version": {"1"}}, agent); rec.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(rec.Body.String(), "a manager must give a reason") {
			t.Fatalf("agent quoting a held enquiry: %d", rec.Code)
		}
		if rec := a.request("POST", path, url.Values{"status": {"won"}, "version": {"1"}, "release": {"cleared"}}, agent); rec.Code != http.StatusForbidden {
			t.Fatalf("agent giving a reason: %d", rec.Code)
		}
		if rec := a.request("POST", path, url.Values{"status": {"quoted"}, "version": {"1"}}, manager); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("manager without a reason: %d", rec.Code)
		}
		// Other moves stay open to anyone.
		if rec := a.request("POST", path, url.Values{"status": {"contacted"}, "version": {"1"}}, agent); rec.Code != http.StatusSeeOther {
			t.Fatalf("agent moving a held enquiry to contacted: %d", rec.Code)
		}
		ids := url.Values{"ids": {fmt.Sprint(held.ID)}, "action": {"status"}, "value": {"won"}, "return": {"/staff/enquiries"}}
		a.request("POST", "/staff/enquiries/bulk", ids, manager)
		if cur, _ := a.st.EnquiryByID(t.Context(), held.ID); cur.Status != store.StatusContacted {
			t.Fatalf("a bulk action won a held enquiry: %s", cur.Status)
		}
		rec := a.request("POST", path, url.Values{"status": {"quoted"}, "version": {"2"}, "release": {"Licence L-123 granted"}}, manager)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("manager with a reason: %d", rec.Code)
		}
		evs, _ := a.st.Events(t.Context(), held.ID)
		if last := evs[len(evs)-1]; !strings.Contains(last.Detail, "compliance hold released: Licence L-123 granted") {
			t.Fatalf("timeline: %+v", last)
		}
		log, _ := a.st.AuditLog(t.Context(), 5)
		if len(log) == 0 || log[0].Action != store.AuditComplianceRelease || !strings.Contains(log[0].Detail, "Licence L-123 granted") {
			t.Fatalf("audit: %+v", log)
		}
	})
}

// The overview counts the open enquiries the pre-screen holds or blocks.
func TestOverviewCountsOnHold(t *testing.T) {
	a := newApp(t)
	a.enquiryWith(func(e *store.Enquiry) { e.ComplianceState = store.ComplianceHold }, "RU")
	a.enquiryWith(func(e *store.Enquiry) { e.ComplianceState = store.ComplianceBlock }, "IR")
	a.enquiryWith(func(e *store.Enquiry) { e.ComplianceState = store.ComplianceAction }, "IN")
	o, err := a.st.Overview(t.Context(), time.Time{}, time.Time{})
	if err != nil || o.OnHold != 2 {
		t.Fatalf("on hold %d, %v", o.OnHold, err)
	}
	page := doc(t, a.request("GET", "/staff", nil, a.session(store.RoleAgent)))
	if got := page.Find(`a.stat[href="/staff/enquiries?status=open&compliance=hold"]`).Text(); !strings.Contains(got, "2") {
		t.Fatalf("tile %q", got)
	}
}

// Screening again applies the rules in force and records what changed on
// the timeline; the findings made before keep their rule's version.
func TestRescreenRecordsTheDifference(t *testing.T) {
	onBothEngines(t, func(t *testing.T, a *app) {
		e := a.enquiryWith(func(e *store.Enquiry) {
			e.ProductCategory, e.WirelessRadio, e.Condition = "it_networking", "yes", "new"
		}, "IN", "DE")
		agent := a.session(store.RoleAgent)
		path := fmt.Sprintf("/staff/enquiries/%d/rescreen", e.ID)
		if rec := a.request("POST", path, url.Values{}, agent); rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "done=rescreen") {
			t.Fatalf("first screen: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		cur, _ := a.st.EnquiryByID(t.Context(), e.ID)
		if cur.ComplianceState != store.ComplianceAction {
			t.Fatalf("state %q after screening", cur.ComplianceState)
		}
		// A manager makes the WPC rule a hold: the enquiry, screened again,
		// holds, and the timeline says which rule moved.
		var wpc *compliance.Rule
		for _, r := range a.srv.Rules.Rules().All() {
			if r.ID == "IN-WPC" {
				copy := *r
				wpc = &copy
			}
		}
		wpc.Severity = compliance.Hold
		if err := a.srv.Rules.Save(t.Context(), wpc, false); err != nil {
			t.Fatal(err)
		}
		a.request("POST", path, url.Values{}, agent)
		cur, _ = a.st.EnquiryByID(t.Context(), e.ID)
		evs, _ := a.st.Events(t.Context(), e.ID)
		last := evs[len(evs)-1]
		if cur.ComplianceState != store.ComplianceHold || last.Kind != store.EventRescreened ||
			!strings.Contains(last.Detail, "state action → hold") || !strings.Contains(last.Detail, "+ IN: WPC ETA (IN-WPC v2, hold)") ||
			!strings.Contains(last.Detail, "− IN: WPC ETA (IN-WPC v1)") {
			t.Fatalf("state %q, last event %+v", cur.ComplianceState, last)
		}
		if rec := a.request("POST", path, url.Values{}, agent); !strings.HasSuffix(rec.Header().Get("Location"), "done=rescreen-same") {
			t.Fatalf("a third screen with no change: %s", rec.Header().Get("Location"))
		}
	})
}

// Managers keep the rules: a change is a new version in force at once and
// audited before and after; bad input is refused with the reason; a rule
// retires; agents may not; a rule long unchecked is flagged.
func TestManagersKeepTheRules(t *testing.T) {
	onBothEngines(t, func(t *testing.T, a *app) {
		manager, agent := a.session(store.RoleManager), a.session(store.RoleAgent)
		if rec := a.request("GET", "/staff/rules", nil, agent); rec.Code != http.StatusForbidden {
			t.Fatalf("an agent on the rules page: %d", rec.Code)
		}
		page := doc(t, a.request("GET", "/staff/rules?destination=IN", nil, manager))
		if n := page.Find("table.rules tbody tr").Length(); n < 5 || !strings.Contains(page.Text(), "WPC ETA") {
			t.Fatalf("India's rules: %d rows", n)
		}
		form := url.Values{"id": {"IN-WPC"}, "destination": {"IN"}, "when": {"radio"}, "scheme": {"WPC ETA"},
			"authority": {"WPC wing"}, "summary": {"Radio equipment needs an ETA; only an Indian entity can apply."},
			"severity": {"hold"}, "local_entity": {"yes"}, "source_url": {"https://www.spilma.com/en/guides/india-bis-tec-wpc-certification"},
			"verified": {"yes"}, "reviewed": {"2026-11-30"}}
		if rec := a.request("POST", "/staff/rules", form, agent); rec.Code != http.StatusForbidden {
			t.Fatalf("an agent saving a rule: %d", rec.Code)
		}
		if rec := a.request("POST", "/staff/rules", form, manager); rec.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", rec.Code, doc(t, rec).Find(".error-summary").Text())
		}
		var wpc *compliance.Rule
		for _, r := range a.srv.Rules.Rules().All() {
			if r.ID == "IN-WPC" {
				wpc = r
			}
		}
		if wpc == nil || wpc.Version != 2 || wpc.Severity != compliance.Hold || wpc.Authority != "WPC wing" {
			t.Fatalf("rule in force: %+v", wpc)
		}
		log, _ := a.st.AuditLog(t.Context(), 1)
		if len(log) != 1 || log[0].Action != store.AuditRuleChange || !strings.Contains(log[0].Detail, "before dest=IN") ||
			!strings.Contains(log[0].Detail, "severity=action") || !strings.Contains(log[0].Detail, "severity=hold") {
			t.Fatalf("audit %+v", log)
		}
		for field, bad := range map[string]string{"destination": "XX", "when": "moonphase", "severity": "severe",
			"source_url": "somewhere", "reviewed": "2030-01-01", "categories": "toasters"} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set(field, bad)
			if rec := a.request("POST", "/staff/rules", f, manager); rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s=%q: %d", field, bad, rec.Code)
			}
		}
		// A new rule, long unchecked: flagged for review.
		added := url.Values{"new": {"yes"}, "id": {"DE-TEST"}, "destination": {"DE"}, "scheme": {"Test scheme"},
			"summary": {"A test."}, "severity": {"info"}, "source_url": {"https://example.org/"}, "reviewed": {"2025-01-01"}}
		if rec := a.request("POST", "/staff/rules", added, manager); rec.Code != http.StatusSeeOther {
			t.Fatalf("add: %d %s", rec.Code, doc(t, rec).Find(".error-summary").Text())
		}
		row := doc(t, a.request("GET", "/staff/rules?q=DE-TEST", nil, manager)).Find("table.rules tbody tr")
		if row.Length() != 1 || !strings.Contains(row.Text(), "review due") || !strings.Contains(row.Text(), "unverified") {
			t.Fatalf("the new rule's row: %q", row.Text())
		}
		if rec := a.request("POST", "/staff/rules/DE-TEST/retire", url.Values{}, manager); rec.Code != http.StatusSeeOther {
			t.Fatalf("retire: %d", rec.Code)
		}
		for _, r := range a.srv.Rules.Rules().All() {
			if r.ID == "DE-TEST" {
				t.Fatal("a retired rule is still in force")
			}
		}
	})
}

// Staff set their own password: with the current one, strong, ending their
// other sessions, audited; a generated password must be changed at the
// first login before anything else.
func TestOwnPasswordAndForcedChange(t *testing.T) {
	onBothEngines(t, func(t *testing.T, a *app) {
		first, second := a.session(store.RoleAgent), a.session(store.RoleAgent)
		change := func(session, current, next, again string) *httptest.ResponseRecorder {
			return a.request("POST", "/staff/account/password", url.Values{"current": {current}, "password": {next}, "repeat": {again}}, session)
		}
		for what, rec := range map[string]*httptest.ResponseRecorder{
			"wrong current":  change(first, "not my password", "violet harbour seven quiet", "violet harbour seven quiet"),
			"weak new":       change(first, testPassword, "password1234", "password1234"),
			"mismatched new": change(first, testPassword, "violet harbour seven quiet", "violet harbour seven loud"),
		} {
			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d", what, rec.Code)
			}
		}
		if rec := change(first, testPassword, "violet harbour seven quiet", "violet harbour seven quiet"); rec.Code != http.StatusSeeOther {
			t.Fatalf("change: %d %s", rec.Code, doc(t, rec).Find(".error-summary").Text())
		}
		if rec := a.request("GET", "/staff", nil, first); rec.Code != http.StatusOK {
			t.Errorf("the session that changed the password ended: %d", rec.Code)
		}
		if rec := a.request("GET", "/staff", nil, second); rec.Code != http.StatusSeeOther {
			t.Errorf("another session survived the change: %d", rec.Code)
		}
		if tok, _ := a.login("agent@ior.example", "violet harbour seven quiet"); tok == "" {
			t.Fatal("the new password does not log in")
		}
		log, _ := a.st.AuditLog(t.Context(), 3)
		found := false
		for _, e := range log {
			found = found || e.Action == store.AuditPasswordChange
		}
		if !found {
			t.Errorf("no audit line for the change: %+v", log)
		}

		// An admin resets a manager's password: generated, to be changed.
		admin := a.session(store.RoleAdmin)
		m := a.users[store.RoleManager]
		rec := a.request("POST", fmt.Sprintf("/staff/users/%d", m.ID), url.Values{"name": {m.Name}, "role": {"manager"}, "reset_password": {"yes"}}, admin)
		generated := doc(t, rec).Find("code.password").First().Text()
		if generated == "" {
			t.Fatalf("no generated password shown: %d", rec.Code)
		}
		s, _ := a.login("manager@ior.example", generated)
		if s == "" {
			t.Fatal("the generated password does not log in")
		}
		if rec := a.request("GET", "/staff/enquiries", nil, s); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/staff/account?must=1" {
			t.Fatalf("before choosing a password: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		if rec := a.request("POST", "/staff/enquiries/bulk", url.Values{}, s); rec.Code != http.StatusForbidden {
			t.Fatalf("a post before choosing a password: %d", rec.Code)
		}
		if rec := change(s, generated, "copper lantern river north", "copper lantern river north"); rec.Code != http.StatusSeeOther {
			t.Fatalf("forced change: %d", rec.Code)
		}
		if rec := a.request("GET", "/staff/enquiries", nil, s); rec.Code != http.StatusOK {
			t.Fatalf("after choosing a password: %d", rec.Code)
		}
	})
}
