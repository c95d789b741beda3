package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"iordesk/internal/catalog"
	"iordesk/internal/report"
	"iordesk/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// seeded stores enquiries whose fields carry everything an export must
// survive: quotes, commas, newlines, non-Latin text and formula look-alikes.
func seeded(t testing.TB) (*store.Store, time.Time) {
	t.Helper()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	clock := now
	st, err := store.Open(filepath.Join(t.TempDir(), "r.db"), store.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	rows := []struct {
		ref, name, company, message string
		countries                   []string
		cents                       int64
	}{
		{"ENQ-GOLD0001", `Ada "The Countess" Lovelace`, "Engines, Ltd", "line one\nline two, with comma", []string{"DE", "BR"}, 125000050},
		{"ENQ-GOLD0002", "山田 太郎", "株式会社テスト", "Ünïcödé ✓", []string{"JP"}, 99},
		{"ENQ-GOLD0003", "=HYPERLINK(\"http://evil.example\",\"click\")", "+SUM(A1:A9)", "-2+3", []string{"AE"}, 100000000000},
		{"ENQ-GOLD0004", "@cmd", "\tTabbed Co", "\rcarriage", []string{"US", "MX", "CA"}, 1},
		// Split on ; or tab, these would start cells of their own.
		{"ENQ-GOLD0005", "x\t=3+3", "xs15;=1+1;", "a,=2+2\n;@SUM(1)", []string{"FR"}, 4200},
	}
	for _, r := range rows {
		e := &store.Enquiry{Reference: r.ref, FullName: r.name, Company: r.company, Email: "x@example.com",
			Service: "ior", OriginCountry: "GB", ProductCategory: "it_networking", ProductDescription: "Switches, \"managed\"",
			Condition: "new", ContainsEncryption: "yes", WirelessRadio: "no", LithiumBatteries: "none",
			ShipmentValueCents: r.cents, Currency: "EUR", Message: r.message, ConsentAt: clock, PrivacyNoticeVersion: "v1",
			Phone: "+4930901820"}
		if r.ref == "ENQ-GOLD0005" {
			e.EndUserHQCountry = "CN"
		}
		if err := st.Write(context.Background(), func(tx *store.Tx) error { return tx.InsertEnquiry(e, r.countries) }); err != nil {
			t.Fatal(err)
		}
		if r.ref == "ENQ-GOLD0001" {
			// Brazil quoted by an account no longer known (its id shows).
			fee, gone := int64(450050), &store.User{ID: 99, Name: "Gone"}
			edit := store.LineEdit{Country: "BR", State: store.LineQuoted, SetFee: true, FeeCents: &fee, FeeCurrency: "USD", SetAssignee: true, Assignee: gone}
			agent := &store.User{Email: "agent@ior.example", Name: "Agent", Role: store.RoleAgent, PasswordHash: "x"}
			if err := st.CreateUser(context.Background(), agent); err != nil {
				t.Fatal(err)
			}
			if _, err := st.UpdateLines(context.Background(), e.ID, 0, []store.LineEdit{edit}, store.Actor{ID: agent.ID, Name: agent.Name}); err != nil {
				t.Fatal(err)
			}
		}
		clock = clock.Add(time.Hour)
	}
	return st, now
}

func TestCSVGolden(t *testing.T) {
	st, _ := seeded(t)
	x := &report.Exporter{Store: st, Catalog: catalog.New()}
	for _, tc := range []struct {
		file string
		opts report.Options
	}{{"export.golden.csv", report.Options{}}, {"export-per-destination.golden.csv", report.Options{PerDestination: true, BOM: true}}} {
		var buf bytes.Buffer
		n, err := x.WriteCSV(context.Background(), &buf, store.Filter{}, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", tc.file)
		if *update {
			os.WriteFile(golden, buf.Bytes(), 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s differs from the export:\n%s", golden, buf.String())
		}
		// It parses back as RFC 4180, every value exact but the formula guard.
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
		if err != nil || len(recs) != n+1 {
			t.Fatalf("%s: %d records (%v), want %d", tc.file, len(recs), err, n+1)
		}
		for _, rec := range recs[1:] {
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: live formula cell %q", tc.file, cell)
				}
			}
		}
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@x": "'@x", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "plain": "plain", "a=b": "a=b", "'quoted": "'quoted",
		"xs15;=1+1;": "xs15;'=1+1;", "a,@b": "a,'@b", "line\n- item": "line\n'- item", "x\t+1": "x\t'+1", "a, -b": "a, -b",
	} {
		if got := report.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"=HYPERLINK(\"x\")", "+", "-", "@", "\t", "\r", "plain", "", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := report.SafeCell(s)
		if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
			t.Fatalf("SafeCell(%q) = %q starts a formula", s, got)
		}
		if strings.ReplaceAll(got, "'", "") != strings.ReplaceAll(s, "'", "") {
			t.Fatalf("SafeCell(%q) = %q changed more than apostrophes", s, got)
		}
		for i := 1; i < len(got); i++ {
			if strings.ContainsRune("=+-@", rune(got[i])) && strings.ContainsRune(",;\t\r\n", rune(got[i-1])) {
				t.Fatalf("SafeCell(%q) = %q has a formula after a cell break", s, got)
			}
		}
	})
}

func TestXLSXReopened(t *testing.T) {
	st, _ := seeded(t)
	x := &report.Exporter{Store: st, Catalog: catalog.New()}
	var buf bytes.Buffer
	if _, err := x.WriteXLSX(context.Background(), &buf, store.Filter{}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows("Enquiries")
	if err != nil || len(rows) != 6 {
		t.Fatalf("rows %d, %v", len(rows), err)
	}
	// Newest first: row 3 is ENQ-GOLD0004, row 4 ENQ-GOLD0003.
	for cell, want := range map[string]string{"A4": "ENQ-GOLD0003", "D4": `=HYPERLINK("http://evil.example","click")`,
		"E4": "+SUM(A1:A9)", "V4": "-2+3", "D3": "@cmd", "E3": "\tTabbed Co", "E2": "xs15;=1+1;"} {
		got, _ := book.GetCellValue("Enquiries", cell)
		if got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
		if f, _ := book.GetCellFormula("Enquiries", cell); f != "" {
			t.Errorf("%s is a formula: %q", cell, f)
		}
		if typ, _ := book.GetCellType("Enquiries", cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s has cell type %v, want a string", cell, typ)
		}
	}
	if typ, _ := book.GetCellType("Enquiries", "S4"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("value cell type %v, want a number", typ)
	}
	raw, _ := book.GetCellValue("Enquiries", "S4", excelize.Options{RawCellValue: true})
	if raw != "1000000000" {
		t.Errorf("value S4 = %q, want 1000000000", raw)
	}
	panes, err := book.GetPanes("Enquiries")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	if tables, _ := book.GetTables("Enquiries"); len(tables) != 1 {
		t.Error("no filter table over the rows")
	}
	date, _ := book.GetCellValue("Enquiries", "B5", excelize.Options{RawCellValue: true})
	if !strings.HasPrefix(date, "46") { // an Excel serial day in late 2026
		t.Errorf("received date stored as %q, want a date serial", date)
	}
}

func FuzzRestoreCellUndoesSafeCell(f *testing.F) {
	for _, s := range []string{"=1+1", "a;=b", "plain", "x\n-y", "\tz", "", "a, -b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "'") {
			return // a value with its own apostrophes may lose them: documented
		}
		if got := report.RestoreCell(report.SafeCell(s)); got != s {
			t.Fatalf("RestoreCell(SafeCell(%q)) = %q", s, got)
		}
	})
}
