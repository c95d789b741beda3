package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// fieldSep joins the fields into one column (see export-enquiries in the
// query files); exportFieldCount is how many, lineFieldCount how many more
// a row per line has.
const (
	fieldSep         = "\x1f"
	exportFieldCount = 31
	lineFieldCount   = 5
)

// ExportBaselineSQL is the SQLite export of every enquiry but spam with
// each field in a column of its own, for the load tool's sqlite3 -csv
// baseline.
func ExportBaselineSQL() (string, error) {
	book, err := loadQueries("sqlite")
	if err != nil {
		return "", err
	}
	q := book.sql("export-enquiries", "{from}", "enquiries AS e", "{where}", "e.status <> 'spam'",
		"{order}", "e.created_at DESC, e.id DESC", "{line}", "")
	return regexp.MustCompile(`\s*\|\|\s*char\(31\)\s*\|\|\s*`).ReplaceAllString(q, ", "), nil
}

// ExportRow is one enquiry as the exports write it; times are UTC text
// "YYYY-MM-DD HH:MM:SS", as stored.
type ExportRow struct {
	ID                                                 int64
	Reference, Status, FullName, Company, Email, Phone string
	Service, OriginCountry, ProductCategory            string
	ProductDescription, Condition, HSCode              string
	ContainsEncryption, WirelessRadio                  string
	LithiumBatteries                                   string
	ShipmentValueCents                                 int64
	Currency, TargetDate, Message                      string
	ConsentAt, PrivacyNoticeVersion                    string
	UTMSource, UTMMedium, UTMCampaign, Referrer        string
	AssigneeID                                         int64 // 0: nobody
	CreatedAt                                          string
	EndUserHQCountry                                   string // "" when not stated
	Files                                              int64  // how many files the prospect attached
	// Destinations are the destination codes in the prospect's order.
	Destinations CountryCodes
	// Line is the row's destination line, in an export per line.
	Line Line
}

// ExportEnquiries streams every enquiry of the filter, in the list's order,
// to fn. The row is reused between calls.
//
// Reading is pipelined: one goroutine steps the statement (SQLite's share,
// about 60% of an export's CPU) while the caller's goroutine parses and
// writes, so an export uses both cores of a small machine. Lines travel in
// batches over a short channel, which keeps memory flat.
func (s *Store) ExportEnquiries(ctx context.Context, f Filter, fn func(*ExportRow) error) error {
	f.Limit, f.Offset = 0, 0
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// On SQLite the statement runs without the context (see rowContext);
	// the reader checks ctx between batches instead.
	if f.searches() {
		if err := s.catchUpSearch(ctx); err != nil {
			return err
		}
	}
	q := s.filterSQL(f)
	rows, err := s.queryText(s.dialect.rowContext(ctx), q.statement("export-enquiries"), q.orderedArgs()...)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	batches := make(chan []string, 4)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- readLines(ctx, rows, batches)
	}()
	stop := func(err error) error {
		cancel()
		return errors.Join(err, drain(batches, readErr))
	}
	var r ExportRow
	for batch := range batches {
		if err := ctx.Err(); err != nil {
			return stop(err)
		}
		for _, line := range batch {
			if err := r.parse(line); err != nil {
				return stop(err)
			}
			if err := fn(&r); err != nil {
				return stop(err)
			}
		}
	}
	if err := <-readErr; err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// exportBatch is how many lines the reader hands over at a time: enough
// to make the channel's cost vanish, few enough to keep memory small.
const exportBatch = 256

// readLines scans rows into batches until the rows end or ctx is done,
// and closes rows.
func readLines(ctx context.Context, rows *sql.Rows, out chan<- []string) error {
	defer rows.Close()
	send := func(batch []string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		select {
		case out <- batch:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	batch := make([]string, 0, exportBatch)
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if batch = append(batch, line); len(batch) == exportBatch {
			if err := send(batch); err != nil {
				return err
			}
			batch = make([]string, 0, exportBatch)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return send(batch)
	}
	return nil
}

// drain waits for the reader to stop after a cancel; a cancellation is
// the caller's own doing and not reported again.
func drain(batches <-chan []string, readErr <-chan error) error {
	for range batches {
	}
	if err := <-readErr; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func (r *ExportRow) parse(line string) error {
	// Split by hand into a fixed array: strings.Split would allocate a
	// slice for every row of a million-row export.
	var f [exportFieldCount + lineFieldCount]string
	n := 0
	for rest := line; ; n++ {
		field, after, found := strings.Cut(rest, fieldSep)
		if n < len(f) {
			f[n] = field
		}
		if !found {
			break
		}
		rest = after
	}
	if n+1 != exportFieldCount && n+1 != exportFieldCount+lineFieldCount {
		return fmt.Errorf("export: a row has %d fields, want %d (a control character in the data?)", n+1, exportFieldCount)
	}
	if n+1 > exportFieldCount {
		if err := r.Line.parse(f[exportFieldCount:]); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	var err1, err2, err3 error
	r.ID, err1 = strconv.ParseInt(f[0], 10, 64)
	r.Reference, r.Status, r.FullName, r.Company, r.Email, r.Phone = f[1], f[2], f[3], f[4], f[5], f[6]
	r.Service, r.OriginCountry, r.ProductCategory, r.ProductDescription = f[7], f[8], f[9], f[10]
	r.Condition, r.HSCode, r.ContainsEncryption, r.WirelessRadio, r.LithiumBatteries = f[11], f[12], f[13], f[14], f[15]
	r.ShipmentValueCents, err2 = strconv.ParseInt(f[16], 10, 64)
	r.Currency, r.TargetDate, r.Message, r.ConsentAt, r.PrivacyNoticeVersion = f[17], f[18], f[19], f[20], f[21]
	r.UTMSource, r.UTMMedium, r.UTMCampaign, r.Referrer = f[22], f[23], f[24], f[25]
	r.AssigneeID = 0
	if f[26] != "" {
		r.AssigneeID, err3 = strconv.ParseInt(f[26], 10, 64)
	}
	r.CreatedAt = f[27]
	r.Destinations = appendFields(r.Destinations[:0], f[28])
	r.EndUserHQCountry = f[29]
	var err4 error
	r.Files, err4 = strconv.ParseInt(f[30], 10, 64)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// parse reads a line's exported fields: country, state, fee in cents
// (empty: none), its currency, the assignee's id (empty: the enquiry's).
func (l *Line) parse(f []string) error {
	l.Country, l.State, l.FeeCurrency, l.FeeCents, l.AssigneeID = f[0], f[1], f[3], nil, nil
	if f[2] != "" {
		cents, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return err
		}
		l.FeeCents = &cents
	}
	if f[4] != "" {
		id, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil {
			return err
		}
		l.AssigneeID = &id
	}
	return nil
}

// appendFields appends the space-separated words of s to dst, reusing its
// array from row to row.
func appendFields(dst []string, s string) []string {
	for s != "" {
		var word string
		word, s, _ = strings.Cut(s, " ")
		if word != "" {
			dst = append(dst, word)
		}
	}
	return dst
}
