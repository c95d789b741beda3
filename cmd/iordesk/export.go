package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime/debug"
	"time"

	"iordesk/internal/catalog"
	"iordesk/internal/listing"
	"iordesk/internal/report"
	"iordesk/internal/store"
)

// export is `iordesk export --format csv|xlsx [filters] [-o FILE]`: the
// dashboard's export, to a file or stdout.
func export(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var format, out, rows string
	var bom bool
	filter := map[string]*string{}
	cfg, err := loadConfig("export", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "csv", "csv or xlsx")
		fs.StringVar(&out, "o", "", "output file (default: standard output)")
		fs.StringVar(&rows, "rows", "enquiry", "enquiry (one row each) or destination (one row per destination)")
		fs.BoolVar(&bom, "bom", false, "start a CSV with a UTF-8 byte-order mark (for Excel)")
		for _, name := range []string{"country", "status", "service", "category", "assignee", "q", "from", "to"} {
			filter[name] = fs.String(name, "", "filter: "+name+" (as in the dashboard list)")
		}
	})
	if err != nil || cfg == nil {
		return err
	}
	if getenv("GOMEMLIMIT") == "" {
		// An export makes garbage fast; a soft limit keeps the heap small
		// (a million rows of CSV: ~55 MB peak RSS). Closer to the ~25 MB
		// the process holds anyway, the collector runs without pause: at
		// 40 MiB the XLSX export took 1.7× as long.
		debug.SetMemoryLimit(48 << 20)
	}
	if format != "csv" && format != "xlsx" {
		return usageError("--format must be csv or xlsx")
	}
	if rows != "enquiry" && rows != "destination" {
		return usageError("--rows must be enquiry or destination")
	}
	v := url.Values{}
	for name, val := range filter {
		if *val != "" {
			v.Set(name, *val)
		}
	}
	cat := catalog.New()
	q := listing.Parse(v, cat)
	for name := range v {
		if name != "q" && q.Values().Get(name) == "" {
			return usageError(fmt.Sprintf("--%s %q is not a valid filter value", name, v.Get(name)))
		}
	}
	// Every page is read once: a small page cache keeps the export's
	// memory small at no cost in speed (a million rows: 60 MB instead of 75).
	st, err := openStoreWith(ctx, *cfg, store.Options{Logger: newLogger(*cfg, stderr), ReadCacheKiB: 2048})
	if err != nil {
		return err
	}
	defer st.Close()
	x, err := report.NewExporter(ctx, st, cat)
	if err != nil {
		return err
	}
	if isTerminal(stderr) {
		x.Progress = func(n int) { fmt.Fprintf(stderr, "\r%d rows…", n) }
	}
	opts := report.Options{PerDestination: rows == "destination", BOM: bom}
	var n int
	f := q.Filter(0, time.Now(), cfg.Location)
	err = toOutput(out, stdout, func(w io.Writer) (err error) {
		if format == "csv" {
			n, err = x.WriteCSV(ctx, w, f, opts)
		} else {
			n, err = x.WriteXLSX(ctx, w, f, opts)
		}
		return err
	})
	if err != nil {
		return err
	}
	if err := st.Audit(ctx, store.AuditEntry{Actor: "iordesk export (command line)", Action: store.AuditExport,
		Detail: fmt.Sprintf("%s export of %d rows, filter: %s", format, n, v.Encode())}); err != nil {
		return err
	}
	if out != "" || isTerminal(stderr) {
		fmt.Fprintf(stderr, "\rexported %d rows\n", n)
	}
	return nil
}

// toOutput runs write on the file named by path, or on stdout when path is
// empty. A file that did not close whole (a full disk) is an error.
func toOutput(path string, stdout io.Writer, write func(io.Writer) error) (err error) {
	if path == "" {
		return write(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", path, cerr)
		}
	}()
	return write(f)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
