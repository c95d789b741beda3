package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"iordesk/internal/config"
	"iordesk/internal/server"
	"iordesk/internal/store"
)

// A login flood (100 at once from 10 addresses, all wrong) keeps the real
// server's memory flat: at most a few argon2id hashes of 19 MiB run at
// once, the rest wait briefly or are told to come back.
func TestLoginFloodKeepsMemoryFlat(t *testing.T) {
	p := start(t, filepath.Join(t.TempDir(), "flood.db"), "IORDESK_TRUSTED_PROXIES=127.0.0.1/32")
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			form := url.Values{"email": {"admin@localhost"}, "password": {fmt.Sprintf("wrong guess %d", i)}}
			req, _ := http.NewRequest(http.MethodPost, p.base+"/staff/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i%10))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
			if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
	wg.Wait()
	peak := peakRSS(t, p.cmd.Process.Pid)
	t.Logf("100 concurrent failed logins: statuses %v, peak RSS %d MB", statuses, peak>>20)
	if statuses[http.StatusUnauthorized] == 0 || statuses[http.StatusUnauthorized]+statuses[http.StatusServiceUnavailable] != 100 {
		t.Fatalf("statuses %v, want 401s and perhaps 503s", statuses)
	}
	if peak > 200<<20 {
		t.Fatalf("peak RSS %d MB under a login flood, want under 200 MB", peak>>20)
	}
}

// peakRSS reads a process's peak resident set (VmHWM) in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// With IORDESK_METRICS_ADDR the metrics have a listener of their own, and
// the public listener serves none.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	metricsAddr := freeAddr(t)
	p := start(t, filepath.Join(t.TempDir(), "metrics.db"), "IORDESK_METRICS_ADDR="+metricsAddr)
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "iordesk_outbox_pending") {
		t.Fatalf("metrics listener: %d", resp.StatusCode)
	}
	resp, err = http.Get(p.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("public /metrics: %d", resp.StatusCode)
	}
}

// The first admin's email is not guessable off localhost.
func TestFirstAdminEmail(t *testing.T) {
	for _, tc := range []struct {
		baseURL, adminEmail, want string
	}{
		{"http://localhost:8080", "", "admin@localhost"},
		{"http://127.0.0.1:8080", "", "admin@localhost"},
		{"https://desk.example.com", "ops@example.com", "ops@example.com"},
		{"https://desk.example.com", "", "admin-*@desk.example.com"},
	} {
		st, err := store.Open(filepath.Join(t.TempDir(), "admin.db"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		cfg := config.Config{BaseURL: tc.baseURL, AdminEmail: tc.adminEmail}
		if err := server.EnsureAdmin(context.Background(), st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		users, err := st.Users(context.Background())
		if err != nil || len(users) != 1 {
			t.Fatalf("%v %v", users, err)
		}
		got := users[0].Email
		prefix, suffix, wild := strings.Cut(tc.want, "*")
		if (!wild && got != tc.want) || (wild && (!strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, suffix) || len(got) < len(tc.want)+8)) {
			t.Errorf("%s with %q: first admin %q, want %q", tc.baseURL, tc.adminEmail, got, tc.want)
		}
	}
}
