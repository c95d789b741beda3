package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// `rollups check` finds a counter that no longer matches the base tables
// (exit status 1, the counter named) and `rollups rebuild` mends it.
func TestRollupsCheckAndRebuild(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rollups.db")
	env := func(k string) string { return map[string]string{"IORDESK_DB": db}[k] }
	call := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), args, env, &out, io.Discard)
		return out.String(), err
	}
	if _, err := call("demo-data", "--count", "300"); err != nil {
		t.Fatal(err)
	}
	if out, err := call("rollups", "check"); err != nil || !strings.Contains(out, "match a recount") {
		t.Fatalf("check of a fresh book: %q %v", out, err)
	}
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE rollups SET n = n + 1 WHERE (dim, grain, period, key) =
		(SELECT dim, grain, period, key FROM rollups WHERE dim = 'status' AND grain = 'm' LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	out, err := call("rollups", "check")
	if err == nil || exitCode(err) != 1 || !strings.Contains(out, "status m ") {
		t.Fatalf("check of a tampered counter: %q %v", out, err)
	}
	if out, err := call("rollups", "rebuild"); err != nil || !strings.Contains(out, "rebuilt") {
		t.Fatalf("rebuild: %q %v", out, err)
	}
	if out, err := call("rollups", "check"); err != nil {
		t.Fatalf("check after rebuild: %q %v", out, err)
	}
}

// `rates import` keeps the ECB's rates, all or nothing.
func TestRatesImport(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"IORDESK_DB": filepath.Join(dir, "rates.db")}[k] }
	call := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), args, env, &out, io.Discard)
		return out.String(), err
	}
	bad := filepath.Join(dir, "bad.xml")
	if err := os.WriteFile(bad, []byte(`<Envelope><Cube><Cube time="2026-11-30"><Cube currency="USD" rate="1.05"/><Cube currency="JPY" rate="x"/></Cube></Cube></Envelope>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := call("rates", "import", bad); err == nil || !strings.Contains(err.Error(), "nothing imported") {
		t.Fatalf("a bad file: %v", err)
	}
	if out, err := call("rates", "list"); err != nil || out != "" {
		t.Fatalf("after a bad file: %q %v", out, err)
	}
	if out, err := call("rates", "import", "../../internal/money/testdata/eurofxref-daily.xml"); err != nil || !strings.Contains(out, "5 rates per euro for 2026-11-30") {
		t.Fatalf("import: %q %v", out, err)
	}
	if out, err := call("rates", "list"); err != nil || !strings.Contains(out, "USD\t1.05\t2026-11-30\tecb\n") {
		t.Fatalf("list: %q %v", out, err)
	}
	if _, err := call("rates", "import"); err == nil || exitCode(err) != 2 {
		t.Fatalf("no file: %v", err)
	}
}
