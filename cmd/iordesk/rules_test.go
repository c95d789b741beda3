package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The rules go out as formula-safe CSV and come back: a row changed in the
// file becomes a new version, the others stay; one bad row and nothing is
// saved.
func TestRulesExportAndImport(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"IORDESK_DB": filepath.Join(dir, "rules.db")}[k] }
	call := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"rules"}, args...), env, &out, io.Discard)
		return out.String(), err
	}
	file := filepath.Join(dir, "rules.csv")
	if _, err := call("export", "-o", file); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	if !strings.HasPrefix(text, `"id","destination",`) || !strings.Contains(text, `"IN-WPC","IN","","radio","WPC ETA"`) {
		t.Fatalf("export:\n%.400s", text)
	}
	// Unchanged: nothing to save.
	if out, err := call("import", "--file", file); err != nil || !strings.Contains(out, "0 added, 0 changed") {
		t.Fatalf("import of the export: %q %v", out, err)
	}
	// The desk makes WPC a hold and adds a rule of its own.
	edited := strings.Replace(text, `"radio","WPC ETA","Wireless Planning & Coordination wing",`, `"radio","WPC ETA","WPC wing",`, 1) +
		`"DE-TEST","DE","","","Test scheme","Test","'=A test; with -a formula look.","info","no","","https://example.org/","no","2026-11-30"` + "\r\n"
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := call("import", "--file", file); err != nil || !strings.Contains(out, "1 added, 1 changed") {
		t.Fatalf("import of an edited file: %q %v", out, err)
	}
	if _, err := call("export", "-o", file); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(file)
	if !strings.Contains(string(raw), `"WPC wing"`) || !strings.Contains(string(raw), `"'=A test; with -a formula look."`) {
		t.Fatalf("after import:\n%s", raw)
	}
	// A bad row: nothing saved, the reason given.
	bad := strings.Replace(string(raw), `"WPC wing"`, `"WPC office"`, 1) + `"XX-BAD","XX","","","S","A","Sum.","info","no","","https://example.org/","no","2026-11-30"` + "\r\n"
	os.WriteFile(file, []byte(bad), 0o644)
	if _, err := call("import", "--file", file); err == nil || !strings.Contains(err.Error(), "XX-BAD") || !strings.Contains(err.Error(), "nothing saved") {
		t.Fatalf("a bad row: %v", err)
	}
	out, _ := call("export")
	if strings.Contains(out, "WPC office") {
		t.Fatal("a file with a bad row was partly imported")
	}
}

// `user list` lists the accounts; `user reset-password` gives a generated
// password that must be changed, and ends the account's sessions.
func TestUserListAndResetPassword(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string { return map[string]string{"IORDESK_DB": filepath.Join(dir, "users.db")}[k] }
	call := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"user"}, args...), env, &out, io.Discard)
		return out.String(), err
	}
	if _, err := call("add", "--email", "ops@ior.example", "--name", "Ops Person", "--role", "manager"); err != nil {
		t.Fatal(err)
	}
	out, err := call("list")
	if err != nil || !strings.Contains(out, "ops@ior.example\tOps Person\tmanager\tactive") {
		t.Fatalf("list: %q %v", out, err)
	}
	out, err = call("reset-password", "--email", "OPS@ior.example")
	if err != nil || !strings.Contains(out, "to be changed at the next login") {
		t.Fatalf("reset: %q %v", out, err)
	}
	if _, err := call("reset-password", "--email", "nobody@ior.example"); err == nil {
		t.Fatal("reset of an unknown account")
	}
}
