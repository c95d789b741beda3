package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// syncBuffer collects the server's log while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startRun calls run() as main would, on a free port, and waits for /healthz.
func startRun(t *testing.T, dbPath string) (base string, stop func() string) {
	t.Helper()
	addr := freeAddr(t)
	env := map[string]string{"IORDESK_DB": dbPath, "IORDESK_ADDR": addr, "IORDESK_BASE_URL": "http://" + addr}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, io.Discard, logs) }()
	base = "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("server did not become healthy: %v\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return base, func() string {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("run did not return after cancel")
		}
		return logs.String()
	}
}

var captchaInput = regexp.MustCompile(`name="captcha_id" value="([A-Z2-7]+)"`)

func TestRunServesTheFormAndStoresAnEnquiry(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "data", "iordesk.db")
	base, stop := startRun(t, dbPath)

	resp, err := http.Get(base + "/enquiry")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := captchaInput.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no challenge in the form")
	}
	id := string(m[1])
	if resp, err := http.Get(base + "/captcha/" + id + ".png"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("captcha image: %v %v", resp, err)
	}
	// Only a test may read the answer from the database.
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var digits string
	if err := db.QueryRow("SELECT digits FROM captcha_challenges WHERE id = ?", id).Scan(&digits); err != nil {
		t.Fatal(err)
	}
	form := url.Values{
		"full_name": {"Katherine Johnson"}, "company": {"Orbital Data Inc"}, "email": {"kj@example.com"},
		"service": {"ior_eor"}, "origin_country": {"GB"}, "destination_countries": {"NG", "KE"},
		"product_category": {"telecom_radio"}, "product_description": {"Twenty 5G small-cell radios"},
		"condition": {"used"}, "shipment_value": {"99000"}, "currency": {"GBP"}, "consent": {"yes"},
		"captcha_id": {id}, "captcha_solution": {digits},
	}
	resp, err = http.PostForm(base+"/enquiry", form) // follows the 303
	if err != nil {
		t.Fatal(err)
	}
	thanks, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/enquiry/thanks" {
		t.Fatalf("after post: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	ref := resp.Request.URL.Query().Get("ref")
	if !strings.Contains(string(thanks), ref) {
		t.Fatalf("thanks page lacks %s", ref)
	}
	var company, dests string
	err = db.QueryRow(`SELECT e.company, group_concat(d.country, ',') FROM enquiries e
		JOIN enquiry_destinations d ON d.enquiry_id = e.id WHERE e.reference = ? GROUP BY e.id`, ref).Scan(&company, &dests)
	if err != nil || company != "Orbital Data Inc" || (dests != "NG,KE" && dests != "KE,NG") {
		t.Fatalf("stored %q %q %v", company, dests, err)
	}
	// With no SMTP configured, both messages land as .eml files beside the database.
	mailDir := filepath.Join(filepath.Dir(dbPath), "mail")
	deadline := time.Now().Add(10 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(mailDir, "*.eml"))
		if len(files) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mail files in %s, want 2", len(files), mailDir)
		}
		time.Sleep(20 * time.Millisecond)
	}
	logs := stop()
	if strings.Contains(logs, "Katherine") || strings.Contains(logs, "kj@example.com") || strings.Contains(logs, digits) {
		t.Fatalf("the log holds personal data or the CAPTCHA answer:\n%s", logs)
	}
	if !strings.Contains(logs, "stopped") {
		t.Fatalf("no graceful stop in the log:\n%s", logs)
	}
}

func TestRunMigrateAndUsage(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "m.db")
	env := func(k string) string {
		if k == "IORDESK_DB" {
			return dbPath
		}
		return ""
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, env, &out, io.Discard); err != nil || !strings.Contains(out.String(), "applied 0001") {
		t.Fatalf("migrate: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate"}, env, &out, io.Discard); err != nil || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("migrate again: %v %q", err, out.String())
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	out.Reset()
	if err := run(context.Background(), []string{"backup", "-o", copyPath}, env, &out, io.Discard); err != nil || !strings.Contains(out.String(), "backup written") {
		t.Fatalf("backup: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"backup", "-o", copyPath}, env, io.Discard, io.Discard); err == nil {
		t.Fatal("backup over an existing file accepted")
	}
	err := run(context.Background(), []string{"frobnicate"}, env, io.Discard, io.Discard)
	if err == nil || exitCode(err) != 2 {
		t.Fatalf("unknown command: %v", err)
	}
	for _, flag := range []string{"-h", "--help"} {
		var top bytes.Buffer
		if err := run(context.Background(), []string{flag}, env, &top, io.Discard); err != nil || !strings.Contains(top.String(), "reset-password") || !strings.Contains(top.String(), "rules export") {
			t.Fatalf("iordesk %s: %v %q", flag, err, top.String())
		}
	}
	var help bytes.Buffer
	if err := run(context.Background(), []string{"serve", "--help"}, env, io.Discard, &help); err != nil || !strings.Contains(help.String(), "IORDESK_SMTP_URL") {
		t.Fatalf("help: %v %q", err, help.String())
	}
	err = run(context.Background(), []string{"serve"}, func(k string) string {
		return map[string]string{"IORDESK_DB": dbPath, "IORDESK_BASE_URL": "nope"}[k]
	}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(fmt.Sprint(err), "IORDESK_BASE_URL") {
		t.Fatalf("bad base URL: %v", err)
	}
}

func TestRouteCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "r.db")
	env := func(k string) string {
		return map[string]string{"IORDESK_DB": dbPath, "IORDESK_DESK_EMAIL": "desk@ior.example"}[k]
	}
	call := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"route"}, args...), env, &out, io.Discard)
		return out.String(), err
	}
	if out, err := call("list"); err != nil || !strings.Contains(out, "desk@ior.example") {
		t.Fatalf("empty list: %q %v", out, err)
	}
	if out, err := call("add", "--match", "de", "--email", "dach@ior.example"); err != nil || !strings.Contains(out, "DE → dach@ior.example") {
		t.Fatalf("add: %q %v", out, err)
	}
	if _, err := call("add", "--match", "EU", "--email", "eu@ior.example"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{{"add", "--match", "XX", "--email", "a@b.c"}, {"add", "--match", "DE", "--email", "Bob <a@b.c>"},
		{"add", "--match", "DE", "--email", "dach@ior.example"}, {"remove"}, {"remove", "--id", "99"}, {"frob"}} {
		if _, err := call(bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	out, _ := call("list")
	if !strings.Contains(out, "EU") || !strings.Contains(out, "dach@ior.example") {
		t.Fatalf("list: %q", out)
	}
	if _, err := call("remove", "--id", "1"); err != nil {
		t.Fatal(err)
	}
	if out, _ := call("list"); strings.Contains(out, "dach@") {
		t.Fatalf("after remove: %q", out)
	}
}
