package inbox_test

import (
	"testing"

	"iordesk/internal/pgtest"
	"iordesk/internal/testenv"
)

// TestMain stops the PostgreSQL server the tests started, and removes it.
func TestMain(m *testing.M) { testenv.Main(m, pgtest.Stop) }
