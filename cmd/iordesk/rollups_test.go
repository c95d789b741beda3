package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
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
