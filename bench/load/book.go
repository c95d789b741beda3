package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"iordesk/internal/demo"
	"iordesk/internal/search"
	"iordesk/internal/staff"
	"iordesk/internal/store"
)

// The scenarios on a filled book of enquiries: dashboard pages and the
// export against their bare SQL, and start-up time and idle memory.
var bookScenarios = map[string]func(o options, db string) error{
	"dashboard": dashboardScenario,
	"export":    exportScenario,
	"startup":   startupScenario,
}

const loadPassword = "load tool: seven quiet harbours 0123"

// book returns a database with o.enquiries demo enquiries (or o.book when
// given) and a manager account the tool can log in with.
func book(o options) (string, func(), error) {
	ctx := context.Background()
	path, cleanup := o.book, func() {}
	if path == "" {
		dir, err := os.MkdirTemp("", "iordesk-book-")
		if err != nil {
			return "", nil, err
		}
		path, cleanup = filepath.Join(dir, "book.db"), func() { os.RemoveAll(dir) }
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return "", cleanup, err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return "", cleanup, err
	}
	if o.book == "" {
		start := time.Now()
		if err := demo.Generate(ctx, st, o.enquiries, time.Now(), 42, nil); err != nil {
			return "", cleanup, err
		}
		fmt.Printf("book: %d demo enquiries generated in %s\n", o.enquiries, time.Since(start).Round(time.Second))
	}
	hash, _ := staff.HashPassword(loadPassword)
	if u, err := st.UserByEmail(ctx, "load@localhost"); err == nil {
		// A second run on the same book: the tool's account back as it
		// was (a password set by someone else must be changed at login).
		err = st.UpdateUser(ctx, u.ID, u.Name, store.RoleManager, false, "")
		if err == nil {
			err = st.SetOwnPassword(ctx, u.ID, hash, "")
		}
		if err != nil {
			return "", cleanup, err
		}
	} else if _, _, err := staff.NewAccount(ctx, st, "load@localhost", "Load Tool", store.RoleManager, loadPassword); err != nil {
		return "", cleanup, err
	}
	return path, cleanup, nil
}

func runBook(o options, fn func(options, string) error) error {
	path, cleanup, err := book(o)
	defer cleanup()
	if err != nil {
		return err
	}
	return fn(o, path)
}

// median times fn at least n times, and for fast work as many times as
// fit in two seconds (up to 200), and returns the median: a page of a few
// milliseconds timed only five times on a shared machine is mostly noise.
func median(n int, fn func() error) (time.Duration, error) {
	var ds []time.Duration
	begin := time.Now()
	for len(ds) < n || (len(ds) < 200 && time.Since(begin) < 2*time.Second) {
		start := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], nil
}

// page is one dashboard page, the store reads its handler makes, and the
// bare SQL computing the same rows.
type page struct {
	name, path string
	reads      func(ctx context.Context, st *store.Store) error
	bare       []string
}

// listReads are a list page's store reads, as its handler makes them.
func listReads(f store.Filter) func(ctx context.Context, st *store.Store) error {
	return func(ctx context.Context, st *store.Store) error {
		_, _, err := st.ListEnquiries(ctx, f)
		if err == nil {
			_, err = st.CountEnquiriesUpTo(ctx, f, 1001)
		}
		if err == nil {
			_, err = st.Users(ctx)
		}
		return err
	}
}

// exactCount is the exact count a list page asks for as it loads.
func exactCount(f store.Filter) func(ctx context.Context, st *store.Store) error {
	return func(ctx context.Context, st *store.Store) error {
		_, err := st.CountEnquiriesUpTo(ctx, f, 100001)
		return err
	}
}

func dashboardPages(fromTime time.Time) []page {
	notSpam := "e.status <> 'spam'"
	// A list view shows a page of rows (each with its destinations), the
	// capped count above them and the colleagues in the assignee filter:
	// its bare SQL is those three, as the overview's is all of its figures.
	row := "SELECT e.id, e.reference, e.status, e.full_name, e.company, e.service, e.shipment_value_cents, e.currency, " +
		"e.assignee_id, e.created_at, e.destinations"
	count := func(from, where string) string {
		return "SELECT count(*) FROM (SELECT 1 FROM " + from + " WHERE " + where + " LIMIT 1001)"
	}
	users := "SELECT id, name, role, disabled FROM users ORDER BY name"
	today := fromTime.AddDate(0, 0, 89)
	// An overview: its figures of the period (lines by country and state,
	// statuses, weeks) and of the whole book (unassigned, new, on hold,
	// the oldest new one).
	overview := func(name, path string, since time.Time) page {
		from := since.Format(time.DateOnly)
		return page{name, path, func(ctx context.Context, st *store.Store) error {
			_, err := st.Overview(ctx, since, time.Time{})
			return err
		}, []string{
			"SELECT d.country, d.state, count(*) FROM enquiry_destinations d JOIN enquiries e ON e.id = d.enquiry_id WHERE d.created_at >= '" + from + "' AND " + notSpam + " AND e.duplicate_of IS NULL GROUP BY d.country, d.state",
			"SELECT status, count(*) FROM enquiries WHERE created_at >= '" + from + "' AND duplicate_of IS NULL GROUP BY status",
			"SELECT date(substr(created_at, 1, 10), '-6 days', 'weekday 1') k, count(*) FROM enquiries e WHERE created_at >= '" + from + "' AND " + notSpam + " AND duplicate_of IS NULL GROUP BY k",
			"SELECT count(*) FROM enquiries WHERE assignee_id IS NULL AND status IN ('new','triaged','contacted','quoted')",
			"SELECT count(*) FROM enquiries WHERE status = 'new'",
			"SELECT count(*) FROM enquiries WHERE status IN ('new','triaged','contacted','quoted') AND compliance_state IN ('hold','block')",
			"SELECT id FROM enquiries WHERE status = 'new' ORDER BY created_at, id LIMIT 1"}}
	}
	yearAgo := today.AddDate(-1, 0, 1)
	year := yearAgo.Format(time.DateOnly)
	inYear := "e.created_at >= '" + year + "' AND " + notSpam + " AND e.duplicate_of IS NULL"
	lines := "FROM enquiry_destinations d JOIN enquiries e ON e.id = d.enquiry_id WHERE " + inYear
	pages := []page{
		overview("overview, last 30 days", "/staff?period=30d", today.AddDate(0, 0, -29)),
		overview("overview, last 90 days", "/staff", fromTime),
		overview("overview, last 12 months", "/staff?period=365d", today.AddDate(0, 0, -364)),
		overview("overview, all time", "/staff?period=all", time.Time{}),
		{"reports, last 12 months", "/staff/reports?from=" + year, func(ctx context.Context, st *store.Store) error {
			_, err := st.Report(ctx, yearAgo, time.Time{})
			return err
		}, []string{
			"SELECT d.country, d.state, count(*) " + lines + " GROUP BY d.country, d.state",
			"SELECT d.country, d.fee_currency, count(*), sum(d.fee_cents) " + lines + " AND d.fee_cents IS NOT NULL GROUP BY d.country, d.fee_currency",
			"SELECT substr(e.created_at, 1, 7) m, count(*) FROM enquiries e WHERE " + inYear + " GROUP BY m",
			"SELECT e.service, count(*) FROM enquiries e WHERE " + inYear + " GROUP BY e.service",
			"SELECT e.product_category, count(*) FROM enquiries e WHERE " + inYear + " GROUP BY e.product_category",
			"SELECT e.origin_country, d.country, count(*) n " + lines + " GROUP BY e.origin_country, d.country ORDER BY n DESC LIMIT 15",
			"SELECT e.status, count(*) FROM enquiries e WHERE " + inYear + " GROUP BY e.status",
			// Not rolled up: each enquiry's promise and first response.
			"SELECT desk, created_at, respond_by, first_response_at, first_response_by FROM enquiries e WHERE " + inYear + " AND respond_by IS NOT NULL",
			"SELECT (julianday(min(ev.created_at)) - julianday(e.created_at)) * 86400.0 FROM enquiries e JOIN enquiry_events ev ON ev.enquiry_id = e.id AND ev.actor_id IS NOT NULL WHERE " + inYear + " GROUP BY e.id"}},
		{"exact count, one country", "/staff/enquiries?country=DE&count=exact", exactCount(store.Filter{Country: "DE"}), []string{
			"SELECT count(*) FROM enquiry_destinations d JOIN enquiries e ON e.id = d.enquiry_id WHERE d.country = 'DE' AND " + notSpam}},
		{"exact count, one status", "/staff/enquiries?status=quoted&count=exact", exactCount(store.Filter{Status: store.StatusQuoted}), []string{
			"SELECT count(*) FROM enquiries e WHERE e.status = 'quoted'"}},
		{"list, no filter", "/staff/enquiries", listReads(store.Filter{}), []string{
			row + " FROM enquiries e WHERE " + notSpam + " ORDER BY e.created_at DESC, e.id DESC LIMIT 51",
			count("enquiries e", notSpam), users}},
		{"list, one country", "/staff/enquiries?country=DE", listReads(store.Filter{Country: "DE"}), []string{
			row + " FROM enquiry_destinations d JOIN enquiries e ON e.id = d.enquiry_id WHERE d.country = 'DE' AND " + notSpam + " ORDER BY d.created_at DESC, d.enquiry_id DESC LIMIT 51",
			count("enquiry_destinations d JOIN enquiries e ON e.id = d.enquiry_id", "d.country = 'DE' AND "+notSpam), users}},
		{"list, one status", "/staff/enquiries?status=quoted", listReads(store.Filter{Status: store.StatusQuoted}), []string{
			row + " FROM enquiries e WHERE e.status = 'quoted' ORDER BY e.created_at DESC, e.id DESC LIMIT 51",
			count("enquiries e", "e.status = 'quoted'"), users}},
		{"search, a reference", "/staff/enquiries?q=ENQ-10000042", listReads(store.Filter{Query: "ENQ-10000042"}), []string{
			row + " FROM enquiries e WHERE e.reference = 'ENQ-10000042' AND " + notSpam, users}},
	}
	// Searches: the page against the LIKE scan the list ran before the
	// full-text index, for the same first page (a word that matches
	// nothing makes the scan read every row; a common one ends early).
	like := func(word string) string {
		w := "'%" + word + "%'"
		return row + " FROM enquiries e WHERE " + notSpam + " AND (e.full_name LIKE " + w + " OR e.company LIKE " + w +
			" OR e.email LIKE " + w + " OR e.product_description LIKE " + w + ") ORDER BY e.created_at DESC, e.id DESC LIMIT 51"
	}
	for _, s := range []struct{ name, query, word string }{
		{"search, no match", "zzzznothing", "zzzznothing"},
		{"search, a phrase (2,300)", `"james okafor"`, "james okafor"},
		{"search, a word (50,000)", "okafor", "okafor"},
		{"search, two words", "fulcrum nvidia", "fulcrum"},
		{"search, a prefix", "okaf*", "okaf"},
	} {
		for _, newest := range []bool{false, true} {
			name, path := s.name, "/staff/enquiries?q="+url.QueryEscape(s.query)
			if newest {
				name, path = name+", newest", path+"&sort=newest"
			}
			pages = append(pages, page{name, path, listReads(store.Filter{Query: s.query, Newest: newest}),
				[]string{like(s.word), users}})
		}
	}
	return pages
}

func dashboardScenario(o options, path string) error {
	child, base, err := startChild("iordesk", path, mailOff)
	if err != nil {
		return err
	}
	defer child.stop()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: time.Minute}
	req, _ := http.NewRequest(http.MethodPost, base+"/staff/login",
		strings.NewReader(url.Values{"email": {"load@localhost"}, "password": {loadPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/staff" {
		return errors.New("could not log in to the dashboard")
	}
	// The same page cache as iordesk's read connections, so the two
	// differ only by what iordesk does on top of the SQL.
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_cache_size=-16384")
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := store.Open(path, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	from := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -89)
	// Each view three ways: the page over HTTP, the store reads its
	// handler makes, and the bare SQL of the same rows. The bar of a list
	// page is 3 ms; an overview or the reports page is 20× faster than its
	// bare SQL (the rollups); a search is compared with the LIKE scan the
	// list ran before the full-text index, and then checked against a
	// scan of every enquiry (checkSearch).
	fmt.Printf("\n%-30s %10s %10s %10s %7s %7s\n", "view (median)", "page", "reads", "bare SQL", "page/", "reads/")
	for _, p := range dashboardPages(from) {
		if !strings.HasPrefix(p.name, o.views) {
			continue
		}
		get := func() error {
			resp, err := hc.Get(base + p.path)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: status %d", p.path, resp.StatusCode)
			}
			_, err = resp.Body.Read(make([]byte, 1))
			for err == nil {
				_, err = resp.Body.Read(make([]byte, 32<<10))
			}
			return nil
		}
		bare := func() error {
			for _, q := range p.bare {
				rows, err := db.Query(q)
				if err != nil {
					return err
				}
				for rows.Next() {
				}
				rows.Close()
			}
			return nil
		}
		reads := func() error { return p.reads(ctx, st) }
		get()
		reads()
		bare() // warm the caches alike
		ours, err := median(5, get)
		if err != nil {
			return err
		}
		storeReads, err := median(5, reads)
		if err != nil {
			return err
		}
		theirs, err := median(5, bare)
		if err != nil {
			return err
		}
		pageRatio := float64(ours) / float64(max(theirs, time.Microsecond))
		readsRatio := float64(storeReads) / float64(max(theirs, time.Microsecond))
		bar := ""
		if strings.HasPrefix(p.name, "list") {
			bar = "   bar: a page ≤ 3 ms, " + verdict(ours <= 3*time.Millisecond)
		}
		if strings.HasPrefix(p.name, "overview") || strings.HasPrefix(p.name, "reports") || strings.HasPrefix(p.name, "exact count") {
			bar = fmt.Sprintf("   the page %.0f× faster than the bare SQL; bar 20×, %s", 1/pageRatio, verdict(pageRatio <= 1.0/20))
		}
		fmt.Printf("%-30s %8.2fms %8.2fms %8.2fms %6.1f× %6.1f×%s\n", p.name, ms(ours), ms(storeReads), ms(theirs),
			pageRatio, readsRatio, bar)
	}
	if o.views == "" || strings.HasPrefix(o.views, "search") {
		return checkSearch(ctx, db, st)
	}
	return nil
}

// checkSearch compares the full-text search of a few words with a scan of
// every enquiry's texts (and notes) for the same word, tokenized alike:
// the index must return every enquiry the scan finds, and no other.
func checkSearch(ctx context.Context, db *sql.DB, st *store.Store) error {
	fmt.Println()
	for _, word := range []string{"okafor", "ericsson", "h200", "zzzznothing"} {
		rows, err := db.QueryContext(ctx, "SELECT e.id, e.full_name, e.company, e.email, e.phone, e.product_description, e.message, "+
			"coalesce((SELECT group_concat(detail, ' ') FROM enquiry_events ev WHERE ev.enquiry_id = e.id AND ev.kind = 'note'), '') "+
			"FROM enquiries e WHERE e.status <> 'spam'")
		if err != nil {
			return err
		}
		scanned := map[int64]bool{}
		for rows.Next() {
			var id int64
			texts := make([]string, 7)
			if err := rows.Scan(&id, &texts[0], &texts[1], &texts[2], &texts[3], &texts[4], &texts[5], &texts[6]); err != nil {
				rows.Close()
				return err
			}
			all := strings.Join(texts, " ")
			if strings.Contains(strings.ToLower(all), word) && slices.Contains(search.Tokens(all), word) {
				scanned[id] = true
			}
		}
		rows.Close()
		found, _, err := st.ListEnquiries(ctx, store.Filter{Query: word, Newest: true, Limit: 200_000})
		if err != nil {
			return err
		}
		missing, extra := len(scanned), 0
		for _, e := range found {
			if scanned[e.ID] {
				missing--
			} else {
				extra++
			}
		}
		fmt.Printf("search check %-12q scan finds %7d, the index %7d: %d missing, %d extra, %s\n", word, len(scanned), len(found),
			missing, extra, verdict(missing == 0 && extra == 0))
	}
	return nil
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "NOT met"
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// exportScenario runs `iordesk export` on the book and compares it with
// sqlite3 -csv of the same rows, time and peak memory (both read by
// /usr/bin/time); with -xlsx it also times the XLSX export.
func exportScenario(o options, path string) error {
	dir, err := os.MkdirTemp("", "iordesk-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := iordeskBinary()
	if err != nil {
		return err
	}
	timeBin, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		return errors.New("the export scenario reads peak memory with /usr/bin/time (apt-get install time)")
	}
	// timed runs a command under /usr/bin/time: its wall time and peak RSS.
	timed := func(stdout io.Writer, name string, args ...string) (time.Duration, int64, error) {
		cmd := exec.Command(timeBin, append([]string{"-f", "peak %M", name}, args...)...)
		cmd.Env = append(os.Environ(), "IORDESK_DB="+path)
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = stdout, &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, 0, fmt.Errorf("%s: %v: %s", filepath.Base(name), err, stderr.String())
		}
		var peakKB int64
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		fmt.Sscanf(lines[len(lines)-1], "peak %d", &peakKB)
		return time.Since(start), peakKB, nil
	}
	// Both read a warm file: whichever ran first would otherwise pay for
	// reading the book from the disk.
	if err := warm(path); err != nil {
		return err
	}
	ours, oursKB, err := timed(io.Discard, bin, "export", "--format", "csv", "-o", filepath.Join(dir, "iordesk.csv"))
	if err != nil {
		return err
	}
	fmt.Printf("\nCSV export of the book (spam left out)\n  iordesk export: %6.2f s, peak RSS %d MB\n", ours.Seconds(), oursKB>>10)
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		fmt.Println("  sqlite3 -csv:   not installed (apt-get install sqlite3): no baseline")
		return nil
	}
	q, err := store.ExportBaselineSQL()
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "sqlite3.csv"))
	if err != nil {
		return err
	}
	theirs, theirsKB, err := timed(f, sqlite3, "-csv", path, q)
	f.Close()
	if err != nil {
		return err
	}
	fmt.Printf("  sqlite3 -csv:   %6.2f s, peak RSS %d MB\n  bar: speed ≥ 1.0× sqlite3, peak RSS < 64 MB; measured %.2f×, %d MB\n",
		theirs.Seconds(), theirsKB>>10, theirs.Seconds()/ours.Seconds(), oursKB>>10)
	if !o.xlsx {
		return nil
	}
	took, kb, err := timed(io.Discard, bin, "export", "--format", "xlsx", "-o", filepath.Join(dir, "iordesk.xlsx"))
	if err != nil {
		return err
	}
	fmt.Printf("\nXLSX export of the book\n  iordesk export: %6.2f s, peak RSS %d MB (bar: flat memory)\n", took.Seconds(), kb>>10)
	return nil
}

// warm reads a file once, so that it is in the operating system's cache.
func warm(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

// startupScenario starts iordesk on the book: time until /readyz answers,
// then its resident memory after five idle seconds.
func startupScenario(o options, path string) error {
	if _, err := iordeskBinary(); err != nil { // built before the clock starts
		return err
	}
	start := time.Now()
	child, base, err := startChild("iordesk", path, mailOff)
	if err != nil {
		return err
	}
	defer child.stop()
	ready := time.Since(start)
	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %v", err)
	}
	resp.Body.Close()
	time.Sleep(5 * time.Second)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", child.cmd.Process.Pid))
	if err != nil {
		return err
	}
	rss := ""
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			rss = strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:"))
		}
	}
	fmt.Printf("\nstart to ready: %.3f s (bar < 1 s; includes the tool's polling)\nidle RSS after 5 s: %s (bar < 40 MB)\n", ready.Seconds(), rss)
	return nil
}
