// Package report takes the enquiry book out of iordesk: CSV and XLSX
// exports of the dashboard's filter, streamed, and the managers' reports.
package report

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"iordesk/internal/catalog"
	"iordesk/internal/money"
	"iordesk/internal/store"
)

// Options shape an export.
type Options struct {
	// PerDestination writes one row per destination line instead of one
	// per enquiry, for pivot tables: the Destinations columns name the
	// line's country and the line's own columns follow. Rows come by
	// destination, then oldest first; with a country filter, only that
	// country's lines.
	PerDestination bool
	// BOM starts a CSV with a UTF-8 byte-order mark, so Excel reads UTF-8.
	BOM bool
}

// Exporter writes exports from the store.
type Exporter struct {
	Store   *store.Store
	Catalog *catalog.Catalogue
	// Assignees names the assignee ids (nil: ids are written as they are).
	Assignees map[int64]string
	// Progress, when set, hears the row count every 10,000 rows.
	Progress func(rows int)
}

// NewExporter builds an exporter that names assignees as the accounts
// are now.
func NewExporter(ctx context.Context, st *store.Store, cat *catalog.Catalogue) (*Exporter, error) {
	users, err := st.Users(ctx)
	if err != nil {
		return nil, err
	}
	return &Exporter{Store: st, Catalog: cat, Assignees: store.NamesByID(users)}, nil
}

// header is the column row of both formats.
var header = []string{"Reference", "Received (UTC)", "Status", "Full name", "Company", "Email", "Phone",
	"Service", "Origin", "Destinations", "Destination names", "Product category", "Description", "Condition",
	"HS code", "Encryption", "Radio", "Lithium batteries", "Value", "Currency", "Needed by", "Message",
	"Assignee", "UTM source", "UTM medium", "UTM campaign", "Referrer", "Consent (UTC)", "Privacy notice",
	"End user HQ", "Files"}

// lineHeader are the columns an export per line adds.
var lineHeader = []string{"Line state", "Quoted fee", "Fee currency", "Line assignee"}

// columns are the export's column names.
func columns(opts Options) []string {
	if opts.PerDestination {
		return append(slices.Clone(header), lineHeader...)
	}
	return header
}

// Column positions that are not plain text in XLSX.
const (
	colReceived = 1
	colValue    = 18
	colConsent  = 27
	colFee      = 32 // in an export per line
)

// name is an assignee's name, or the id of an account no longer known.
func (x *Exporter) name(id int64) string {
	if n := x.Assignees[id]; n != "" {
		return n
	}
	return strconv.FormatInt(id, 10)
}

// lineRecord fills the line columns of an export per line.
func (x *Exporter) lineRecord(cols []string, l store.Line) {
	fee, assignee := "", ""
	if l.FeeCents != nil {
		fee = money.Decimal(*l.FeeCents)
	}
	if l.AssigneeID != nil {
		assignee = x.name(*l.AssigneeID)
	}
	copy(cols, []string{catalog.Label(catalog.LineStates, l.State), fee, l.FeeCurrency, assignee})
}

// record fills line with one export row as text.
func (x *Exporter) record(line []string, r *store.ExportRow, countries []string) {
	var small [8]string // most enquiries name a few destinations: no allocation
	names := small[:0]
	for _, c := range countries {
		names = append(names, x.Catalog.CountryName(c))
	}
	assignee := ""
	if r.AssigneeID != 0 {
		assignee = x.name(r.AssigneeID)
	}
	copy(line, []string{r.Reference, r.CreatedAt, r.Status, r.FullName, r.Company, r.Email, phoneCell(r.Phone),
		catalog.Label(catalog.Services, r.Service), r.OriginCountry, strings.Join(countries, " "), strings.Join(names, ", "),
		catalog.Label(catalog.ProductCategories, r.ProductCategory), r.ProductDescription, r.Condition, r.HSCode,
		r.ContainsEncryption, r.WirelessRadio, r.LithiumBatteries, money.Decimal(r.ShipmentValueCents), r.Currency, r.TargetDate,
		r.Message, assignee, r.UTMSource, r.UTMMedium, r.UTMCampaign, r.Referrer, r.ConsentAt, r.PrivacyNoticeVersion,
		r.EndUserHQCountry, strconv.FormatInt(r.Files, 10)})
}

// phoneCell writes a stored E.164 number as an RFC 3966 tel: URI
// (tel:+4930123456): readable, understood by phones and mail programs, the
// same in CSV and XLSX, and never taken for a formula as a leading + is.
func phoneCell(e164 string) string {
	if e164 == "" {
		return ""
	}
	return "tel:" + e164
}

// each calls fn with every row of the filter, once per enquiry or once per
// destination line.
func (x *Exporter) each(ctx context.Context, f store.Filter, opts Options, fn func(line []string, r *store.ExportRow) error) (int, error) {
	n := 0
	line := make([]string, len(columns(opts)))
	one := make([]string, 1)
	f.PerLine = opts.PerDestination
	err := x.Store.ExportEnquiries(ctx, f, func(r *store.ExportRow) error {
		if x.Progress != nil && n%10000 == 0 && n > 0 {
			x.Progress(n)
		}
		n++
		if !opts.PerDestination {
			x.record(line, r, r.Destinations)
			return fn(line, r)
		}
		one[0] = r.Line.Country
		x.record(line, r, one)
		x.lineRecord(line[len(header):], r.Line)
		return fn(line, r)
	})
	return n, err
}

// WriteCSV streams the filter's rows as RFC 4180 CSV and returns how many
// rows it wrote. Every field is quoted: a spreadsheet that splits on ; or
// tab instead of , then still keeps each field whole, so no part of one
// can start a cell (and a formula) of its own.
func (x *Exporter) WriteCSV(ctx context.Context, w io.Writer, f store.Filter, opts Options) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if opts.BOM {
		bw.WriteString("\uFEFF")
	}
	writeQuoted(bw, columns(opts))
	n, err := x.each(ctx, f, opts, func(line []string, _ *store.ExportRow) error {
		for i, v := range line {
			line[i] = SafeCell(v)
		}
		return writeQuoted(bw, line)
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// WriteTable writes a header and rows as the exports write CSV: every field
// quoted and made safe from formulas (SafeCell), CRLF line ends.
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	bw := bufio.NewWriter(w)
	writeQuoted(bw, header)
	line := make([]string, len(header))
	for _, row := range rows {
		for i, v := range row {
			line[i] = SafeCell(v)
		}
		if err := writeQuoted(bw, line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// RestoreCell undoes SafeCell: it removes each apostrophe SafeCell put
// before a formula character, for a file exported here and read back. A
// value that itself held such an apostrophe loses it.
func RestoreCell(s string) string {
	if !strings.Contains(s, "'") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' && i+1 < len(s) && (i == 0 || cellBreak(s[i-1])) &&
			(formulaStart(s[i+1]) || (i == 0 && (s[1] == '\t' || s[1] == '\r'))) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// writeQuoted writes one CSV record with every field in double quotes
// (quotes inside doubled) and a CRLF, as RFC 4180 allows.
func writeQuoted(w *bufio.Writer, fields []string) error {
	for i, v := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('"')
		for {
			j := strings.IndexByte(v, '"')
			if j < 0 {
				break
			}
			w.WriteString(v[:j+1])
			w.WriteByte('"')
			v = v[j+1:]
		}
		w.WriteString(v)
		w.WriteByte('"')
	}
	_, err := w.WriteString("\r\n")
	return err
}

// SafeCell makes a CSV cell that spreadsheet software cannot run as a
// formula: a value starting with =, +, -, @, tab or CR gets a leading
// apostrophe, which Excel, LibreOffice and Google Sheets show as text. A
// spreadsheet told to split on ; or tab (or one that loses track of the
// quotes) may start a cell in the middle of a value, so an =, +, - or @
// right after a comma, semicolon, tab or line break gets one too.
func SafeCell(s string) string {
	guardStart := s != "" && (formulaStart(s[0]) || s[0] == '\t' || s[0] == '\r')
	if !guardStart && !midCellFormula(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	if guardStart {
		b.WriteByte('\'')
	}
	for i := 0; i < len(s); i++ {
		if i > 0 && formulaStart(s[i]) && cellBreak(s[i-1]) {
			b.WriteByte('\'')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// formulaStart is a character that makes a spreadsheet cell a formula.
func formulaStart(c byte) bool { return c == '=' || c == '+' || c == '-' || c == '@' }

// cellBreak is a character a spreadsheet may start a new cell after.
func cellBreak(c byte) bool { return c == ',' || c == ';' || c == '\t' || c == '\r' || c == '\n' }

// midCellFormula reports whether a formula character follows a cell break
// anywhere in s.
func midCellFormula(s string) bool {
	for i := 1; i < len(s); i++ {
		if formulaStart(s[i]) && cellBreak(s[i-1]) {
			return true
		}
	}
	return false
}

// WriteXLSX writes the filter's rows as a workbook through excelize's
// stream writer (rows go to a temporary file, so memory stays flat): a bold
// frozen header, a filter on every column, dates as dates, the value as a
// number beside its currency, every text as a string cell (never a formula).
func (x *Exporter) WriteXLSX(ctx context.Context, w io.Writer, f store.Filter, opts Options) (int, error) {
	book := excelize.NewFile()
	defer book.Close()
	const sheet = "Enquiries"
	book.SetSheetName("Sheet1", sheet)
	sw, err := book.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	bold, _ := book.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	dateStyle, _ := book.NewStyle(&excelize.Style{NumFmt: 22}) // m/d/yy h:mm, shown in the reader's locale
	moneyStyle, _ := book.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	for col, width := range map[int]float64{1: 14, 2: 17, 4: 20, 5: 26, 6: 28, 10: 14, 11: 26, 13: 40, 19: 14, 22: 40} {
		sw.SetColWidth(col, col, width)
	}
	cols := columns(opts)
	head := make([]any, len(cols))
	for i, h := range cols {
		head[i] = h
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{StyleID: bold}); err != nil {
		return 0, err
	}
	row := 1
	cells := make([]any, len(cols))
	n, err := x.each(ctx, f, opts, func(line []string, r *store.ExportRow) error {
		row++
		for i, v := range line {
			switch i {
			case colReceived, colConsent:
				t, err := time.Parse(time.DateTime, v)
				if err != nil {
					return fmt.Errorf("row %s: %w", r.Reference, err)
				}
				cells[i] = excelize.Cell{StyleID: dateStyle, Value: t}
			case colValue:
				cells[i] = excelize.Cell{StyleID: moneyStyle, Value: float64(r.ShipmentValueCents) / 100}
			case colFee:
				if r.Line.FeeCents == nil {
					cells[i] = ""
				} else {
					cells[i] = excelize.Cell{StyleID: moneyStyle, Value: float64(*r.Line.FeeCents) / 100}
				}
			default:
				cells[i] = v // a string cell: excelize never turns it into a formula
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return n, err
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), max(row, 2))
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Enquiries", StyleName: "TableStyleLight1"}); err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	return n, writeStreamed(book, w)
}

// writeStreamed writes the workbook's zip straight to w. excelize's Write
// builds the whole file in memory first (600 MB for a million rows); its
// SetZipWriter hook lets the zip go to w as it is made.
func writeStreamed(book *excelize.File, w io.Writer) error {
	book.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	_, err := book.WriteToBuffer() // the buffer stays empty
	return err
}
