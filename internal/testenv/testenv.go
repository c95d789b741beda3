// Package testenv decides what a test does when a part it needs (Chromium,
// PostgreSQL, LibreOffice, root for a tmpfs) is missing on this machine: it
// skips with the reason, unless IORDESK_REQUIRE_ALL=1 (CI) makes that a
// failure. Main prints, after a package's tests, one line naming what was
// skipped and why.
package testenv

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

// RequireAll reports whether every optional part is required.
func RequireAll() bool { return os.Getenv("IORDESK_REQUIRE_ALL") == "1" }

// skipped counts the skips of this test binary by reason (a test-only
// package: one binary runs one package's tests).
var skipped struct {
	sync.Mutex
	reasons map[string]int
}

// Missing skips t because of why, or fails it under IORDESK_REQUIRE_ALL=1.
func Missing(t testing.TB, why string) {
	t.Helper()
	if RequireAll() {
		t.Fatalf("required by IORDESK_REQUIRE_ALL=1: %s", why)
	}
	skipped.Lock()
	if skipped.reasons == nil {
		skipped.reasons = map[string]int{}
	}
	skipped.reasons[why]++
	skipped.Unlock()
	t.Skip(why)
}

// Main runs the package's tests, then cleanup, and prints one line of what
// was skipped ("go test -v" shows it; a plain "go test ./..." prints a
// passing package's output only when it fails).
func Main(m *testing.M, cleanup ...func()) {
	code := m.Run()
	for _, c := range cleanup {
		c()
	}
	if line := Summary(); line != "" {
		fmt.Println(line)
	}
	os.Exit(code)
}

// Summary is the one line naming the skips so far, or "".
func Summary() string {
	skipped.Lock()
	defer skipped.Unlock()
	if len(skipped.reasons) == 0 {
		return ""
	}
	var parts []string
	n := 0
	for why, count := range skipped.reasons {
		parts = append(parts, fmt.Sprintf("%d × %s", count, why))
		n += count
	}
	sort.Strings(parts)
	return fmt.Sprintf("skipped %d tests: %s", n, strings.Join(parts, "; "))
}
