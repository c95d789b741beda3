package store

import (
	"path/filepath"
	"testing"
	"time"

	"iordesk/internal/pgtest"
	"iordesk/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m, pgtest.Stop) }

// backends runs fn against SQLite and PostgreSQL, each with a fresh,
// migrated database and the given clock.
func backends(t *testing.T, now func() time.Time, fn func(t *testing.T, s *Store)) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "test.db")
			if name == "postgres" {
				dsn = pgtest.DSN(t)
			}
			s, err := Open(dsn, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			fn(t, s)
		})
	}
}
