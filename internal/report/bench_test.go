package report_test

import (
	"context"
	"io"
	"os"
	"testing"

	"iordesk/internal/catalog"
	"iordesk/internal/report"
	"iordesk/internal/store"
)

// BenchmarkExportCSV exports the database named by IORDESK_BENCH_DB (for
// example one filled by `iordesk demo-data --count 1000000`), or the small
// seeded set; rows/s is the figure for docs/PERFORMANCE.md.
func BenchmarkExportCSV(b *testing.B) {
	var st *store.Store
	if path := os.Getenv("IORDESK_BENCH_DB"); path != "" {
		var err error
		if st, err = store.Open(path, store.Options{}); err != nil {
			b.Fatal(err)
		}
		defer st.Close()
	} else {
		st, _ = seeded(b)
	}
	x := &report.Exporter{Store: st, Catalog: catalog.New()}
	rows := 0
	b.ReportAllocs()
	for b.Loop() {
		n, err := x.WriteCSV(context.Background(), io.Discard, store.Filter{}, report.Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
