// Package testenv decides what a test does when a part it needs (Chromium,
// PostgreSQL, LibreOffice, root for a tmpfs) is missing on this machine: it
// skips with the reason, unless IORDESK_REQUIRE_ALL=1 (CI) makes that a
// failure.
package testenv

import (
	"os"
	"testing"
)

// RequireAll reports whether every optional part is required.
func RequireAll() bool { return os.Getenv("IORDESK_REQUIRE_ALL") == "1" }

// Missing skips t because of why, or fails it under IORDESK_REQUIRE_ALL=1.
func Missing(t testing.TB, why string) {
	t.Helper()
	if RequireAll() {
		t.Fatalf("required by IORDESK_REQUIRE_ALL=1: %s", why)
	}
	t.Skip(why)
}
