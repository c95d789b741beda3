package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"iordesk/internal/catalog"
	"iordesk/internal/report"
	"iordesk/internal/store"
	"iordesk/internal/testenv"
)

// splitLenient splits CSV text the way a spreadsheet's import does when it
// is told the separator: a double quote switches quoting on and off
// wherever it stands, and a separator outside quotes ends a cell.
func splitLenient(text string, sep rune) [][]string {
	var rows [][]string
	var row []string
	var cell strings.Builder
	quoted := false
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && r == sep:
			row = append(row, cell.String())
			cell.Reset()
		case !quoted && r == '\n':
			rows = append(rows, append(row, strings.TrimSuffix(cell.String(), "\r")))
			row = nil
			cell.Reset()
		default:
			cell.WriteRune(r)
		}
	}
	return rows
}

func exportCSV(t *testing.T) string {
	t.Helper()
	st, _ := seeded(t)
	var buf bytes.Buffer
	if _, err := (&report.Exporter{Store: st, Catalog: catalog.New()}).WriteCSV(context.Background(), &buf, store.Filter{}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// Whichever separator a spreadsheet splits on, no cell starts a formula.
func TestCSVNoFormulaWhateverTheSeparator(t *testing.T) {
	text := exportCSV(t)
	for _, sep := range []rune{',', ';', '\t'} {
		for i, row := range splitLenient(text, sep) {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("separator %q, row %d: live formula cell %q", sep, i, cell)
				}
			}
		}
	}
}

// Phone numbers read the same in both files, and neither starts a formula.
func TestPhonesReadableAndInert(t *testing.T) {
	text := exportCSV(t)
	if !strings.Contains(text, `"tel:+4930901820"`) {
		t.Fatalf("CSV phone not written as tel:+4930901820:\n%s", text)
	}
	st, _ := seeded(t)
	var buf bytes.Buffer
	if _, err := (&report.Exporter{Store: st, Catalog: catalog.New()}).WriteXLSX(context.Background(), &buf, store.Filter{}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := book.GetCellValue("Enquiries", "G2"); v != "tel:+4930901820" {
		t.Fatalf("XLSX phone %q", v)
	}
}

// LibreOffice itself, told to split on ',', ';' or tab, imports no formula.
func TestCSVInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		testenv.Missing(t, "LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(in, []byte(exportCSV(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sep := range []int{',', ';', '\t'} {
		out := filepath.Join(dir, fmt.Sprintf("out-%d", sep))
		// Filter options: separator, text delimiter ", UTF-8, from line 1.
		cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
			"--convert-to", "xlsx", "--infilter=CSV:"+fmt.Sprint(sep)+",34,76,1", "--outdir", out, in)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, b)
		}
		formulas := sheetFormulas(t, filepath.Join(out, "export.xlsx"))
		if len(formulas) > 0 {
			t.Errorf("separator %q: LibreOffice imported formulas %v", rune(sep), formulas)
		}
	}
}

// sheetFormulas lists the <f> elements of a workbook's first sheet.
func sheetFormulas(t *testing.T, path string) []string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		var out []string
		for _, part := range strings.Split(string(b), "<f")[1:] {
			end := strings.Index(part, "</f>")
			if end < 0 {
				end = min(len(part), 40)
			}
			out = append(out, part[:end])
		}
		return out
	}
	t.Fatal("no sheet1.xml in the converted workbook")
	return nil
}

func TestMain(m *testing.M) { testenv.Main(m) }
